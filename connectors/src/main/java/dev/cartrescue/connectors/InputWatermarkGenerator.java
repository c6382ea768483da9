package dev.cartrescue.connectors;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.RelativeClock;

/**
 * The watermarks of one Kafka partition: the highest event time seen, less the out-of-orderness.
 * When no valid record has come for {@code quietAfter}, the partition either follows the wall clock
 * or is marked idle (see {@link EventTimeWatermarks#forInputs}).
 *
 * <p>Before a partition's first record, it must stay quiet for at least {@link
 * #FIRST_RECORD_GRACE}: at start the consumer may take seconds to fetch its first batch (group
 * coordinator, metadata), and a partition that jumped to the wall clock meanwhile would make its
 * whole backlog late.
 *
 * <p>Quiet spells are measured on Flink's input activity clock, which stands still while the source
 * is backpressured: a partition that is merely waiting for the job to catch up is not quiet. Nor is
 * a partition whose topic Kafka cannot serve ({@link TopicAvailability}): during a broker outage
 * the producers hold their records back, and they must not find event time moved past them when
 * Kafka is back. A quiet spell starts again when the topic is available again. Watermarks never go
 * backwards, whichever way they were made.
 */
final class InputWatermarkGenerator<T> implements WatermarkGenerator<Parsed<T>> {
  static final Duration FIRST_RECORD_GRACE = Duration.ofSeconds(30);

  private final long outOfOrdernessMillis;
  private final long quietAfterMillis;
  private final long quietBeforeFirstRecordMillis;
  private final boolean followClock;
  private final RelativeClock activityClock;
  private final Clock wallClock;
  private final BooleanSupplier topicAvailable;

  private long maxEventTime = Long.MIN_VALUE;
  private long lastActivity;
  private long watermark = Long.MIN_VALUE;
  private boolean idle;
  private boolean hadRecord;

  InputWatermarkGenerator(
      Duration outOfOrderness,
      Duration quietAfter,
      boolean followClock,
      RelativeClock activityClock,
      Clock wallClock,
      BooleanSupplier topicAvailable) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.quietAfterMillis = quietAfter.toMillis();
    this.quietBeforeFirstRecordMillis = Math.max(quietAfterMillis, FIRST_RECORD_GRACE.toMillis());
    this.followClock = followClock;
    this.activityClock = activityClock;
    this.wallClock = wallClock;
    this.topicAvailable = topicAvailable;
    // A partition that never gets a record is quiet from the start.
    this.lastActivity = activityClock.relativeTimeMillis();
  }

  @Override
  public void onEvent(Parsed<T> event, long eventTimestamp, WatermarkOutput output) {
    // A dead letter's time is unknown; it neither moves event time nor counts as activity.
    if (!event.isValid()) {
      return;
    }
    maxEventTime = Math.max(maxEventTime, event.eventTime);
    hadRecord = true;
    lastActivity = activityClock.relativeTimeMillis();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (!topicAvailable.getAsBoolean()) {
      lastActivity = activityClock.relativeTimeMillis();
    }
    long quietFor = activityClock.relativeTimeMillis() - lastActivity;
    boolean quiet = quietFor >= (hadRecord ? quietAfterMillis : quietBeforeFirstRecordMillis);
    long candidate = minus(maxEventTime, outOfOrdernessMillis + 1);
    if (quiet) {
      if (!followClock) {
        if (!idle) {
          idle = true;
          output.markIdle();
        }
        return;
      }
      candidate = Math.max(candidate, minus(wallClock.absoluteTimeMillis(), outOfOrdernessMillis));
    }
    idle = false;
    watermark = Math.max(watermark, candidate);
    // Emitted even when unchanged: it is also what marks a partition active again after idleness.
    output.emitWatermark(new Watermark(watermark));
  }

  private static long minus(long time, long duration) {
    return time < Long.MIN_VALUE + duration ? Long.MIN_VALUE : time - duration;
  }
}
