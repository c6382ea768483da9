package dev.cartrescue.local;

import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes the simulated Cloud API fail now and then, as the real one does: a share of the sends gets
 * a permanent error (131026, undeliverable: a {@code failed} outcome), and half as many again a
 * throttling error (130429) that the job retries and delivers.
 *
 * <p>Failures are spread evenly rather than drawn, so that the share holds over a short demo; the
 * first ones come early (the third send fails, the sixth is throttled) so that even a one-minute
 * demo shows a failed outcome.
 */
final class FailureInjector implements AutoCloseable {
  static final int PERMANENT_CODE = 131026;
  static final int RETRYABLE_CODE = 130429;
  static final int FIRST_PERMANENT = 3;
  static final int FIRST_RETRYABLE = 6;
  private static final double EPSILON = 1e-9;

  private final CloudApiSimulator cloudApi;
  private final double permanentShare;
  private final double retryableShare;
  private final ScheduledExecutorService ticker;

  // Only the ticker thread touches these.
  private int lastSeen = -1;
  private long permanentArmed;
  private long retryableArmed;

  private FailureInjector(CloudApiSimulator cloudApi, double failureRate) {
    this.cloudApi = cloudApi;
    this.permanentShare = failureRate;
    this.retryableShare = failureRate / 2;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cloud-api-failures");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts injecting; a rate of 0 injects nothing. */
  static FailureInjector start(CloudApiSimulator cloudApi, double failureRate) {
    FailureInjector injector = new FailureInjector(cloudApi, failureRate);
    if (failureRate > 0) {
      injector.ticker.scheduleWithFixedDelay(injector::tick, 0, 20, TimeUnit.MILLISECONDS);
    }
    return injector;
  }

  /**
   * Arms the simulator for the next send when the failures due so far outnumber those armed. An
   * armed failure waits for whichever send comes next, so a burst of sends delays a failure but
   * does not lose it.
   */
  private void tick() {
    int seen = cloudApi.requests().size();
    if (seen == lastSeen) {
      return;
    }
    lastSeen = seen;
    int next = seen + 1;
    if (permanentArmed < due(next, FIRST_PERMANENT, permanentShare)) {
      permanentArmed++;
      cloudApi.failNext(1, 400, PERMANENT_CODE);
    } else if (retryableArmed < due(next, FIRST_RETRYABLE, retryableShare)) {
      retryableArmed++;
      cloudApi.failNext(1, 429, RETRYABLE_CODE);
    }
  }

  /** How many of the first {@code sends} sends should fail: the first at {@code first}. */
  static long due(int sends, int first, double share) {
    if (share <= 0 || sends < first) {
      return 0;
    }
    return 1 + (long) Math.floor((sends - first) * share + EPSILON);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
