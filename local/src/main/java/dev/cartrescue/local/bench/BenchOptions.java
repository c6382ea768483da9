package dev.cartrescue.local.bench;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.OptionsException;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code ./cart-rescue bench}, read by the project's one flag reader.
 *
 * @param rateLimit the sender's bench: the job's {@code whatsapp.rate-limit}, and the simulator's
 * @param sendFor the sender's bench: the carts fall due at {@code rateLimit} a second this long
 * @param idleAdvance the sender's bench: the job's {@code watermark.idle-advance}
 * @param burst the sender's bench: instead of {@code sendFor}, this many carts fall due within one
 *     second, so that they queue for the sender (0: none)
 */
public record BenchOptions(
    Measure measure,
    int contacts,
    long events,
    Mix mix,
    int rounds,
    Duration latency,
    String managedMemory,
    Path profile,
    Path workDir,
    long seed,
    int rateLimit,
    Duration sendFor,
    Duration idleAdvance,
    int burst) {

  /** What the bench measures. */
  public enum Measure {
    /** The full job's events per second against a pass-through job's. */
    THROUGHPUT,
    /** The full job's messages per second, and their delay after their carts' deadlines. */
    SENDER;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What the clickstream is made of. */
  public enum Mix {
    /** Only add_to_cart and purchase events: every event goes through CEP and eligibility. */
    WORST,
    /** 80% page views (parsed, then filtered out), 20% add_to_cart and purchase events. */
    REALISTIC;

    double pageViewShare() {
      return this == WORST ? 0 : 0.8;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final int DEFAULT_CONTACTS = 2_000;
  static final long DEFAULT_EVENTS = 20_000;
  static final int DEFAULT_RATE_LIMIT = (int) CloudApiSettings.DEFAULT_RATE_LIMIT_PER_SECOND;
  static final Duration DEFAULT_SEND_FOR = Duration.ofSeconds(30);
  private static final Duration MAX_SEND_FOR = Duration.ofMinutes(10);

  /**
   * Shorter than the job's PT1M, so that once the input is read its partitions follow the clock
   * within a second and the first deadline can come a minute earlier; PT1M gives the same figures.
   */
  static final Duration DEFAULT_IDLE_ADVANCE = Duration.ofSeconds(1);

  private static final Set<String> THROUGHPUT_ONLY =
      Set.of("contacts", "events", "mix", "rounds", "seed");
  private static final Set<String> SENDER_ONLY =
      Set.of("rate-limit", "send-for", "idle-advance", "burst");

  static String usage() {
    return String.join(
        "\n",
        "usage: ./cart-rescue bench [--contacts N] [--events N] [--mix worst|realistic] [--rounds N]",
        "       ./cart-rescue bench --measure sender [--rate-limit N] [--send-for D | --burst N]",
        "  Pre-fills topics on a Kafka broker in a process of its own, then runs, alternating, a",
        "  pass-through job (Kafka source, JSON parsing, discard) and the full job (RocksDB,",
        "  incremental checkpoints every 10 s, the Cloud API simulator), and reports their speed.",
        "  With --measure sender: one full job whose carts fall due during the run, N a second for",
        "  D, all to be sent; reports the messages per second the simulator accepted and the delay",
        "  from each cart's deadline to its request reaching the simulator.",
        "  --measure M           throughput (default) or sender",
        "  --contacts N          contacts, each with a consenting profile (default "
            + DEFAULT_CONTACTS
            + ")",
        "  --events N            clickstream events (default " + DEFAULT_EVENTS + ")",
        "  --mix M               worst: only add_to_cart and purchase; realistic: 80% page views"
            + " (default worst)",
        "  --rounds N            pass-through then full job, N times (default 1)",
        "  --latency D           the Cloud API simulator's latency (default PT0.2S)",
        "  --managed-memory S    the TaskManager's managed memory, RocksDB's (default 512m)",
        "  --profile FILE        records the last full job with JFR to FILE (.jfr) and writes its",
        "                        hot frames per operator to FILE.txt (default: no profile)",
        "  --work-dir DIR        the broker, checkpoints and token (default .cart-rescue/bench)",
        "  --seed N              the generator's seed (default 1)",
        "  sender only:",
        "  --rate-limit N        the job's whatsapp.rate-limit, and the simulator answers 130429 to",
        "                        more than N a second, as Meta does (default "
            + DEFAULT_RATE_LIMIT
            + ")",
        "  --send-for D          carts fall due at N a second for this long (default "
            + DEFAULT_SEND_FOR
            + ")",
        "  --burst N             instead: N carts fall due within one second and queue for the",
        "                        sender (the checkpoints meanwhile are the figure to read)",
        "  --idle-advance D      the job's watermark.idle-advance (default "
            + DEFAULT_IDLE_ADVANCE
            + "; the job's own PT1M",
        "                        gives the same figures, with the first deadline a minute later)",
        "Last line: bench: mix=M contacts=N events=N job_eps=N passthrough_eps=N ratio=R"
            + " state_bytes_per_contact=N",
        "  sender: bench: sender rate_limit=N latency_ms=N sent=N achieved_mps=N err_130429=N"
            + " p50_ms=N p99_ms=N max_ms=N");
  }

  /**
   * @throws OptionsException with a one-line message naming the option
   */
  static BenchOptions parse(String... args) {
    Map<String, String> flags = CartRescueOptions.flags(args);
    String measureText = flags.getOrDefault("measure", "throughput");
    Measure measure;
    try {
      measure = Measure.valueOf(measureText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OptionsException(
          "option --measure: throughput or sender, not '" + measureText + "'");
    }
    for (String key : measure == Measure.SENDER ? THROUGHPUT_ONLY : SENDER_ONLY) {
      if (flags.containsKey(key)) {
        throw new OptionsException(
            "option --"
                + key
                + (measure == Measure.SENDER
                    ? ": not with --measure sender (its carts are --rate-limit x --send-for)"
                    : ": only with --measure sender"));
      }
    }
    int contacts = (int) positive(flags, "contacts", DEFAULT_CONTACTS, Integer.MAX_VALUE);
    long events = positive(flags, "events", DEFAULT_EVENTS, Long.MAX_VALUE);
    int rounds = (int) positive(flags, "rounds", 1, 1000);
    String mixText = flags.getOrDefault("mix", "worst");
    Mix mix;
    try {
      mix = Mix.valueOf(mixText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OptionsException("option --mix: worst or realistic, not '" + mixText + "'");
    }
    Duration latency = duration(flags, "latency", Duration.ofMillis(200));
    if (latency.isNegative()) {
      throw new OptionsException("option --latency: must not be negative");
    }
    String managed = flags.getOrDefault("managed-memory", "512m");
    if (!managed.matches("\\d+[kmg]?b?")) {
      throw new OptionsException("option --managed-memory: a size such as 512m or 1g");
    }
    String profile = flags.get("profile");
    Path workDir = Path.of(flags.getOrDefault("work-dir", ".cart-rescue/bench"));
    long seed = positive(flags, "seed", 1, Long.MAX_VALUE);
    int rateLimit = (int) positive(flags, "rate-limit", DEFAULT_RATE_LIMIT, 10_000);
    Duration sendFor = duration(flags, "send-for", DEFAULT_SEND_FOR);
    if (sendFor.compareTo(Duration.ofSeconds(1)) < 0 || sendFor.compareTo(MAX_SEND_FOR) > 0) {
      throw new OptionsException("option --send-for: from PT1S to " + MAX_SEND_FOR);
    }
    Duration idleAdvance = duration(flags, "idle-advance", DEFAULT_IDLE_ADVANCE);
    if (idleAdvance.isNegative() || idleAdvance.isZero()) {
      throw new OptionsException("option --idle-advance: must be positive");
    }
    int burst = flags.containsKey("burst") ? (int) positive(flags, "burst", 1, 1_000_000) : 0;
    if (burst > 0 && flags.containsKey("send-for")) {
      throw new OptionsException("option --burst: not with --send-for (one or the other)");
    }
    for (String key : flags.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new OptionsException("unknown option --" + key + " (./cart-rescue bench --help)");
      }
    }
    return new BenchOptions(
        measure,
        contacts,
        events,
        mix,
        rounds,
        latency,
        managed,
        profile == null ? null : Path.of(profile),
        workDir,
        seed,
        rateLimit,
        sendFor,
        idleAdvance,
        burst);
  }

  /** The sender's bench: how many carts fall due, one per contact. */
  int carts() {
    return burst > 0 ? burst : (int) (rateLimit * sendFor.toMillis() / 1000);
  }

  /** The sender's bench: how many carts fall due a second. */
  int duePerSecond() {
    return burst > 0 ? burst : rateLimit;
  }

  private static final Set<String> KNOWN =
      Set.of(
          "measure",
          "contacts",
          "events",
          "mix",
          "rounds",
          "latency",
          "managed-memory",
          "profile",
          "work-dir",
          "seed",
          "rate-limit",
          "send-for",
          "idle-advance",
          "burst");

  private static Duration duration(Map<String, String> flags, String key, Duration dflt) {
    String text = flags.get(key);
    if (text == null) {
      return dflt;
    }
    try {
      return Duration.parse(text.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new OptionsException(
          "option --" + key + ": an ISO-8601 duration such as " + dflt + ", not '" + text + "'");
    }
  }

  private static long positive(Map<String, String> flags, String key, long dflt, long max) {
    String text = flags.get(key);
    if (text == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(text.replace("_", ""));
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Falls through to the one-line message.
    }
    throw new OptionsException("option --" + key + ": a positive integer, not '" + text + "'");
  }
}
