package dev.cartrescue.job.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cartrescue.connectors.KafkaSettings;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The job's options ({@link JobOptions}), read and checked. Nothing else in the project parses the
 * job's flags.
 *
 * <p>An option's value is the first of: its {@code --key value} (or {@code --key=value}) flag; its
 * key in {@code --config FILE}, a YAML file of the same keys (flat, or nested by their dots); its
 * key in the cluster's configuration (a {@code config.yaml}, a FlinkDeployment's {@code
 * flinkConfiguration}); its declared default. Durations are Flink's ({@code 1 h}, {@code 10 s},
 * {@code 500 ms}; a number alone is milliseconds) or ISO-8601 ({@code PT1H}). Any problem is an
 * {@link OptionsException} whose message is one line naming the option.
 */
public final class CartRescueOptions {
  /** The flag naming the YAML file of options; a flag only, never a key in a file or a cluster. */
  public static final String CONFIG_FLAG = "config";

  private static final String OFF = "off";

  public final KafkaSettings kafka;
  public final String clickstreamTopic;
  public final String contactsTopic;
  public final String cappingTopic;
  public final String outcomesTopic;
  public final String deadLetterTopic;
  public final String webhooksTopic;
  public final String deliveriesTopic;
  public final String consentChangesTopic;
  public final String handoffsTopic;
  public final RuleSettings rule;
  public final Duration outOfOrderness;

  /** Null when off. */
  public final Duration idleAdvance;

  public final CloudApiSettings whatsapp;
  public final String templateName;

  /**
   * The option's value or its default; whether it was given is {@link #isSet}, since a cluster's
   * own interval wins over the default ({@link FlinkSettings}).
   */
  public final Duration checkpointInterval;

  /** Null when not given: the cluster's {@code execution.checkpointing.dir} then. */
  public final String checkpointDir;

  /** Null for none; "latest" or a path. */
  public final String restoreFrom;

  /** Null for the cluster's default. */
  public final Integer parallelism;

  public final int webUiPort;

  /** The values given, by key: flags over the file over the cluster. */
  private final Map<String, String> given;

  private CartRescueOptions(Map<String, String> given) {
    this.given = given;
    Map<String, String> kafkaProperties =
        new TreeMap<>(Configuration.fromMap(given).get(JobOptions.KAFKA_PROPERTIES));
    kafka =
        new KafkaSettings(
            required(JobOptions.BOOTSTRAP_SERVERS),
            required(JobOptions.GROUP_ID),
            get(JobOptions.STARTING_OFFSETS, startingOffsetsExpected()),
            kafkaProperties);
    clickstreamTopic = required(JobOptions.CLICKSTREAM_TOPIC);
    contactsTopic = required(JobOptions.CONTACTS_TOPIC);
    cappingTopic = required(JobOptions.CAPPING_TOPIC);
    outcomesTopic = required(JobOptions.OUTCOMES_TOPIC);
    deadLetterTopic = required(JobOptions.DEAD_LETTER_TOPIC);
    webhooksTopic = required(JobOptions.WEBHOOKS_TOPIC);
    deliveriesTopic = required(JobOptions.DELIVERIES_TOPIC);
    consentChangesTopic = required(JobOptions.CONSENT_CHANGES_TOPIC);
    handoffsTopic = required(JobOptions.HANDOFFS_TOPIC);

    rule =
        new RuleSettings(
            positiveDuration(JobOptions.ABANDON_AFTER),
            positiveDuration(JobOptions.RECENT_PURCHASE),
            positiveDuration(JobOptions.CAPPING_PERIOD),
            optionalDuration(JobOptions.MAX_SEND_DELAY),
            regions(JobOptions.BLOCKED_REGIONS),
            required(JobOptions.LANGUAGE));
    outOfOrderness = duration(JobOptions.OUT_OF_ORDERNESS, true);
    idleAdvance = optionalDuration(JobOptions.IDLE_ADVANCE);

    String expectedRate = "a positive number of messages per second";
    double rate = get(JobOptions.RATE_LIMIT, expectedRate);
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw invalid(JobOptions.RATE_LIMIT, expectedRate);
    }
    String baseUrl = baseUrl(required(JobOptions.BASE_URL));
    whatsapp =
        CloudApiSettings.builder()
            .baseUrl(baseUrl)
            .apiVersion(required(JobOptions.API_VERSION))
            .phoneNumberId(required(JobOptions.PHONE_NUMBER_ID))
            .accessTokenFile(optional(JobOptions.ACCESS_TOKEN_FILE))
            .endpoint(get(JobOptions.ENDPOINT, "`messages` or `marketing_messages`"))
            .productPolicy(get(JobOptions.PRODUCT_POLICY, "`CLOUD_API_FALLBACK` or `STRICT`"))
            .rateLimitPerSecond(rate)
            .connectTimeout(positiveDuration(JobOptions.CONNECT_TIMEOUT))
            .responseTimeout(positiveDuration(JobOptions.RESPONSE_TIMEOUT))
            .retryFor(duration(JobOptions.RETRY_FOR, true))
            .build();
    templateName = required(JobOptions.TEMPLATE);

