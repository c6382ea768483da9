package dev.cartrescue.advisor;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connector's counters, the time from the customer's tap to the note, and how far behind it is,
 * written in Prometheus' text format by hand as the receiver writes its own. Every series exists
 * from the start, at zero.
 */
final class AdvisorMetrics {
  /** Upper bounds of the tap-to-note buckets, in seconds. */
  private static final double[] BUCKETS = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

  private static final String PREFIX = "cart_rescue_advisor_";

  private final LongAdder noted = new LongAdder();
  private final LongAdder alreadyNoted = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final Map<ChatwootError.Kind, LongAdder> retries =
      new EnumMap<>(ChatwootError.Kind.class);
  private final LongAdder[] tapToNote = new LongAdder[BUCKETS.length + 1];
  private final LongAdder tapToNoteMillis = new LongAdder();
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong lastNotedMillis = new AtomicLong();

  AdvisorMetrics() {
    for (ChatwootError.Kind kind : ChatwootError.Kind.values()) {
      if (kind.retried()) {
        retries.put(kind, new LongAdder());
      }
    }
    for (int i = 0; i < tapToNote.length; i++) {
      tapToNote[i] = new LongAdder();
    }
  }

  void noted(long tapToNoteMillis, long nowMillis) {
    noted.increment();
    double seconds = Math.max(0, tapToNoteMillis) / 1e3;
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) {
      i++;
    }
    tapToNote[i].increment();
    this.tapToNoteMillis.add(Math.max(0, tapToNoteMillis));
    lastNotedMillis.set(nowMillis);
  }

  void alreadyNoted() {
    alreadyNoted.increment();
  }

  void deadLettered() {
    deadLettered.increment();
  }

  void retried(ChatwootError.Kind kind) {
    LongAdder adder = retries.get(kind);
    if (adder != null) {
      adder.increment();
    }
  }

  void lag(long records) {
    lag.set(records);
  }

  long notedCount() {
    return noted.sum();
  }

  long alreadyNotedCount() {
    return alreadyNoted.sum();
  }

  long deadLetteredCount() {
    return deadLettered.sum();
  }

  long retryCount() {
    return retries.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Every series, in Prometheus' text exposition format (version 0.0.4). */
  String prometheusText() {
    StringBuilder s = new StringBuilder(2048);
    counter(
        s,
        "handoffs_noted_total",
        "Hand-offs whose private note the connector posted in Chatwoot.",
        noted.sum());
    counter(
        s,
        "handoffs_already_noted_total",
        "Hand-offs read again whose note was in Chatwoot already (its marker): nothing posted.",
        alreadyNoted.sum());
    counter(
        s,
        "handoffs_dead_lettered_total",
        "Hand-offs Chatwoot refused for good, or unreadable records, written to the dead-letter"
            + " topic.",
        deadLettered.sum());
    s.append("# HELP ")
        .append(PREFIX)
        .append("chatwoot_retries_total Chatwoot calls retried, by cause: io (no answer),")
        .append(" throttled (429), server (5xx), auth (401, 403).\n");
    s.append("# TYPE ").append(PREFIX).append("chatwoot_retries_total counter\n");
    retries.forEach(
        (kind, count) ->
            s.append(PREFIX)
                .append("chatwoot_retries_total{cause=\"")
                .append(kind.label())
                .append("\"} ")
                .append(count.sum())
                .append('\n'));
    String h = PREFIX + "tap_to_note_seconds";
    s.append("# HELP ")
        .append(h)
        .append(" From the customer's tap (tapped_at) to the note posted in Chatwoot.\n");
    s.append("# TYPE ").append(h).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < tapToNote.length; i++) {
      cumulative += tapToNote[i].sum();
      String le = i < BUCKETS.length ? bound(BUCKETS[i]) : "+Inf";
      s.append(h).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative);
      s.append('\n');
    }
    s.append(h).append("_sum ").append(tapToNoteMillis.sum() / 1e3).append('\n');
    s.append(h).append("_count ").append(cumulative).append('\n');
    gauge(
        s,
        "consumer_lag",
        "Hand-offs on the topic not yet read by this connector (its partitions).",
        String.valueOf(lag.get()));
    gauge(
        s,
        "last_noted_timestamp_seconds",
        "When the last note was posted, epoch seconds; 0 before the first.",
        String.valueOf(lastNotedMillis.get() / 1e3));
    return s.toString();
  }

  private static void counter(StringBuilder s, String name, String help, long value) {
    s.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(PREFIX).append(name).append(" counter\n");
    s.append(PREFIX).append(name).append(' ').append(value).append('\n');
  }

  private static void gauge(StringBuilder s, String name, String help, String value) {
    s.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(PREFIX).append(name).append(" gauge\n");
    s.append(PREFIX).append(name).append(' ').append(value).append('\n');
  }

  private static String bound(double seconds) {
    String text = Double.toString(seconds);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
