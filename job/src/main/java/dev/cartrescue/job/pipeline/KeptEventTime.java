package dev.cartrescue.job.pipeline;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Keeps an input's event time across a restore: right after a source, it passes records, watermarks
 * and idleness on, remembers in each checkpoint the watermark it passed on last and whether it was
 * idle, and after a restore starts from there.
 *
 * <p>Why: a Kafka source's watermarks live in its readers and are not checkpointed. A restored job
 * starts from no event time at all; it moves again only with new records (or, with idle-advance,
 * after the idle period). A replay restored after its last records were read would never again fire
 * the deadlines that the checkpoint held (timers, pending carts), and decide nothing.
 *
 * <p>On restore, every subtask gets the state of all subtasks (the partitions may have moved
 * between them) and starts from what its consumers saw: the least watermark of the subtasks that
 * were active, or, when all were idle, the greatest, and idle again. It emits that before anything
 * else, then passes on only what moves event time further. A record after the restored checkpoint
 * is therefore late exactly when it was late for the job that wrote the checkpoint.
 */
final class KeptEventTime<T> extends AbstractStreamOperator<T>
    implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  private transient ListState<Tuple2<Long, Boolean>> kept;
  private transient long passedOn;
  private transient boolean idle;
  private transient Watermark restored;
  private transient boolean restoredIdle;

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    passedOn = Long.MIN_VALUE;
    kept =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>("event-time", Types.TUPLE(Types.LONG, Types.BOOLEAN)));
    if (context.isRestored()) {
      boolean any = false;
      boolean anyActive = false;
      long leastActive = Long.MAX_VALUE;
      long greatest = Long.MIN_VALUE;
      for (Tuple2<Long, Boolean> subtask : kept.get()) {
        any = true;
        greatest = Math.max(greatest, subtask.f0);
        if (!subtask.f1) {
          anyActive = true;
          leastActive = Math.min(leastActive, subtask.f0);
        }
      }
      if (any) {
        long time = anyActive ? leastActive : greatest;
        restored = time == Long.MIN_VALUE ? null : new Watermark(time);
        restoredIdle = !anyActive;
      }
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    if (restored != null || restoredIdle) {
      // Once the task runs: whatever comes first, this timer or the source's first element.
      long now = getProcessingTimeService().getCurrentProcessingTime();
      getProcessingTimeService().registerTimer(now, time -> resume());
    }
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    resume();
    becomeActive();
    output.collect(element);
  }

  @Override
  public void processWatermark(Watermark mark) {
    resume();
    if (mark.getTimestamp() > passedOn) {
      becomeActive();
      passOn(mark);
    }
  }

  @Override
  public void processWatermarkStatus(WatermarkStatus status) {
    resume();
    if (status.isIdle() != idle) {
      idle = status.isIdle();
      output.emitWatermarkStatus(status);
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    kept.update(List.of(Tuple2.of(passedOn, idle)));
  }

  private void resume() {
    if (restored == null && !restoredIdle) {
      return;
    }
    if (restored != null && restored.getTimestamp() > passedOn) {
      passOn(restored);
    }
    if (restoredIdle && !idle) {
      idle = true;
      output.emitWatermarkStatus(WatermarkStatus.IDLE);
    }
    restored = null;
    restoredIdle = false;
  }

  private void becomeActive() {
    if (idle) {
      idle = false;
      output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
    }
  }

  private void passOn(Watermark mark) {
    passedOn = mark.getTimestamp();
    output.emitWatermark(mark);
  }
}