    checkpointInterval = positiveDuration(JobOptions.CHECKPOINT_INTERVAL);
    checkpointDir = optional(JobOptions.CHECKPOINT_DIR);
    restoreFrom = optional(JobOptions.RESTORE_FROM);
    parallelism =
        optional(JobOptions.PARALLELISM) == null
            ? null
            : integer(JobOptions.PARALLELISM, "a positive integer", n -> n >= 1);
    webUiPort = integer(JobOptions.WEB_UI_PORT, "a port number (0 for none)", n -> n <= 65535);
  }

  /** Parses command-line arguments, reading {@code --config FILE} when given; no cluster. */
  public static CartRescueOptions parse(String... args) {
    return parse(new Configuration(), args);
  }

  /**
   * Parses command-line arguments over {@code cluster}'s configuration, reading {@code --config
   * FILE} when given. Only the job's own keys are taken from {@code cluster}, which holds Flink's
   * too; a key the job does not know is refused in flags and in the file.
   */
  public static CartRescueOptions parse(ReadableConfig cluster, String... args) {
    Map<String, String> flags = flags(args);
    String configFile = flags.remove(CONFIG_FLAG);
    Map<String, String> merged = new LinkedHashMap<>();
    cluster.toMap().entrySet().stream()
        .filter(e -> JobOptions.isJobKey(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> merged.put(e.getKey(), strip(e.getValue())));
    if (configFile != null) {
      merged.putAll(known(readYaml(Path.of(configFile))));
    }
    merged.putAll(known(flags));
    return new CartRescueOptions(merged);
  }

  /**
   * {@code --key value} and {@code --key=value} pairs, in order; the one reader of command-line
   * flags in the project (the demo's and the bench's own flags go through it too).
   */
  public static Map<String, String> flags(String... args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        String shown = Secrets.isSecret(arg) ? Secrets.MASK : arg;
        throw new OptionsException("unexpected argument '" + shown + "': options are --key value");
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new OptionsException("option --" + key + " needs a value");
      }
      flags.put(key, value);
    }
    return flags;
  }

  /** Options from a map of the job's keys, as flags; defaults fill the rest. */
  public static CartRescueOptions of(Map<String, String> given) {
    return new CartRescueOptions(known(given));
  }

  /** Reads the same keys from YAML, flat ({@code rule.abandon-after: 1 h}) or nested. */
  public static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new OptionsException(
          "option --config: cannot read " + file + ": " + firstLine(e.getMessage()));
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return flat;
    }
    if (!root.isObject()) {
      throw new OptionsException("option --config: " + file + " is not a YAML map of options");
    }
    flatten("", root, flat);
    return flat;
  }

  /**
   * Whether {@code option} was given (by a flag, the file or the cluster's configuration) rather
   * than left to its default.
   */
  public boolean isSet(ConfigOption<?> option) {
    String value = given.get(option.key());
    return value != null && !value.isBlank();
  }

  /**
   * Every option's value, given or default, as {@code key=value} for the start-up log line. Holds
   * no secret: a secret-looking value ({@link Secrets}) is {@value Secrets#MASK}.
   */
  public String describe() {
    List<String> shown = new ArrayList<>();
    for (ConfigOption<?> option : JobOptions.ALL) {
      if (option == JobOptions.KAFKA_PROPERTIES) {
        kafka
            .properties()
            .forEach(
                (name, value) -> shown.add(pair(JobOptions.KAFKA_PROPERTY_PREFIX + name, value)));
        continue;
      }
      if (option == JobOptions.CHECKPOINT_INTERVAL && !isSet(option)) {
        // Not given: the cluster's interval applies, or the default with a line of its own.
        continue;
      }
      String value =
          given.containsKey(option.key())
              ? given.get(option.key())
              : OptionsDocs.defaultText(option);
      if (value != null && !value.isEmpty()) {
        shown.add(pair(option.key(), value));
      }
    }
    return String.join(" ", shown);
  }

  private static String pair(String key, String value) {
    return key + "=" + Secrets.shown(key, value);
  }

  /** The job's keys of {@code given}, values stripped; any other key is refused. */
  private static Map<String, String> known(Map<String, String> given) {
    Map<String, String> known = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (!JobOptions.isJobKey(e.getKey())) {
        throw unknown(e.getKey());
      }
      known.put(e.getKey(), strip(e.getValue()));
    }
    return known;
  }

  private static OptionsException unknown(String key) {
    if (key.contains("token") || key.contains("secret")) {
      return new OptionsException(
          "unknown option --"
              + key
              + " (the access token is read from whatsapp.access-token-file or the environment"
              + " variable WHATSAPP_ACCESS_TOKEN, never from arguments)");
    }
    return new OptionsException(
        "unknown option --" + key + meant(key).map(k -> "; did you mean --" + k + "?").orElse(""));
  }

  /**
   * The key a mistyped one was meant to be: a declared option or {@code --config}, or a Kafka
   * property whose prefix is mistyped ({@code kafka.properties.security.protocol}).
   */
  static Optional<String> meant(String key) {
    List<String> candidates = new ArrayList<>();
    JobOptions.ALL.stream()
        .filter(o -> o != JobOptions.KAFKA_PROPERTIES)
        .forEach(o -> candidates.add(o.key()));
    candidates.add(CONFIG_FLAG);
    String[] parts = key.split("\\.", 3);
    if (parts.length == 3) {
      candidates.add(JobOptions.KAFKA_PROPERTY_PREFIX + parts[2]);
    }
    return NearestKey.to(key, candidates);
  }

  private static String strip(String value) {
    return value == null ? "" : value.strip();
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key + ".", value, into);
      } else if (value.isArray()) {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        into.put(key, String.join(",", items));
      } else {
        into.put(key, value.isNull() ? "" : value.asText());
      }
    }
  }

  /** The value given, else the default, converted as Flink converts it. */
  private <T> T get(ConfigOption<T> option, String expected) {
    String value = given.get(option.key());
    if (value == null) {
      return option.hasDefaultValue() ? option.defaultValue() : null;
    }
    try {
      return Configuration.fromMap(Map.of(option.key(), value)).get(option);
    } catch (IllegalArgumentException e) {
      throw invalid(option, expected);
    }
  }

  private String required(ConfigOption<String> option) {
    String value = get(option, "text");
    if (value == null || value.isBlank()) {
      throw new OptionsException("option --" + option.key() + " is required");
    }
    return value;
  }

  /** Null when not given or blank. */
  private String optional(ConfigOption<?> option) {
    String value = given.get(option.key());
    return value == null || value.isBlank() ? null : value;
  }

  private OptionsException invalid(ConfigOption<?> option, String expected) {
    String key = option.key();
    return new OptionsException(
        "option --" + key + ": '" + Secrets.shown(key, given.get(key)) + "' is not " + expected);
  }

  private Duration duration(ConfigOption<Duration> option, boolean zeroAllowed) {
    String expected =
        zeroAllowed ? "a duration (10 s, 0 s, PT10S)" : "a positive duration (1 h, 30 min, PT1H)";
    Duration d = get(option, expected);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw invalid(option, expected);
    }
    return d;
  }

  private Duration positiveDuration(ConfigOption<Duration> option) {
    return duration(option, false);
  }

  /** A positive duration, or null for {@code off}. */
  private Duration optionalDuration(ConfigOption<Duration> option) {
    if (OFF.equalsIgnoreCase(given.get(option.key()))) {
      return null;
    }
    try {
      return positiveDuration(option);
    } catch (OptionsException e) {
      throw invalid(option, "a positive duration (1 h, PT1H) or 'off'");
    }
  }

  private int integer(ConfigOption<Integer> option, String expected, IntPredicate valid) {
    Integer n = get(option, expected);
    if (n == null || n < 0 || !valid.test(n)) {
      throw invalid(option, expected);
    }
    return n;
  }

  private static String startingOffsetsExpected() {
    List<String> names =
        Stream.of(KafkaSettings.StartingOffsets.values())
            .map(o -> o.name().toLowerCase(Locale.ROOT))
            .toList();
    return String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }

  /** An http(s) URL with a host, without a trailing slash. */
  private String baseUrl(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw invalid(JobOptions.BASE_URL, "an http(s) URL");
    }
    if (!List.of("http", "https").contains(String.valueOf(uri.getScheme()))
        || uri.getHost() == null) {
      throw invalid(JobOptions.BASE_URL, "an http(s) URL");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private Set<String> regions(ConfigOption<String> option) {
    Set<String> isoCountries = Set.of(Locale.getISOCountries());
    Set<String> regions = new LinkedHashSet<>();
    for (String region : get(option, "a list").split(",")) {
      String code = region.strip().toUpperCase(Locale.ROOT);
      if (code.isEmpty()) {
        continue;
      }
      if (!code.matches("[A-Z]{2}") || !isoCountries.contains(code)) {
        throw invalid(option, "a comma-separated list of ISO 3166 region codes (US,CA)");
      }
      regions.add(code);
    }
    return Set.copyOf(regions);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
