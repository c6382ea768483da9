package dev.cartrescue.job.pipeline;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Passes records through and event time in steps of {@code granularity}: a watermark goes on only
 * when it crosses a multiple of it.
 *
 * <p>Why: Flink's CEP operator fires a timer for every contact with an open match (a cart waiting
 * out its hour) on every watermark it receives, and each firing reads RocksDB even when nothing is
 * due. Watermarks come every 200 ms, so the cost grew with open carts times watermarks, whatever
 * the events. In steps, each open cart is looked at once per step. A match is then emitted up to
 * one step after its deadline; its deadline, and so the decision, stay exact (they come from the
 * matched event, and the decision is taken at the deadline in event time). No record becomes late:
 * the watermark passed on is never ahead of the one received.
 */
final class CoarseWatermarks<T> extends AbstractStreamOperator<T>
    implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  private final long granularity;
  private transient long passedOn;

  CoarseWatermarks(long granularityMillis) {
    if (granularityMillis < 1) {
      throw new IllegalArgumentException("granularity must be positive: " + granularityMillis);
    }
    this.granularity = granularityMillis;
  }

  @Override
  public void open() throws Exception {
    super.open();
    passedOn = Long.MIN_VALUE;
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    output.collect(element);
  }

  @Override
  public void processWatermark(Watermark mark) {
    long time = mark.getTimestamp();
    long step = time == Long.MAX_VALUE ? time : Math.floorDiv(time, granularity) * granularity;
    if (step > passedOn) {
      passedOn = step;
      output.emitWatermark(new Watermark(step));
    }
  }
}
