package dev.cartrescue.sinks.whatsapp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The sender's metrics on its operator's group. They are updated from the HTTP client's threads and
 * the pacer's, hence the thread-safe counters (Flink's default one is not).
 *
 * <ul>
 *   <li>{@code messagesSent}, {@code messagesFailed}: final results; failures are also counted per
 *       cause in the groups {@code reason} and {@code errorCode} (labels in Prometheus), e.g.
 *       {@code reason=opted_out, errorCode=131050}; {@code errorCode} is {@code none} when the
 *       Cloud API gave no code.
 *   <li>{@code sendRetries}: attempts after the first.
 *   <li>{@code sendLatencyMs}: the round trip of each HTTP request (histogram).
 *   <li>{@code requestsInFlight}: messages this subtask holds, whatever they wait for.
 *   <li>{@code rateLimitWaitMs}: the time messages spent waiting for their turn (the rate limit and
 *       the pair rate), summed; its rate per second is how many messages wait on average.
 *   <li>{@code sendRatePerSecond}: the pace of this subtask now, lower than its share of {@code
 *       whatsapp.rate-limit} while it slows down after throughput errors.
 *   <li>{@code pausedForAuth}: 1 while sending is paused because the token was refused, else 0.
 * </ul>
 */
final class SenderMetrics {

  private static final int LATENCY_WINDOW = 1000;
  static final String NO_CODE = "none";

  private final MetricGroup group;
  private final Counter messagesSent;
  private final Counter messagesFailed;
  private final Counter sendRetries;
  private final MillisFromNanos rateLimitWaitMs;
  private final Histogram sendLatencyMs;
  private final Map<String, Counter> failedByCause = new ConcurrentHashMap<>();

  /**
   * @param requestsInFlight messages handed to the sender and not yet answered (waiting for their
   *     turn, in an HTTP request, waiting to retry or held during a pause)
   * @param sendRatePerSecond the pace of the subtask now
   * @param pausedForAuth whether sending is paused for a refused token
   */
  SenderMetrics(
      MetricGroup group,
      IntSupplier requestsInFlight,
      DoubleSupplier sendRatePerSecond,
      BooleanSupplier pausedForAuth) {
    this.group = group;
    this.messagesSent = group.counter("messagesSent", new ThreadSafeSimpleCounter());
    this.messagesFailed = group.counter("messagesFailed", new ThreadSafeSimpleCounter());
    this.sendRetries = group.counter("sendRetries", new ThreadSafeSimpleCounter());
    this.rateLimitWaitMs = group.counter("rateLimitWaitMs", new MillisFromNanos());
    Gauge<Integer> inFlight = requestsInFlight::getAsInt;
    group.gauge("requestsInFlight", inFlight);
    Gauge<Double> rate = sendRatePerSecond::getAsDouble;
    group.gauge("sendRatePerSecond", rate);
    Gauge<Integer> paused = () -> pausedForAuth.getAsBoolean() ? 1 : 0;
    group.gauge("pausedForAuth", paused);
    this.sendLatencyMs =
        group.histogram("sendLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
  }

  void finished(SendResult result) {
    if (result.status == SendResult.Status.SENT) {
      messagesSent.inc();
      return;
    }
    messagesFailed.inc();
    String code = result.errorCode == null ? NO_CODE : String.valueOf(result.errorCode);
    failedByCause
        .computeIfAbsent(
            result.reason + "/" + code,
            cause ->
                group
                    .addGroup("reason", result.reason)
                    .addGroup("errorCode", code)
                    .counter("messagesFailed", new ThreadSafeSimpleCounter()))
        .inc();
  }

  void retried() {
    sendRetries.inc();
  }

  void waitedForTurn(long nanos) {
    rateLimitWaitMs.addNanos(nanos);
  }

  /** The round trip of one HTTP request to the Cloud API, answered or not. */
  void attemptTook(long millis) {
    sendLatencyMs.update(millis);
  }

  /** The 99th percentile of the recent round trips, in milliseconds; 0 before the first. */
  double latencyP99Millis() {
    return sendLatencyMs.getCount() == 0 ? 0 : sendLatencyMs.getStatistics().getQuantile(0.99);
  }

  /**
   * A millisecond counter that sums nanoseconds, so that the many waits shorter than a millisecond
   * are not rounded away.
   */
  private static final class MillisFromNanos implements Counter {
    private final AtomicLong nanos = new AtomicLong();

    void addNanos(long n) {
      nanos.addAndGet(n);
    }

    @Override
    public void inc() {
      inc(1);
    }

    @Override
    public void inc(long millis) {
      nanos.addAndGet(millis * 1_000_000);
    }

    @Override
    public void dec() {
      dec(1);
    }

    @Override
    public void dec(long millis) {
      nanos.addAndGet(-millis * 1_000_000);
    }

    @Override
    public long getCount() {
      return nanos.get() / 1_000_000;
    }
  }
}
