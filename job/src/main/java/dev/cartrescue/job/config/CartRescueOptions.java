package dev.cartrescue.job.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cartrescue.connectors.KafkaSettings;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The job's options, exactly the keys of the options table of docs/contract.md §5, with their
 * defaults and validation. Nothing else in the project parses flags.
 *
 * <p>Values come from {@code --key value} (or {@code --key=value}) flags and from {@code --config
 * FILE}, a YAML file with the same keys (flat, or nested by their dots); flags win. Any problem is
 * an {@link OptionsException} whose message is one line naming the option.
 */
public final class CartRescueOptions {
  public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";
  private static final String OFF = "off";

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("kafka.bootstrap-servers", null);
    DEFAULTS.put("kafka.group-id", "cart-rescue");
    DEFAULTS.put("kafka.starting-offsets", "committed");
    DEFAULTS.put("topic.clickstream", "clickstream");
    DEFAULTS.put("topic.contacts", "contacts");
    DEFAULTS.put("topic.capping", "whatsapp-cart-recovery-capping");
    DEFAULTS.put("topic.outcomes", "cart-recovery-outcomes");
    DEFAULTS.put("topic.dead-letter", "cart-recovery-dead-letter");
    RuleSettings rule = RuleSettings.defaults();
    DEFAULTS.put("rule.abandon-after", rule.abandonAfter().toString());
    DEFAULTS.put("rule.recent-purchase", rule.recentPurchase().toString());
    DEFAULTS.put("rule.capping-period", rule.cappingPeriod().toString());
    DEFAULTS.put("rule.max-send-delay", rule.maxSendDelay().toString());
    DEFAULTS.put("watermark.out-of-orderness", "PT10S");
    DEFAULTS.put("watermark.idle-advance", "PT1M");
    DEFAULTS.put("whatsapp.base-url", CloudApiSettings.DEFAULT_BASE_URL);
    DEFAULTS.put("whatsapp.api-version", CloudApiSettings.DEFAULT_API_VERSION);
    DEFAULTS.put("whatsapp.phone-number-id", null);
    DEFAULTS.put("whatsapp.access-token-file", "");
    DEFAULTS.put("whatsapp.template", "cart_advisor_help");
    DEFAULTS.put("whatsapp.language", rule.defaultLanguage());
    DEFAULTS.put(
        "whatsapp.rate-limit",
        new BigDecimal(CloudApiSettings.DEFAULT_RATE_LIMIT_PER_SECOND)
            .stripTrailingZeros()
            .toPlainString());
    DEFAULTS.put("whatsapp.blocked-regions", String.join(",", rule.blockedRegions()));
    DEFAULTS.put("whatsapp.retry-for", CloudApiSettings.DEFAULT_RETRY_FOR.toString());
    DEFAULTS.put("whatsapp.connect-timeout", CloudApiSettings.DEFAULT_CONNECT_TIMEOUT.toString());
    DEFAULTS.put("whatsapp.response-timeout", CloudApiSettings.DEFAULT_RESPONSE_TIMEOUT.toString());
    DEFAULTS.put("checkpoint.interval", "PT10S");
    DEFAULTS.put("checkpoint.dir", "");
    DEFAULTS.put("restore-from", "");
    DEFAULTS.put("parallelism", "");
    DEFAULTS.put("web-ui.port", "8081");
  }

  public final KafkaSettings kafka;
  public final String clickstreamTopic;
  public final String contactsTopic;
  public final String cappingTopic;
  public final String outcomesTopic;
  public final String deadLetterTopic;
  public final RuleSettings rule;
  public final Duration outOfOrderness;

  /** Null when off. */
  public final Duration idleAdvance;

  public final CloudApiSettings whatsapp;
  public final String templateName;
  public final Duration checkpointInterval;
  public final String checkpointDir;

  /** Null for none; "latest" or a path. */
  public final String restoreFrom;

  /** Null for Flink's default. */
  public final Integer parallelism;

  public final int webUiPort;

  private final Map<String, String> values;

  private CartRescueOptions(Map<String, String> v) {
    this.values = v;
    String bootstrap = required(v, "kafka.bootstrap-servers");
    Map<String, String> kafkaProperties = new TreeMap<>();
    v.forEach(
        (key, value) -> {
          if (key.startsWith(KAFKA_PROPERTY_PREFIX)) {
            kafkaProperties.put(key.substring(KAFKA_PROPERTY_PREFIX.length()), value);
          }
        });
    kafka =
        new KafkaSettings(
            bootstrap,
            required(v, "kafka.group-id"),
            parse(
                v,
                "kafka.starting-offsets",
                "committed, earliest or latest",
                s -> KafkaSettings.StartingOffsets.valueOf(s.toUpperCase(Locale.ROOT))),
            kafkaProperties);
    clickstreamTopic = required(v, "topic.clickstream");
    contactsTopic = required(v, "topic.contacts");
    cappingTopic = required(v, "topic.capping");
    outcomesTopic = required(v, "topic.outcomes");
    deadLetterTopic = required(v, "topic.dead-letter");

    String language = required(v, "whatsapp.language");
    rule =
        new RuleSettings(
            positiveDuration(v, "rule.abandon-after"),
            positiveDuration(v, "rule.recent-purchase"),
            positiveDuration(v, "rule.capping-period"),
            optionalDuration(v, "rule.max-send-delay"),
            regions(v, "whatsapp.blocked-regions"),
            language);
    outOfOrderness = duration(v, "watermark.out-of-orderness", true);
    idleAdvance = optionalDuration(v, "watermark.idle-advance");

    double rate =
        parse(
            v, "whatsapp.rate-limit", "a positive number of messages per second", Double::valueOf);
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw invalid("whatsapp.rate-limit", v, "a positive number of messages per second");
    }
    String baseUrl = required(v, "whatsapp.base-url");
    parse(
        v,
        "whatsapp.base-url",
        "an http(s) URL",
        s -> {
          URI uri = URI.create(s);
          if (!List.of("http", "https").contains(String.valueOf(uri.getScheme()))
              || uri.getHost() == null) {
            throw new IllegalArgumentException();
          }
          return uri;
        });
    String tokenFile = v.get("whatsapp.access-token-file");
    whatsapp =
        CloudApiSettings.builder()
            .baseUrl(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
            .apiVersion(required(v, "whatsapp.api-version"))
            .phoneNumberId(required(v, "whatsapp.phone-number-id"))
            .accessTokenFile(tokenFile.isBlank() ? null : tokenFile)
            .rateLimitPerSecond(rate)
            .connectTimeout(positiveDuration(v, "whatsapp.connect-timeout"))
            .responseTimeout(positiveDuration(v, "whatsapp.response-timeout"))
            .retryFor(duration(v, "whatsapp.retry-for", true))
            .build();
    templateName = required(v, "whatsapp.template");

    checkpointInterval = positiveDuration(v, "checkpoint.interval");
    String dir = v.get("checkpoint.dir");
    checkpointDir =
        dir.isBlank()
            ? Path.of(".cart-rescue", "checkpoints").toAbsolutePath().toUri().toString()
            : dir;
    String restore = v.get("restore-from");
    restoreFrom = restore.isBlank() ? null : restore;
    String p = v.get("parallelism");
    parallelism =
        p.isBlank()
            ? null
            : parse(
                v,
                "parallelism",
                "a positive integer",
                s -> {
                  int n = Integer.parseInt(s);
                  if (n < 1) {
                    throw new IllegalArgumentException();
                  }
                  return n;
                });
    webUiPort =
        parse(
            v,
            "web-ui.port",
            "a port number (0 for none)",
            s -> {
              int n = Integer.parseInt(s);
              if (n < 0 || n > 65535) {
                throw new IllegalArgumentException();
              }
              return n;
            });
  }

  /** Parses command-line arguments, reading {@code --config FILE} first when given. */
  public static CartRescueOptions parse(String... args) {
    Map<String, String> flags = flags(args);
    String configFile = flags.remove("config");
    Map<String, String> merged = new LinkedHashMap<>();
    if (configFile != null) {
      merged.putAll(readYaml(Path.of(configFile)));
    }
    merged.putAll(flags);
    return of(merged);
  }

  /**
   * {@code --key value} and {@code --key=value} pairs, in order; the one reader of command-line
   * flags in the project (the demo's own flags go through it too).
   */
  public static Map<String, String> flags(String... args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new OptionsException("unexpected argument '" + arg + "': options are --key value");
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

  /** Options from a map of the contract's keys; defaults fill the rest. */
  public static CartRescueOptions of(Map<String, String> given) {
    Map<String, String> v = new LinkedHashMap<>();
    DEFAULTS.forEach((key, value) -> v.put(key, value == null ? "" : value));
    for (Map.Entry<String, String> e : given.entrySet()) {
      String key = e.getKey();
      if (!DEFAULTS.containsKey(key) && !key.startsWith(KAFKA_PROPERTY_PREFIX)) {
        throw new OptionsException("unknown option --" + key + hintFor(key));
      }
      v.put(key, e.getValue() == null ? "" : e.getValue().strip());
    }
    return new CartRescueOptions(v);
  }

  /** Reads the same keys from YAML, flat ({@code rule.abandon-after: PT1H}) or nested. */
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

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key + ".", value, into);
      } else if (value.isArray()) {
        List<String> items = new java.util.ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        into.put(key, String.join(",", items));
      } else {
        into.put(key, value.isNull() ? "" : value.asText());
      }
    }
  }

  /** The options as given and defaulted, for the start-up log line. Holds no secret. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    values.forEach(
        (key, value) -> s.append(s.length() == 0 ? "" : " ").append(key).append('=').append(value));
    return s.toString();
  }

  private static String hintFor(String key) {
    if (key.contains("token") || key.contains("secret")) {
      return " (the access token is read from whatsapp.access-token-file or the environment"
          + " variable WHATSAPP_ACCESS_TOKEN, never from arguments)";
    }
    return "";
  }

  private static String required(Map<String, String> v, String key) {
    String value = v.get(key);
    if (value == null || value.isBlank()) {
      throw new OptionsException("option --" + key + " is required");
    }
    return value;
  }

  private static <T> T parse(
      Map<String, String> v, String key, String expected, Function<String, T> parser) {
    String value = v.get(key);
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      throw invalid(key, v, expected);
    }
  }

  private static OptionsException invalid(String key, Map<String, String> v, String expected) {
    return new OptionsException("option --" + key + ": '" + v.get(key) + "' is not " + expected);
  }

  private static Duration duration(Map<String, String> v, String key, boolean zeroAllowed) {
    String expected =
        zeroAllowed ? "an ISO-8601 duration (PT10S)" : "a positive ISO-8601 duration (PT1H)";
    Duration d = parse(v, key, expected, s -> Duration.parse(s.toUpperCase(Locale.ROOT)));
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw invalid(key, v, expected);
    }
    return d;
  }

  private static Duration positiveDuration(Map<String, String> v, String key) {
    return duration(v, key, false);
  }

  /** A positive duration, or null for {@code off}. */
  private static Duration optionalDuration(Map<String, String> v, String key) {
    if (OFF.equalsIgnoreCase(v.get(key))) {
      return null;
    }
    try {
      return positiveDuration(v, key);
    } catch (OptionsException e) {
      throw invalid(key, v, "a positive ISO-8601 duration or 'off'");
    }
  }

  private static Set<String> regions(Map<String, String> v, String key) {
    Set<String> regions = new LinkedHashSet<>();
    for (String region : v.get(key).split(",")) {
      String code = region.strip().toUpperCase(Locale.ROOT);
      if (code.isEmpty()) {
        continue;
      }
      if (!code.matches("[A-Z]{2}") || !Arrays.asList(Locale.getISOCountries()).contains(code)) {
        throw invalid(key, v, "a comma-separated list of ISO 3166 region codes (US,CA)");
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
