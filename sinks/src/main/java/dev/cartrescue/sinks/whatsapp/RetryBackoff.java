package dev.cartrescue.sinks.whatsapp;

import java.time.Duration;

/**
 * How long to wait before a retry: exponential from {@code initial}, capped at {@code max}, plus up
 * to half again as jitter so that messages throttled together do not come back together. The pair
 * rate limit (131056) follows Meta's advice instead: 4^n seconds, not capped.
 */
final class RetryBackoff {

  private static final double JITTER = 0.5;

  private final Duration initial;
  private final Duration max;

  RetryBackoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /**
   * @param retry 1 for the first retry, 2 for the second, ...
   * @param errorCode the code of the failure being retried, or null
   * @param random a number in [0, 1) that places the delay inside its jitter
   */
  Duration delay(int retry, Integer errorCode, double random) {
    Duration base;
    if (errorCode != null && errorCode == CloudApiErrors.PAIR_RATE_LIMIT) {
      base = Duration.ofSeconds(1L << (2 * Math.min(retry, 15)));
    } else {
      base = initial.multipliedBy(1L << Math.min(retry - 1, 30));
      if (base.compareTo(max) > 0) {
        base = max;
      }
    }
    return base.plusNanos((long) (base.toNanos() * JITTER * random));
  }
}
