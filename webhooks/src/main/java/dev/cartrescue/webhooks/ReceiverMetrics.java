package dev.cartrescue.webhooks;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiver's counters, Kafka's ack latency and the forwards to a shared inbox, written in
 * Prometheus' text format by hand (no metrics library for a dozen series). Every series exists from
 * the start, at zero (the forwards' too, without {@code webhooks.forward-url}), so that a rate over
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

  /** Why an attempt to forward a notification failed: the {@code cause} label. */
  enum ForwardFailure {
    /** The connection could not be made or broke (refused, reset, TLS). Retried. */
    IO,
    /**
     * No connection within the connect timeout, or no answer within the request timeout. Retried.
     */
    TIMEOUT,
    /** 429 from the target. Retried. */
    TOO_MANY_REQUESTS,
    /** 5xx from the target. Retried. */
    SERVER_ERROR,
    /** Any other status that is not 2xx (4xx, a redirect): not retried. */
    REFUSED
  }

  /** Why a forward was given up: the {@code cause} label. */
  enum ForwardDrop {
    /** The forwards held in memory were at their limit when the notification was accepted. */
    QUEUE_FULL,
    /** Every attempt failed, or the retry window was over. */
    RETRIES_EXHAUSTED,
    /** The target answered a status that is not retried. */
    REFUSED,
    /** Still held when the receiver stopped. */
    STOPPING
  }

  /** Upper bounds of the ack latency buckets, in seconds. */
  private static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Upper bounds of the forward latency buckets, in seconds: retries take up to a minute. */
  private static final double[] FORWARD_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120
  };

  private static final String PREFIX = "cart_rescue_webhooks_";

  private final LongAdder accepted = new LongAdder();
  private final LongAdder verifications = new LongAdder();
  private final Map<Cause, LongAdder> rejected = new EnumMap<>(Cause.class);
  private final AtomicInteger inFlight = new AtomicInteger();

  private final Histogram ack = new Histogram(BUCKETS);
  private final LongAdder forwarded = new LongAdder();
  private final Map<ForwardFailure, LongAdder> forwardFailures =
      new EnumMap<>(ForwardFailure.class);
  private final Map<ForwardDrop, LongAdder> forwardsDropped = new EnumMap<>(ForwardDrop.class);
  private final AtomicInteger forwardQueue = new AtomicInteger();
  private final Histogram forward = new Histogram(FORWARD_BUCKETS);

  ReceiverMetrics() {
    for (Cause cause : Cause.values()) {
      rejected.put(cause, new LongAdder());
    }
    for (ForwardFailure cause : ForwardFailure.values()) {
      forwardFailures.put(cause, new LongAdder());
    }
    for (ForwardDrop cause : ForwardDrop.values()) {
      forwardsDropped.put(cause, new LongAdder());
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
    ack.record(nanos);
  }

  /** A forward the target answered 2xx, {@code nanos} after its notification was accepted. */
  void forwarded(long nanos) {
    forwarded.increment();
    forward.record(nanos);
  }

  void forwardFailed(ForwardFailure cause) {
    forwardFailures.get(cause).increment();
  }

  void forwardDropped(ForwardDrop cause) {
    forwardsDropped.get(cause).increment();
  }

  /** Forwards held in memory: waiting, being sent or between two attempts. */
  AtomicInteger forwardQueue() {
    return forwardQueue;
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
    ack.write(
        s,
        PREFIX + "kafka_ack_seconds",
        "Time from handing a notification to the producer to the broker's ack.");
    counter(
        s,
        "forwarded_total",
        "Notifications forwarded to webhooks.forward-url and answered 2xx there.",
        forwarded.sum());
    labelled(
        s,
        "forward_failures_total",
        "Forward attempts that failed, by cause: io, timeout, too_many_requests (429) and"
            + " server_error (5xx), retried; refused (another status), not retried.",
        forwardFailures);
    labelled(
        s,
        "forwards_dropped_total",
        "Forwards given up, by cause: queue_full, retries_exhausted, refused, stopping.",
        forwardsDropped);
    s.append("# HELP ")
        .append(PREFIX)
        .append("forward_queue_depth Forwards held in memory: waiting, being sent or between two")
        .append(" attempts.\n# TYPE ")
        .append(PREFIX)
        .append("forward_queue_depth gauge\n")
        .append(PREFIX)
        .append("forward_queue_depth ")
        .append(forwardQueue.get())
        .append('\n');
    forward.write(
        s,
        PREFIX + "forward_seconds",
        "Time from the 200 to Meta to the target's 2xx, queue and retries included.");
    return s.toString();
  }

  private static <E extends Enum<E>> void labelled(
      StringBuilder s, String name, String help, Map<E, LongAdder> counts) {
    s.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(PREFIX).append(name).append(" counter\n");
    counts.forEach(
        (cause, count) ->
            s.append(PREFIX)
                .append(name)
                .append("{cause=\"")
                .append(cause.name().toLowerCase(Locale.ROOT))
                .append("\"} ")
                .append(count.sum())
                .append('\n'));
  }

  private static void counter(StringBuilder s, String name, String help, long value) {
    s.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(PREFIX).append(name).append(" counter\n");
    s.append(PREFIX).append(name).append(' ').append(value).append('\n');
  }

  /** A latency histogram: counts per bucket, and the sum. */
  private static final class Histogram {
    private final double[] bounds;

    /** Per bucket, not cumulative; the last one is +Inf. */
    private final LongAdder[] buckets;

    private final LongAdder nanos = new LongAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      buckets = new LongAdder[bounds.length + 1];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void record(long sample) {
      double seconds = sample / 1e9;
      int i = 0;
      while (i < bounds.length && seconds > bounds[i]) {
        i++;
      }
      buckets[i].increment();
      nanos.add(sample);
    }

    void write(StringBuilder s, String name, String help) {
      s.append("# HELP ").append(name).append(' ').append(help).append('\n');
      s.append("# TYPE ").append(name).append(" histogram\n");
      long cumulative = 0;
      for (int i = 0; i < buckets.length; i++) {
        cumulative += buckets[i].sum();
        String le = i < bounds.length ? bound(bounds[i]) : "+Inf";
        s.append(name)
            .append("_bucket{le=\"")
            .append(le)
            .append("\"} ")
            .append(cumulative)
            .append('\n');
      }
      s.append(name).append("_sum ").append(nanos.sum() / 1e9).append('\n');
      // The count as the +Inf bucket: one figure, even while a sample is being recorded.
      s.append(name).append("_count ").append(cumulative).append('\n');
    }
  }

  private static String bound(double seconds) {
    String text = Double.toString(seconds);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
