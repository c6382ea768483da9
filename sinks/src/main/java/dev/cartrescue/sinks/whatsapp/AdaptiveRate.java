package dev.cartrescue.sinks.whatsapp;

/**
 * The pace of one sender subtask, which slows down when the Cloud API says it is too fast: a
 * throughput error (130429, 80007, 4) halves the rate, down to a tenth of the configured one, and
 * the rate then climbs back by 5% of the configured rate per second (a full recovery from one
 * halving takes 10 s). This is additive increase, multiplicative decrease, as TCP does it: quick to
 * back off, slow to push again.
 *
 * <p>Only a request started after the last slowdown can slow down again: the answers to requests
 * that were already on their way at the old pace say nothing about the new one.
 *
 * <p>Times are {@link System#nanoTime()} values given by the caller. Not thread-safe: the {@link
 * Pacer} uses it from its one thread.
 */
final class AdaptiveRate {

  static final double SLOWDOWN = 0.5;
  static final double SLOWEST = 0.1;
  static final double RECOVERY_PER_SECOND = 0.05;

  private final double configuredPerSecond;
  private boolean everSlowed;
  private double factorAtSlowdown = 1;
  private long lastSlowdown;

  AdaptiveRate(double configuredPerSecond) {
    if (!(configuredPerSecond > 0) || Double.isInfinite(configuredPerSecond)) {
      throw new IllegalArgumentException(
          "the rate must be a positive number: " + configuredPerSecond);
    }
    this.configuredPerSecond = configuredPerSecond;
  }

  double configuredPerSecond() {
    return configuredPerSecond;
  }

  /** The share of the configured rate allowed at {@code now}, in [0.1, 1]. */
  double factor(long now) {
    if (!everSlowed) {
      return 1;
    }
    return Math.min(1, factorAtSlowdown + RECOVERY_PER_SECOND * (now - lastSlowdown) / 1e9);
  }

  double perSecond(long now) {
    return configuredPerSecond * factor(now);
  }

  /**
   * The Cloud API answered a throughput error to a request started at {@code attemptStarted}.
   *
   * @return whether this slowed the pace down
   */
  boolean throttled(long attemptStarted, long now) {
    if (everSlowed && attemptStarted - lastSlowdown < 0) {
      return false;
    }
    factorAtSlowdown = Math.max(SLOWEST, factor(now) * SLOWDOWN);
    lastSlowdown = now;
    everSlowed = true;
    return true;
  }
}
