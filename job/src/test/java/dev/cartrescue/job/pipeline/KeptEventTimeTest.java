package dev.cartrescue.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeptEventTimeTest {
  private static final int MAX_PARALLELISM = 256;

  /** Every harness a test opened, closed after it. */
  private static final List<OneInputStreamOperatorTestHarness<String, String>> OPENED =
      new ArrayList<>();

  @AfterEach
  void closeHarnesses() throws Exception {
    for (OneInputStreamOperatorTestHarness<String, String> harness : OPENED) {
      harness.close();
    }
    OPENED.clear();
  }

  @Test
  void passesRecordsWatermarksAndIdlenessOnButNeverTimeBackwards() throws Exception {
    OneInputStreamOperatorTestHarness<String, String> harness = fresh(1, 0);
    harness.processElement(new StreamRecord<>("a", 5));
    harness.processWatermark(new Watermark(10));
    harness.processWatermark(new Watermark(8));
    harness.processWatermarkStatus(WatermarkStatus.IDLE);
    harness.processWatermarkStatus(WatermarkStatus.IDLE);
    harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
    harness.processWatermark(new Watermark(12));

    assertThat(output(harness))
        .containsExactly(
            "record a@5", "watermark 10", "status IDLE", "status ACTIVE", "watermark 12");
  }

  @Test
  void resumesEventTimeAfterARestoreWithoutAnyNewInput() throws Exception {
    OperatorSubtaskState checkpoint = run(new Watermark(1_000), null);

    OneInputStreamOperatorTestHarness<String, String> restored = restore(checkpoint, 1, 0);
    restored.setProcessingTime(1);
    assertThat(output(restored)).containsExactly("watermark 1000");

    // The source starts again from nothing: its first watermarks are behind the checkpoint.
    restored.processWatermark(new Watermark(400));
    restored.processWatermark(new Watermark(1_500));
    assertThat(output(restored)).containsExactly("watermark 1000", "watermark 1500");
  }

  @Test
  void resumesBeforeTheFirstRecordWhenThatComesFirst() throws Exception {
    OperatorSubtaskState checkpoint = run(new Watermark(1_000), null);

    OneInputStreamOperatorTestHarness<String, String> restored = restore(checkpoint, 1, 0);
    restored.processElement(new StreamRecord<>("late", 900));
    assertThat(output(restored)).containsExactly("watermark 1000", "record late@900");
  }

  @Test
  void startsFromTheLeastWatermarkOfTheActiveSubtasksWhenRescaled() throws Exception {
    OperatorSubtaskState all =
        AbstractStreamOperatorTestHarness.repackageState(
            run(new Watermark(1_000), null, 3, 0),
            run(new Watermark(2_000), null, 3, 1),
            run(new Watermark(500), WatermarkStatus.IDLE, 3, 2));

    for (int subtask = 0; subtask < 2; subtask++) {
      OperatorSubtaskState mine =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(
              all, MAX_PARALLELISM, 3, 2, subtask);
      OneInputStreamOperatorTestHarness<String, String> restored = restore(mine, 2, subtask);
      restored.setProcessingTime(1);
      assertThat(output(restored)).containsExactly("watermark 1000");
    }
  }

  @Test
  void startsIdleFromTheGreatestWatermarkWhenEverySubtaskWasIdle() throws Exception {
    OperatorSubtaskState all =
        AbstractStreamOperatorTestHarness.repackageState(
            run(new Watermark(1_000), WatermarkStatus.IDLE, 2, 0),
            run(new Watermark(2_000), WatermarkStatus.IDLE, 2, 1));
    OperatorSubtaskState mine =
        AbstractStreamOperatorTestHarness.repartitionOperatorState(all, MAX_PARALLELISM, 2, 2, 0);

    OneInputStreamOperatorTestHarness<String, String> restored = restore(mine, 2, 0);
    restored.setProcessingTime(1);
    restored.processWatermark(new Watermark(1_500));
    restored.processElement(new StreamRecord<>("b", 2_100));
    restored.processWatermark(new Watermark(2_200));

    assertThat(output(restored))
        .containsExactly(
            "watermark 2000", "status IDLE", "status ACTIVE", "record b@2100", "watermark 2200");
  }

  @Test
  void aRestoreWithoutEventTimeEmitsNothing() throws Exception {
    OperatorSubtaskState checkpoint = run(null, null);

    OneInputStreamOperatorTestHarness<String, String> restored = restore(checkpoint, 1, 0);
    restored.setProcessingTime(1);
    assertThat(output(restored)).isEmpty();
  }

  private static OperatorSubtaskState run(Watermark mark, WatermarkStatus status) throws Exception {
    return run(mark, status, 1, 0);
  }

  /** A subtask that saw {@code mark} and then {@code status}, snapshot. */
  private static OperatorSubtaskState run(
      Watermark mark, WatermarkStatus status, int parallelism, int subtask) throws Exception {
    OneInputStreamOperatorTestHarness<String, String> harness = fresh(parallelism, subtask);
    if (mark != null) {
      harness.processWatermark(mark);
    }
    if (status != null) {
      harness.processWatermarkStatus(status);
    }
    return harness.snapshot(1, 1);
  }

  private static OneInputStreamOperatorTestHarness<String, String> fresh(
      int parallelism, int subtask) throws Exception {
    OneInputStreamOperatorTestHarness<String, String> harness =
        new OneInputStreamOperatorTestHarness<>(
            new KeptEventTime<>(), MAX_PARALLELISM, parallelism, subtask);
    harness.open();
    OPENED.add(harness);
    return harness;
  }

  private static OneInputStreamOperatorTestHarness<String, String> restore(
      OperatorSubtaskState state, int parallelism, int subtask) throws Exception {
    OneInputStreamOperatorTestHarness<String, String> harness =
        new OneInputStreamOperatorTestHarness<>(
            new KeptEventTime<>(), MAX_PARALLELISM, parallelism, subtask);
    harness.initializeState(state);
    harness.open();
    OPENED.add(harness);
    return harness;
  }

  private static List<String> output(OneInputStreamOperatorTestHarness<String, String> harness) {
    List<String> seen = new ArrayList<>();
    for (Object element : harness.getOutput()) {
      if (element instanceof StreamRecord<?> record) {
        seen.add("record " + record.getValue() + "@" + record.getTimestamp());
      } else if (element instanceof Watermark mark) {
        seen.add("watermark " + mark.getTimestamp());
      } else if (element instanceof WatermarkStatus status) {
        seen.add("status " + (status.isIdle() ? "IDLE" : "ACTIVE"));
      }
    }
    return seen;
  }
}
