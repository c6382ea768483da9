package dev.cartrescue.webhooks;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiver's counters and Kafka's ack latency, written in Prometheus' text format by hand (no
 * metrics library for six series). Every series exists from the start, at zero, so that a rate over
 * it is defined before the first failure.
 */
final class ReceiverMetrics {
  /** Why a request was not answered 200: the {@code cause} label. */
  enum Cause {
    /** 401: no {@code X-Hub-Signature-256}, a malformed one, or one that does not match. */
    SIGNATURE,
    /** 413: a body over 3 MB. */
    TOO_LARGE,
    /** 503: Kafka did not take the record in time (Meta retries). */
    KAFKA,
    /** 400: an empty body, an unreadable query or a handshake without a challenge. */
    BAD_REQUEST,
    /** 403: a verification GET with another mode or another verify token. */
    VERIFY,
    /** 503: every thread and the queue were busy (Meta retries). */
    BUSY;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Upper bounds of the ack latency buckets, in seconds. */
  private static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final String PREFIX = "cart_rescue_webhooks_";

  private final LongAdder accepted = new LongAdder();
  private final LongAdder verifications = new LongAdder();
  private final Map<Cause, LongAdder> rejected = new EnumMap<>(Cause.class);
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Per bucket, not cumulative; the last one is +Inf. */
  private final LongAdder[] ackBuckets = new LongAdder[BUCKETS.length + 1];

  private final LongAdder ackNanos = new LongAdder();

  ReceiverMetrics() {
    for (Cause cause : Cause.values()) {
      rejected.put(cause, new LongAdder());
    }
    for (int i = 0; i < ackBuckets.length; i++) {
      ackBuckets[i] = new LongAdder();
    }
  }

  void accepted() {
    accepted.increment();
  }

  void verified() {
    verifications.increment();
  }

  void rejected(Cause cause) {
    rejected.get(cause).increment();
  }

  long rejectedCount(Cause cause) {
    return rejected.get(cause).sum();
  }

  AtomicInteger inFlight() {
    return inFlight;
  }

  /** The time from handing a record to the producer until the broker acknowledged it. */
  void kafkaAck(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) {
      i++;
    }
    ackBuckets[i].increment();
    ackNanos.add(nanos);
  }

  /** Every series, in Prometheus' text exposition format (version 0.0.4). */
  String prometheusText() {
    StringBuilder s = new StringBuilder(2048);
    counter(
        s,
        "accepted_total",
        "POSTs whose signature matched, written to Kafka and answered 200.",
        accepted.sum());
    s.append("# HELP ")
        .append(PREFIX)
        .append("rejected_total Requests not answered 200, by cause: signature (401),")
        .append(" too_large (413), kafka (503), bad_request (400), verify (403), busy (503).\n");
    s.append("# TYPE ").append(PREFIX).append("rejected_total counter\n");
    for (Cause cause : Cause.values()) {
      s.append(PREFIX)
          .append("rejected_total{cause=\"")
          .append(cause.label())
          .append("\"} ")
          .append(rejected.get(cause).sum())
          .append('\n');
    }
    counter(
        s,
        "verifications_total",
        "Verification GETs answered with their challenge.",
        verifications.sum());
    s.append("# HELP ")
        .append(PREFIX)
        .append("in_flight Requests being handled, this one included.\n# TYPE ")
        .append(PREFIX)
        .append("in_flight gauge\n")
        .append(PREFIX)
        .append("in_flight ")
        .append(inFlight.get())
        .append('\n');
    String ack = PREFIX + "kafka_ack_seconds";
    s.append("# HELP ")
        .append(ack)
        .append(" Time from handing a notification to the producer to the broker's ack.\n");
    s.append("# TYPE ").append(ack).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < ackBuckets.length; i++) {
      cumulative += ackBuckets[i].sum();
      String le = i < BUCKETS.length ? bound(BUCKETS[i]) : "+Inf";
      s.append(ack)
          .append("_bucket{le=\"")
          .append(le)
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    s.append(ack).append("_sum ").append(ackNanos.sum() / 1e9).append('\n');
    // The count as the +Inf bucket: one figure, even while a sample is being recorded.
    s.append(ack).append("_count ").append(cumulative).append('\n');
    return s.toString();
  }

  private static void counter(StringBuilder s, String name, String help, long value) {
    s.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(PREFIX).append(name).append(" counter\n");
    s.append(PREFIX).append(name).append(' ').append(value).append('\n');
  }

  private static String bound(double seconds) {
    String text = Double.toString(seconds);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
