package dev.cartrescue.local;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.OptionsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ./cart-rescue demo} can be asked: how long, how busy the shop is, how often the Cloud
 * API fails, which ports, which seed. The job's own options are fixed by the demo (a compressed
 * clock), so these are the only flags it takes.
 *
 * @param duration how long shoppers keep coming, or null for until Ctrl-C
 * @param shoppersPerSecond how many shopping sessions start per second, on average
 * @param failureRate the share of sends the simulator fails with a permanent Cloud API error
 * @param webUiPort the Flink web UI's port (0: any free port)
 * @param simulatorPort the Cloud API simulator's port (0: any free port)
 * @param seed what makes the shoppers' choices repeatable
 * @param checkpointDir where the job's checkpoints go; wiped at start
 */
public record DemoOptions(
    Duration duration,
    double shoppersPerSecond,
    double failureRate,
    int webUiPort,
    int simulatorPort,
    long seed,
    Path checkpointDir) {

  public static final double DEFAULT_SHOPPERS_PER_SECOND = 3;
  public static final double DEFAULT_FAILURE_RATE = 0.02;
  public static final long DEFAULT_SEED = 42;
  public static final Path DEFAULT_CHECKPOINT_DIR = Path.of(".cart-rescue", "demo", "checkpoints");

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** Thrown for a flag the demo does not take or cannot read; the message is one line. */
  public static final class InvalidOption extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidOption(String message) {
      super(message);
    }
  }

  public static DemoOptions defaults() {
    return new DemoOptions(
        null,
        DEFAULT_SHOPPERS_PER_SECOND,
        DEFAULT_FAILURE_RATE,
        8081,
        8090,
        DEFAULT_SEED,
        DEFAULT_CHECKPOINT_DIR);
  }

  /** Reads {@code --key value} or {@code --key=value} flags over the defaults. */
  public static DemoOptions parse(String... args) {
    DemoOptions d = defaults();
    Duration duration = d.duration;
    double shoppersPerSecond = d.shoppersPerSecond;
    double failureRate = d.failureRate;
    int webUiPort = d.webUiPort;
    int simulatorPort = d.simulatorPort;
    long seed = d.seed;
    Map<String, String> flags;
    try {
      flags = CartRescueOptions.flags(args);
    } catch (OptionsException e) {
      throw new InvalidOption(e.getMessage());
    }
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      String key = flag.getKey();
      String value = flag.getValue();
      String v = value.strip();
      switch (key) {
        case "duration" ->
            duration = read(key, v, "a positive duration (60s, 2m, PT2M)", DemoOptions::duration);
        case "shoppers-per-second" ->
            shoppersPerSecond =
                read(key, v, "a number of shoppers per second in (0, 1000]", DemoOptions::rate);
        case "failure-rate" ->
            failureRate = read(key, v, "a share between 0 and 1 (0.02)", DemoOptions::share);
        case "web-ui.port" ->
            webUiPort = read(key, v, "a port number (0 for any free port)", DemoOptions::port);
        case "simulator.port" ->
            simulatorPort = read(key, v, "a port number (0 for any free port)", DemoOptions::port);
        case "seed" -> seed = read(key, v, "a whole number", Long::parseLong);
        default ->
            throw new InvalidOption(
                "unknown demo option --"
                    + key
                    + " (it takes --duration, --shoppers-per-second, --failure-rate,"
                    + " --web-ui.port, --simulator.port, --seed)");
      }
    }
    return new DemoOptions(
        duration, shoppersPerSecond, failureRate, webUiPort, simulatorPort, seed, d.checkpointDir);
  }

  /** The same options with other ports, e.g. 0 and 0 for a test beside a running demo. */
  public DemoOptions withPorts(int webUiPort, int simulatorPort) {
    return new DemoOptions(
        duration, shoppersPerSecond, failureRate, webUiPort, simulatorPort, seed, checkpointDir);
  }

  public DemoOptions withDuration(Duration duration) {
    return new DemoOptions(
        duration, shoppersPerSecond, failureRate, webUiPort, simulatorPort, seed, checkpointDir);
  }

  public DemoOptions withCheckpointDir(Path checkpointDir) {
    return new DemoOptions(
        duration, shoppersPerSecond, failureRate, webUiPort, simulatorPort, seed, checkpointDir);
  }

  /** {@code 60s}, {@code 2m}, {@code 1h}, {@code 500ms}, or ISO-8601 ({@code PT2M}). */
  static Duration duration(String text) {
    Matcher shortForm = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
    Duration d;
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      d =
          switch (shortForm.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
    } else {
      d = Duration.parse(text.toUpperCase(Locale.ROOT));
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("not positive");
    }
    return d;
  }

  private static double rate(String text) {
    double rate = Double.parseDouble(text);
    if (!(rate > 0 && rate <= 1000)) {
      throw new IllegalArgumentException("out of range");
    }
    return rate;
  }

  private static double share(String text) {
    double share = Double.parseDouble(text);
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("out of range");
    }
    return share;
  }

  private static int port(String text) {
    int port = Integer.parseInt(text);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("out of range");
    }
    return port;
  }

  private static <T> T read(String key, String value, String expected, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      throw new InvalidOption("option --" + key + ": '" + value + "' is not " + expected);
    }
  }
}
