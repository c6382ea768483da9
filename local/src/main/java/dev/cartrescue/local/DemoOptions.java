package dev.cartrescue.local;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.NearestKey;
import dev.cartrescue.job.config.OptionsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * What {@code ./cart-rescue demo} can be asked: how long, how busy the shop is, how often the Cloud
 * API fails, which ports, which seed. The job's own options are fixed by the demo (a compressed
 * clock), so these are the only flags it takes. Each is declared once, as a Flink {@link
 * ConfigOption} with its default and description, which {@code demo --help} lists.
 *
 * @param duration how long shoppers keep coming, or null for until Ctrl-C
 * @param shoppersPerSecond how many shopping sessions start per second, on average
 * @param failureRate the share of sends the simulator fails with a permanent Cloud API error
 * @param webUiPort the Flink web UI's port (0: any free port)
 * @param simulatorPort the Cloud API simulator's port (0: any free port)
 * @param advisorPagePort the advisor page's port, a stand-in for Chatwoot (0: any free port)
 * @param seed what makes the shoppers' choices repeatable
 * @param checkpointDir where the job's checkpoints go; wiped at start
 */
public record DemoOptions(
    Duration duration,
    double shoppersPerSecond,
    double failureRate,
    int webUiPort,
    int simulatorPort,
    int advisorPagePort,
    long seed,
    Path checkpointDir) {

  public static final ConfigOption<Duration> DURATION =
      ConfigOptions.key("duration")
          .durationType()
          .noDefaultValue()
          .withDescription("how long shoppers keep coming (`60s`, `2m`, `PT2M`); until Ctrl-C");

  public static final ConfigOption<Double> SHOPPERS_PER_SECOND =
      ConfigOptions.key("shoppers-per-second")
          .doubleType()
          .defaultValue(3.0)
          .withDescription("how many shopping sessions start per second, on average, up to 1000");

  public static final ConfigOption<Double> FAILURE_RATE =
      ConfigOptions.key("failure-rate")
          .doubleType()
          .defaultValue(0.02)
          .withDescription(
              "the share of sends, between 0 and 1, that the Cloud API simulator fails with a"
                  + " permanent error");

  public static final ConfigOption<Integer> WEB_UI_PORT =
      ConfigOptions.key("web-ui.port")
          .intType()
          .defaultValue(8081)
          .withDescription("the Flink web UI's port; `0` for any free port");

  public static final ConfigOption<Integer> SIMULATOR_PORT =
      ConfigOptions.key("simulator.port")
          .intType()
          .defaultValue(8090)
          .withDescription("the Cloud API simulator's port; `0` for any free port");

  public static final ConfigOption<Integer> ADVISOR_PAGE_PORT =
      ConfigOptions.key("advisor-page.port")
          .intType()
          .defaultValue(8091)
          .withDescription(
              "the advisor page's port (a stand-in for a Chatwoot inbox, where hand-offs land);"
                  + " `0` for any free port");

  public static final ConfigOption<Long> SEED =
      ConfigOptions.key("seed")
          .longType()
          .defaultValue(42L)
          .withDescription("what makes the shoppers' choices repeatable");

  /** Every flag of the demo, in the order of its help. */
  public static final List<ConfigOption<?>> ALL =
      List.of(
          DURATION,
          SHOPPERS_PER_SECOND,
          FAILURE_RATE,
          WEB_UI_PORT,
          SIMULATOR_PORT,
          ADVISOR_PAGE_PORT,
          SEED);

  public static final Path DEFAULT_CHECKPOINT_DIR = Path.of(".cart-rescue", "demo", "checkpoints");

  private static final String PORT = "a port number (0 for any free port)";

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
        SHOPPERS_PER_SECOND.defaultValue(),
        FAILURE_RATE.defaultValue(),
        WEB_UI_PORT.defaultValue(),
        SIMULATOR_PORT.defaultValue(),
        ADVISOR_PAGE_PORT.defaultValue(),
        SEED.defaultValue(),
        DEFAULT_CHECKPOINT_DIR);
  }

  /** Reads {@code --key value} or {@code --key=value} flags over the defaults. */
  public static DemoOptions parse(String... args) {
    Map<String, String> flags;
    try {
      flags = CartRescueOptions.flags(args);
    } catch (OptionsException e) {
      throw new InvalidOption(e.getMessage());
    }
    List<String> keys = ALL.stream().map(ConfigOption::key).toList();
    for (String key : flags.keySet()) {
      if (!keys.contains(key)) {
        throw unknown(key, keys);
      }
    }
    Configuration given =
        Configuration.fromMap(
            flags.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().strip())));
    Duration duration = read(given, DURATION, "a positive duration (60s, 2m, PT2M)");
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw invalid(given, DURATION, "a positive duration (60s, 2m, PT2M)");
    }
    return new DemoOptions(
        duration,
        number(
            given,
            SHOPPERS_PER_SECOND,
            "a number of shoppers per second in (0, 1000]",
            r -> r > 0 && r <= 1000),
        number(given, FAILURE_RATE, "a share between 0 and 1 (0.02)", r -> r >= 0 && r <= 1),
        port(given, WEB_UI_PORT),
        port(given, SIMULATOR_PORT),
        port(given, ADVISOR_PAGE_PORT),
        read(given, SEED, "a whole number"),
        DEFAULT_CHECKPOINT_DIR);
  }

  public DemoOptions withDuration(Duration duration) {
    return new DemoOptions(
        duration,
        shoppersPerSecond,
        failureRate,
        webUiPort,
        simulatorPort,
        advisorPagePort,
        seed,
        checkpointDir);
  }

  public DemoOptions withCheckpointDir(Path checkpointDir) {
    return new DemoOptions(
        duration,
        shoppersPerSecond,
        failureRate,
        webUiPort,
        simulatorPort,
        advisorPagePort,
        seed,
        checkpointDir);
  }

  private static InvalidOption unknown(String key, List<String> keys) {
    String hint =
        NearestKey.to(key, keys)
            .map(k -> "; did you mean --" + k + "?")
            .orElseGet(
                () ->
                    " (it takes "
                        + keys.stream().map(k -> "--" + k).collect(Collectors.joining(", "))
                        + ")");
    return new InvalidOption("unknown demo option --" + key + hint);
  }

  /** The flag's value as Flink reads it ({@code 60s}, {@code 2m}, {@code PT2M}), or the default. */
  private static <T> T read(Configuration given, ConfigOption<T> option, String expected) {
    try {
      return given.get(option);
    } catch (IllegalArgumentException e) {
      throw invalid(given, option, expected);
    }
  }

  private static double number(
      Configuration given, ConfigOption<Double> option, String expected, DoublePredicate valid) {
    double value = read(given, option, expected);
    if (!valid.test(value)) {
      throw invalid(given, option, expected);
    }
    return value;
  }

  private static int port(Configuration given, ConfigOption<Integer> option) {
    int port = read(given, option, PORT);
    if (port < 0 || port > 65535) {
      throw invalid(given, option, PORT);
    }
    return port;
  }

  private static InvalidOption invalid(
      Configuration given, ConfigOption<?> option, String expected) {
    return new InvalidOption(
        "option --"
            + option.key()
            + ": '"
            + given.toMap().get(option.key())
            + "' is not "
            + expected);
  }
}
