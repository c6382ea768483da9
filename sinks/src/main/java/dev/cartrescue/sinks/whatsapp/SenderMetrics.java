package dev.cartrescue.sinks.whatsapp;

import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The sender's metrics on its operator's group. They are updated from the HTTP client's threads,
 * hence the thread-safe counter (Flink's default one is not).
 */
final class SenderMetrics {

  private static final int LATENCY_WINDOW = 1000;

  private final Counter messagesSent;
  private final Counter messagesFailed;
  private final Counter sendRetries;
  private final Histogram sendLatencyMs;

  /**
   * @param requestsInFlight messages handed to the sender and not yet answered (waiting for their
   *     turn, in an HTTP request, or waiting to retry)
   */
  SenderMetrics(MetricGroup group, IntSupplier requestsInFlight) {
    this.messagesSent = group.counter("messagesSent", new ThreadSafeSimpleCounter());
    this.messagesFailed = group.counter("messagesFailed", new ThreadSafeSimpleCounter());
    this.sendRetries = group.counter("sendRetries", new ThreadSafeSimpleCounter());
    Gauge<Integer> inFlight = requestsInFlight::getAsInt;
    group.gauge("requestsInFlight", inFlight);
    this.sendLatencyMs =
        group.histogram("sendLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
  }

  void finished(SendResult result) {
    (result.status == SendResult.Status.SENT ? messagesSent : messagesFailed).inc();
  }

  void retried() {
    sendRetries.inc();
  }

  /** The round trip of one HTTP request to the Cloud API, answered or not. */
  void attemptTook(long millis) {
    sendLatencyMs.update(millis);
  }
}
