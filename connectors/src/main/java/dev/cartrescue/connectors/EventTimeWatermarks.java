package dev.cartrescue.connectors;

import java.time.Duration;
import javax.annotation.Nullable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.SystemClock;

/**
 * Event time for the job's inputs: the time written in each record, not the time it was read.
 *
 * <p>Kafka's source makes one watermark generator per partition (split), and the job's event time
 * is the least of them. A partition with no records would hold it back forever, so a quiet
 * partition either follows the wall clock or steps aside as idle; see {@link
 * InputWatermarkGenerator}.
 */
public final class EventTimeWatermarks {

  /**
   * How long a quiet partition waits before it is marked idle, when it does not follow the clock.
   */
  static final Duration IDLENESS_TIMEOUT = Duration.ofMinutes(1);

  private EventTimeWatermarks() {}

  /**
   * Event time from {@link Parsed#eventTime} with bounded out-of-orderness; dead letters never move
   * event time. Per partition, after a quiet spell with no valid record:
   *
   * <ul>
   *   <li>with {@code idleAdvance}: after {@code idleAdvance}, the watermark follows the wall clock
   *       ({@code now - outOfOrderness}), so that event-time deadlines still fire in a quiet store;
   *   <li>without: after one minute the partition is marked idle and no longer holds time back, but
   *       time does not move without records (what a replay wants).
   * </ul>
   *
   * A spell only counts while Kafka can serve {@code topic} ({@link TopicAvailability}): during a
   * broker outage no partition follows the clock or steps aside. Watermarks never go backwards.
   */
  public static <T> WatermarkStrategy<Parsed<T>> forInputs(
      Duration outOfOrderness, @Nullable Duration idleAdvance, KafkaSettings kafka, String topic) {
    if (outOfOrderness.isNegative()) {
      throw new IllegalArgumentException("out-of-orderness must not be negative");
    }
    if (idleAdvance != null && (idleAdvance.isNegative() || idleAdvance.isZero())) {
      throw new IllegalArgumentException("idle advance must be positive");
    }
    Duration quietAfter = idleAdvance != null ? idleAdvance : IDLENESS_TIMEOUT;
    boolean followClock = idleAdvance != null;
    return WatermarkStrategy.<Parsed<T>>forGenerator(
            context ->
                new InputWatermarkGenerator<>(
                    outOfOrderness,
                    quietAfter,
                    followClock,
                    context.getInputActivityClock(),
                    SystemClock.getInstance(),
                    TopicAvailability.of(kafka, topic)))
        // Dead letters keep their Kafka timestamp: they go on to the dead-letter topic with it.
        .withTimestampAssigner(
            (parsed, kafkaTimestamp) -> parsed.isValid() ? parsed.eventTime : kafkaTimestamp);
  }
}
