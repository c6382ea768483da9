package dev.cartrescue.connectors;

import static dev.cartrescue.connectors.KafkaSettings.StartingOffsets.COMMITTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {

  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(10);
  private static final Duration IDLE_ADVANCE = Duration.ofMinutes(1);
  private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
  private static final long TEN_SECONDS = 10_000;

  /** Flink's input activity clock (it stands still under backpressure) and the wall clock. */
  private final ManualClock activity = new ManualClock();

  private final SettableClock wall = new SettableClock(T0 + Duration.ofDays(1).toMillis());

  private final RecordingOutput output = new RecordingOutput();

  /** Whether Kafka can serve the partition's topic (TopicAvailability in the job). */
  private boolean topicAvailable = true;

  @Test
  void holdsTheWatermarkBehindTheLatestEventByTheOutOfOrderness() {
    var generator = generator(IDLE_ADVANCE);

    generator.onEvent(valid(T0), T0, output);
    generator.onEvent(valid(T0 + 30_000), T0 + 30_000, output);
    generator.onEvent(valid(T0 + 5_000), T0 + 5_000, output); // out of order: no step back
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(T0 + 30_000 - TEN_SECONDS - 1);
  }

  @Test
  void takesEventTimeFromTheParsedRecordAndKeepsKafkaTimeForDeadLetters() {
    TimestampAssigner<Parsed<String>> assigner =
        EventTimeWatermarks.<String>forInputs(
                OUT_OF_ORDERNESS,
                IDLE_ADVANCE,
                new KafkaSettings("localhost:9", "g", COMMITTED, null),
                "t")
            .createTimestampAssigner(
                new TimestampAssignerSupplier.Context() {
                  @Override
                  public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                  }
                });

    assertThat(assigner.extractTimestamp(valid(T0), 42L)).isEqualTo(T0);
    assertThat(assigner.extractTimestamp(deadLetter(), 42L)).isEqualTo(42L);
  }

  @Test
  void ignoresDeadLetters() {
    var generator = generator(IDLE_ADVANCE);
    generator.onEvent(valid(T0), T0, output);

    generator.onEvent(deadLetter(), Long.MAX_VALUE, output);
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(T0 - TEN_SECONDS - 1);
  }

  @Test
  void deadLettersDoNotKeepAPartitionFromGoingIdle() {
    var generator = generator(null);
    generator.onEvent(valid(T0), T0, output);

    advance(Duration.ofSeconds(59));
    generator.onEvent(deadLetter(), T0, output);
    advance(Duration.ofSeconds(1));
    generator.onPeriodicEmit(output);

    assertThat(output.events).last().isEqualTo("idle");
  }

  @Test
  void marksAQuietPartitionIdleAfterOneMinuteWithoutIdleAdvance() {
    var generator = generator(null);
    generator.onEvent(valid(T0), T0, output);
    generator.onPeriodicEmit(output);

    advance(Duration.ofSeconds(59));
    generator.onPeriodicEmit(output);
    assertThat(output.events).doesNotContain("idle");

    advance(Duration.ofSeconds(1));
    generator.onPeriodicEmit(output);
    generator.onPeriodicEmit(output);
    assertThat(output.events).containsOnlyOnce("idle").last().isEqualTo("idle");
    // Without idle advance, event time does not follow the clock.
    assertThat(output.lastWatermark()).isEqualTo(T0 - TEN_SECONDS - 1);
  }

  @Test
  void marksAPartitionThatNeverHadARecordIdle() {
    var generator = generator(null);

    advance(Duration.ofMinutes(1));
    generator.onPeriodicEmit(output);

    assertThat(output.events).containsExactly("idle");
  }

  @Test
  void becomesActiveAgainWithTheNextRecord() {
    var generator = generator(null);
    generator.onEvent(valid(T0), T0, output);
    advance(Duration.ofMinutes(2));
    generator.onPeriodicEmit(output);

    generator.onEvent(valid(T0 + 60_000), T0 + 60_000, output);
    generator.onPeriodicEmit(output);

    assertThat(output.events).last().isEqualTo("watermark " + (T0 + 60_000 - TEN_SECONDS - 1));
  }

  @Test
  void followsTheWallClockAfterIdleAdvanceWithoutRecords() {
    var generator = generator(IDLE_ADVANCE);
    generator.onEvent(valid(T0), T0, output);

    advance(IDLE_ADVANCE.minusMillis(1));
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(T0 - TEN_SECONDS - 1);

    advance(Duration.ofMillis(1));
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(wall.absoluteTimeMillis() - TEN_SECONDS);

    advance(Duration.ofSeconds(5));
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(wall.absoluteTimeMillis() - TEN_SECONDS);
    assertThat(output.events).doesNotContain("idle");
  }

  @Test
  void doesNotTakeBackpressureForQuiet() {
    var generator = generator(IDLE_ADVANCE);
    generator.onEvent(valid(T0), T0, output);

    // The job is busy: Flink's activity clock stands still while the wall clock runs on.
    wall.set(wall.absoluteTimeMillis() + Duration.ofMinutes(5).toMillis());
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(T0 - TEN_SECONDS - 1);
  }

  @Test
  void doesNotTakeAKafkaOutageForQuiet() {
    var generator = generator(IDLE_ADVANCE);
    generator.onEvent(valid(T0), T0, output);
    advance(Duration.ofSeconds(30));
    generator.onPeriodicEmit(output);

    // The broker goes down: producers hold their records back; event time must wait for them.
    topicAvailable = false;
    advance(Duration.ofMinutes(10));
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(T0 - TEN_SECONDS - 1);

    // Back: the quiet spell starts again, so the held-back records arrive on time.
    topicAvailable = true;
    advance(IDLE_ADVANCE.minusMillis(1));
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(T0 - TEN_SECONDS - 1);
    long heldBack = wall.absoluteTimeMillis() - Duration.ofMinutes(5).toMillis();
    generator.onEvent(valid(heldBack), heldBack, output);
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(heldBack - TEN_SECONDS - 1);
  }

  @Test
  void doesNotMarkAPartitionIdleDuringAKafkaOutage() {
    var generator = generator(null);
    generator.onEvent(valid(T0), T0, output);
    topicAvailable = false;

    advance(Duration.ofMinutes(10));
    generator.onPeriodicEmit(output);

    assertThat(output.events).doesNotContain("idle");
  }

  @Test
  void stopsFollowingTheClockWhileKafkaIsDown() {
    var generator = generator(IDLE_ADVANCE);
    generator.onEvent(valid(T0), T0, output);
    advance(IDLE_ADVANCE);
    generator.onPeriodicEmit(output);
    long followed = output.lastWatermark();

    topicAvailable = false;
    advance(Duration.ofMinutes(3));
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(followed);
  }

  @Test
  void followsTheWallClockFromTheStartWhenAPartitionNeverHadARecord() {
    var generator = generator(IDLE_ADVANCE);

    advance(max(IDLE_ADVANCE, InputWatermarkGenerator.FIRST_RECORD_GRACE));
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(wall.absoluteTimeMillis() - TEN_SECONDS);
  }

  @Test
  void waitsLongerForAPartitionsFirstRecordSoThatASlowStartKeepsItsBacklogOnTime() {
    Duration shortAdvance = Duration.ofSeconds(2);
    var generator = generator(shortAdvance);

    advance(InputWatermarkGenerator.FIRST_RECORD_GRACE.minusMillis(1));
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(Long.MIN_VALUE);

    // The first batch arrives late, ten minutes behind the wall clock: it is not late.
    long backlog = wall.absoluteTimeMillis() - Duration.ofMinutes(10).toMillis();
    generator.onEvent(valid(backlog), backlog, output);
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(backlog - TEN_SECONDS - 1);

    // From then on, the short quiet threshold applies.
    advance(shortAdvance);
    generator.onPeriodicEmit(output);
    assertThat(output.lastWatermark()).isEqualTo(wall.absoluteTimeMillis() - TEN_SECONDS);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Test
  void neverGoesBackWhenRecordsResumeAfterFollowingTheClock() {
    var generator = generator(IDLE_ADVANCE);
    generator.onEvent(valid(T0), T0, output);
    advance(Duration.ofMinutes(5));
    generator.onPeriodicEmit(output);
    long followed = output.lastWatermark();

    // A record far behind the wall clock (a producer catching up): event time must not go back.
    generator.onEvent(valid(T0 + 1_000), T0 + 1_000, output);
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(followed);
    assertThat(output.watermarks()).isSorted();
  }

  @Test
  void neverGoesBackWhenTheWallClockDoes() {
    var generator = generator(IDLE_ADVANCE);
    advance(IDLE_ADVANCE);
    generator.onPeriodicEmit(output);
    long followed = output.lastWatermark();

    wall.set(wall.absoluteTimeMillis() - Duration.ofMinutes(3).toMillis()); // NTP steps back
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(followed);
  }

  @Test
  void followsEventTimeAgainWhenRecordsOvertakeTheClock() {
    var generator = generator(IDLE_ADVANCE);
    advance(IDLE_ADVANCE);
    generator.onPeriodicEmit(output);

    long ahead = wall.absoluteTimeMillis() + 60_000;
    generator.onEvent(valid(ahead), ahead, output);
    generator.onPeriodicEmit(output);

    assertThat(output.lastWatermark()).isEqualTo(ahead - TEN_SECONDS - 1);
  }

  private InputWatermarkGenerator<String> generator(Duration idleAdvance) {
    return new InputWatermarkGenerator<>(
        OUT_OF_ORDERNESS,
        idleAdvance != null ? idleAdvance : EventTimeWatermarks.IDLENESS_TIMEOUT,
        idleAdvance != null,
        activity,
        wall,
        () -> topicAvailable);
  }

  private void advance(Duration duration) {
    activity.advanceTime(duration);
    wall.set(wall.absoluteTimeMillis() + duration.toMillis());
  }

  private static Parsed<String> valid(long eventTime) {
    return Parsed.of("event", eventTime);
  }

  private static Parsed<String> deadLetter() {
    return Parsed.dead(new DeadLetter("t", 0, 0, "not JSON", new byte[] {'x'}));
  }

  /** A wall clock that can also be set back, as NTP sometimes does. */
  private static final class SettableClock extends Clock {
    private long millis;

    SettableClock(long millis) {
      this.millis = millis;
    }

    void set(long millis) {
      this.millis = millis;
    }

    @Override
    public long absoluteTimeMillis() {
      return millis;
    }

    @Override
    public long relativeTimeMillis() {
      return millis;
    }

    @Override
    public long relativeTimeNanos() {
      return millis * 1_000_000;
    }
  }

  /** A WatermarkOutput that writes down what it was told, in order. */
  private static final class RecordingOutput implements WatermarkOutput {
    final List<String> events = new ArrayList<>();
    final List<Long> watermarks = new ArrayList<>();

    @Override
    public void emitWatermark(Watermark watermark) {
      events.add("watermark " + watermark.getTimestamp());
      watermarks.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      events.add("idle");
    }

    @Override
    public void markActive() {
      events.add("active");
    }

    long lastWatermark() {
      return watermarks.get(watermarks.size() - 1);
    }

    List<Long> watermarks() {
      return watermarks;
    }
  }
}
