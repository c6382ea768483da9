package dev.cartrescue.job.records;

import dev.cartrescue.connectors.InvalidRecordException;
import java.time.Duration;
import java.time.Instant;

/**
 * Guards event time against absurd timestamps. One event far in the future would move its
 * partition's watermark past every other event and make them all late; one in seconds instead of
 * milliseconds lands in 1970. Both are dead letters instead.
 */
final class EventTimes {
  static final Duration MAX_AHEAD_OF_WALL_CLOCK = Duration.ofHours(1);
  static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  private EventTimes() {}

  static long plausible(String field, long timestamp) throws InvalidRecordException {
    if (timestamp < EARLIEST) {
      throw new InvalidRecordException("field " + field + " is before 2000 (seconds, not millis?)");
    }
    if (timestamp > System.currentTimeMillis() + MAX_AHEAD_OF_WALL_CLOCK.toMillis()) {
      throw new InvalidRecordException("field " + field + " is in the future");
    }
    return timestamp;
  }
}
