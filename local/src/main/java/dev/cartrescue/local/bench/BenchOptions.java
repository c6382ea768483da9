package dev.cartrescue.local.bench;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.OptionsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The options of {@code ./cart-rescue bench}, read by the project's one flag reader. */
public record BenchOptions(
    int contacts,
    long events,
    Mix mix,
    int rounds,
    Duration latency,
    String managedMemory,
    Path profile,
    Path workDir,
    long seed) {

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

  static String usage() {
    return String.join(
        "\n",
        "usage: ./cart-rescue bench [--contacts N] [--events N] [--mix worst|realistic] [--rounds N]",
        "  Pre-fills topics on a Kafka broker in a process of its own, then runs, alternating, a",
        "  pass-through job (Kafka source, JSON parsing, discard) and the full job (RocksDB,",
        "  incremental checkpoints every 10 s, the Cloud API simulator), and reports their speed.",
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
        "Last line: bench: mix=M contacts=N events=N job_eps=N passthrough_eps=N ratio=R"
            + " state_bytes_per_contact=N");
  }

  /**
   * @throws OptionsException with a one-line message naming the option
   */
  static BenchOptions parse(String... args) {
    Map<String, String> flags = CartRescueOptions.flags(args);
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
    Duration latency;
    try {
      latency = Duration.parse(flags.getOrDefault("latency", "PT0.2S"));
    } catch (RuntimeException e) {
      throw new OptionsException("option --latency: an ISO-8601 duration such as PT0.2S");
    }
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
    for (String key : flags.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new OptionsException("unknown option --" + key + " (./cart-rescue bench --help)");
      }
    }
    return new BenchOptions(
        contacts,
        events,
        mix,
        rounds,
        latency,
        managed,
        profile == null ? null : Path.of(profile),
        workDir,
        seed);
  }

  private static final java.util.Set<String> KNOWN =
      java.util.Set.of(
          "contacts",
          "events",
          "mix",
          "rounds",
          "latency",
          "managed-memory",
          "profile",
          "work-dir",
          "seed");

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
