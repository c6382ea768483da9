package dev.cartrescue.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The receiver's options ({@link ReceiverOption}), read and checked, with the two secrets they lead
 * to. Nothing else in the module parses flags.
 *
 * <p>An option's value is the first of: its {@code --key value} (or {@code --key=value}) flag; its
 * key in {@code --config FILE}, a YAML file of the same keys (flat, or nested by their dots); its
 * declared default. Any problem is an {@link OptionsException} whose message is one line naming the
 * option. The app secret and the verify token are read from the files the options name, else from
 * the environment; they are never options themselves and never part of {@link #describe()} or of
 * {@link #toString()}.
 */
public final class ReceiverOptions {
  /** The topic of Meta's notifications, as the job reads it ({@code topic.webhooks}). */
  public static final String DEFAULT_TOPIC = "whatsapp-webhooks";

  /** The flag naming the YAML file of options; a flag only, never a key in the file. */
  public static final String CONFIG_FLAG = "config";

  private final String bootstrapServers;
  private final Map<String, String> kafkaProperties;
  private final int port;
  private final String topic;

  /** Where accepted notifications are forwarded to; null for nowhere. */
  private final URI forwardUrl;

  private final byte[] appSecret;
  private final String verifyToken;

  /** Where the secrets came from, for the start-up line: a file's path or a variable's name. */
  private final String appSecretSource;

  private final String verifyTokenSource;

  private ReceiverOptions(
      Map<String, String> given,
      byte[] appSecret,
      String appSecretSource,
      String verifyToken,
      String verifyTokenSource) {
    bootstrapServers = required(given, ReceiverOption.BOOTSTRAP_SERVERS);
    Map<String, String> properties = new TreeMap<>();
    given.forEach(
        (key, value) -> {
          if (key.startsWith(ReceiverOption.KAFKA_PROPERTY_PREFIX)) {
            properties.put(key.substring(ReceiverOption.KAFKA_PROPERTY_PREFIX.length()), value);
          }
        });
    kafkaProperties = Map.copyOf(properties);
    port = port(given);
    topic = required(given, ReceiverOption.TOPIC);
    forwardUrl = forwardUrl(given);
    this.appSecret = appSecret.clone();
    this.appSecretSource = appSecretSource;
    this.verifyToken = verifyToken;
    this.verifyTokenSource = verifyTokenSource;
  }

  /** {@code other} with another forward URL. */
  private ReceiverOptions(ReceiverOptions other, URI forwardUrl) {
    bootstrapServers = other.bootstrapServers;
    kafkaProperties = other.kafkaProperties;
    port = other.port;
    topic = other.topic;
    this.forwardUrl = forwardUrl;
    appSecret = other.appSecret;
    appSecretSource = other.appSecretSource;
    verifyToken = other.verifyToken;
    verifyTokenSource = other.verifyTokenSource;
  }

  /**
   * Parses command-line arguments, reading {@code --config FILE} when given, and the secrets from
   * their files or from this process's environment.
   */
  public static ReceiverOptions parse(String... args) {
    return parse(System.getenv(), args);
  }

  /** As {@link #parse(String...)}, with {@code environment} for the process's variables. */
  public static ReceiverOptions parse(Map<String, String> environment, String... args) {
    Map<String, String> flags = flags(args);
    String configFile = flags.remove(CONFIG_FLAG);
    Map<String, String> given = new LinkedHashMap<>();
    if (configFile != null) {
      given.putAll(known(readYaml(Path.of(configFile))));
    }
    given.putAll(known(flags));
    // The options first, then the secrets: a missing broker is said before a missing secret.
    required(given, ReceiverOption.BOOTSTRAP_SERVERS);
    port(given);
    required(given, ReceiverOption.TOPIC);
    forwardUrl(given);
    Secret appSecret =
        secret(
            given,
            environment,
            ReceiverOption.APP_SECRET_FILE,
            ReceiverOption.APP_SECRET_VARIABLE,
            "app secret");
    Secret verifyToken =
        secret(
            given,
            environment,
            ReceiverOption.VERIFY_TOKEN_FILE,
            ReceiverOption.VERIFY_TOKEN_VARIABLE,
            "verify token");
    return new ReceiverOptions(
        given,
        appSecret.value().getBytes(StandardCharsets.UTF_8),
        appSecret.source(),
        verifyToken.value(),
        verifyToken.source());
  }

  /**
   * Options from a map of the receiver's keys, as flags (defaults fill the rest), with the secrets
   * given directly: for tests and the demo, which start the receiver in their own JVM.
   */
  public static ReceiverOptions of(Map<String, String> keys, String appSecret, String verifyToken) {
    if (appSecret == null || appSecret.isEmpty()) {
      throw new OptionsException("no WhatsApp app secret given");
    }
    if (verifyToken == null || verifyToken.isEmpty()) {
      throw new OptionsException("no WhatsApp verify token given");
    }
    Map<String, String> given = known(keys);
    for (ReceiverOption file :
        List.of(ReceiverOption.APP_SECRET_FILE, ReceiverOption.VERIFY_TOKEN_FILE)) {
      if (given.containsKey(file.key())) {
        throw new OptionsException(
            "option --" + file.key() + ": not with secrets given directly (ReceiverOptions.of)");
      }
    }
    return new ReceiverOptions(
        given, appSecret.getBytes(StandardCharsets.UTF_8), "given", verifyToken, "given");
  }

  /**
   * These options, forwarding each accepted notification to {@code url} ({@code
   * webhooks.forward-url}): for the demo and tests, which start the receiver in their own JVM.
   *
   * @throws OptionsException when {@code url} is not an absolute http or https URL
   */
  public ReceiverOptions withForwardUrl(URI url) {
    if (url == null) {
      throw new OptionsException("option --" + ReceiverOption.FORWARD_URL.key() + ": no URL given");
    }
    return new ReceiverOptions(this, checkedForwardUrl(url.toString()));
  }

  /**
   * {@code --key value} and {@code --key=value} pairs, in order; the Chatwoot connector reads its
   * flags the same way.
   *
   * @throws OptionsException for an argument that is not such a pair
   */
  public static Map<String, String> flags(String... args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new OptionsException(
            "unexpected argument '"
                + (Secrets.isSecret(arg) ? Secrets.MASK : arg)
                + "': options are --key value");
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

  /** The same keys from YAML, flat ({@code webhooks.port: 8080}) or nested, as text. */
  public static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new OptionsException(
          "option --" + CONFIG_FLAG + ": cannot read " + file + ": " + firstLine(e.getMessage()));
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return flat;
    }
    if (!root.isObject()) {
      throw new OptionsException(
          "option --" + CONFIG_FLAG + ": " + file + " is not a YAML map of options");
    }
    flatten("", root, flat);
    return flat;
  }

  /** The Kafka brokers. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The producer's own properties ({@code kafka.property.<name>}), by name; may hold secrets. */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  /** The HTTP port; 0 for any free one. */
  public int port() {
    return port;
  }

  public String topic() {
    return topic;
  }

  /** Where each accepted notification is forwarded to ({@code webhooks.forward-url}), if at all. */
  public Optional<URI> forwardUrl() {
    return Optional.ofNullable(forwardUrl);
  }

  /** The app secret's bytes (UTF-8), the key of every POST's HMAC. A copy. */
  byte[] appSecret() {
    return appSecret.clone();
  }

  String verifyToken() {
    return verifyToken;
  }

  /**
   * Every option's value, given or default, as {@code key=value}, for the start-up log line. Holds
   * no secret: a secret-looking producer property is {@value Secrets#MASK}, and the secrets appear
   * only as where they were read from; a forward URL's query (which may hold a token) is {@code
   * ?}{@value Secrets#MASK}.
   */
  public String describe() {
    List<String> shown = new ArrayList<>();
    shown.add(ReceiverOption.BOOTSTRAP_SERVERS.key() + "=" + bootstrapServers);
    kafkaProperties.forEach(
        (name, value) -> {
          String key = ReceiverOption.KAFKA_PROPERTY_PREFIX + name;
          shown.add(key + "=" + Secrets.shown(key, value));
        });
    shown.add(ReceiverOption.PORT.key() + "=" + port);
    shown.add("app-secret from " + appSecretSource);
    shown.add("verify-token from " + verifyTokenSource);
    shown.add(ReceiverOption.TOPIC.key() + "=" + topic);
    if (forwardUrl != null) {
      shown.add(ReceiverOption.FORWARD_URL.key() + "=" + shownUrl(forwardUrl));
    }
    return String.join(" ", shown);
  }

  @Override
  public String toString() {
    return "ReceiverOptions[" + describe() + "]";
  }

  /**
   * {@code --help}: every option, its default and what it does, generated from {@link
   * ReceiverOption}.
   */
  public static String help() {
    return OptionsText.help(
        List.of(
            "usage: ./cart-rescue webhooks [--config FILE] [--key value ...]",
            "   or: java -jar cart-rescue-webhooks.jar [--config FILE] [--key value ...]",
            "Receives Meta's WhatsApp webhooks on /webhooks/whatsapp: checks each POST's",
            "X-Hub-Signature-256 and writes the body to Kafka, answering 200 only once Kafka has",
            "it (503 when it cannot, so that Meta retries); answers the verification GET. Also",
            "/healthz and /metrics (Prometheus). Each option is --key value or --key=value; a flag",
            "wins over the same key in --config FILE, which wins over the defaults below. The app",
            "secret and the verify token come from files or environment variables, never flags.",
            "With --"
                + ReceiverOption.FORWARD_URL.key()
                + ", each accepted POST is also forwarded, as it",
            "came, to a shared inbox, after the 200."),
        "webhooks.port: 8080",
        ReceiverOption.all());
  }

  /** The options table of docs/webhooks.md. */
  public static String markdownTable() {
    return OptionsText.markdownTable(ReceiverOption.all());
  }

  private record Secret(String value, String source) {}

  private static Secret secret(
      Map<String, String> given,
      Map<String, String> environment,
      ReceiverOption fileOption,
      String variable,
      String what) {
    String file = given.get(fileOption.key());
    if (file != null && !file.isBlank()) {
      return new Secret(Secrets.fromFile(fileOption.key(), file, what), file);
    }
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      throw new OptionsException(
          "no WhatsApp "
              + what
              + ": set --"
              + fileOption.key()
              + " or the environment variable "
              + variable);
    }
    return new Secret(value.strip(), "$" + variable);
  }

  /** The receiver's keys of {@code given}, values stripped; any other key is refused. */
  private static Map<String, String> known(Map<String, String> given) {
    Map<String, String> known = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (ReceiverOption.forKey(e.getKey()).isEmpty()) {
        throw unknown(e.getKey());
      }
      known.put(e.getKey(), e.getValue() == null ? "" : e.getValue().strip());
    }
    return known;
  }

  private static OptionsException unknown(String key) {
    if (key.startsWith("whatsapp.") && key.contains("secret")) {
      return new OptionsException(
          "option --"
              + key
              + " is refused: the app secret is read from the file named by --"
              + ReceiverOption.APP_SECRET_FILE.key()
              + " or the environment variable "
              + ReceiverOption.APP_SECRET_VARIABLE
              + ", never from arguments");
    }
    if (key.startsWith("whatsapp.") && key.contains("token")) {
      return new OptionsException(
          "option --"
              + key
              + " is refused: the verify token is read from the file named by --"
              + ReceiverOption.VERIFY_TOKEN_FILE.key()
              + " or the environment variable "
              + ReceiverOption.VERIFY_TOKEN_VARIABLE
              + ", never from arguments");
    }
    return new OptionsException(
        "unknown option --" + key + meant(key).map(k -> "; did you mean --" + k + "?").orElse(""));
  }

  /** The declared key (or {@code --config}) a mistyped one was meant to be, if it is near. */
  static Optional<String> meant(String key) {
    List<String> candidates = new ArrayList<>();
    for (ReceiverOption option : ReceiverOption.all()) {
      if (option != ReceiverOption.KAFKA_PROPERTY) {
        candidates.add(option.key());
      }
    }
    candidates.add(CONFIG_FLAG);
    String[] parts = key.split("\\.", 3);
    if (parts.length == 3) {
      candidates.add(ReceiverOption.KAFKA_PROPERTY_PREFIX + parts[2]);
    }
    int allowed = Math.max(2, key.length() / 3);
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(key, candidate);
      if (d < best) {
        best = d;
        nearest = candidate;
      }
    }
    return best <= allowed ? Optional.ofNullable(nearest) : Optional.empty();
  }

  /** Levenshtein distance with swaps of neighbours (optimal string alignment). */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static String required(Map<String, String> given, ReceiverOption option) {
    String value = given.getOrDefault(option.key(), option.defaultValue().orElse(null));
    if (value == null || value.isBlank()) {
      throw new OptionsException("option --" + option.key() + " is required");
    }
    return value;
  }

  private static int port(Map<String, String> given) {
    String key = ReceiverOption.PORT.key();
    String value = given.getOrDefault(key, ReceiverOption.PORT.defaultValue().orElseThrow());
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Said below, with the option's name.
    }
    throw new OptionsException(
        "option --" + key + ": '" + value + "' is not a port number (0 for any free port)");
  }

  /** The forward URL given, checked; null when none is. */
  private static URI forwardUrl(Map<String, String> given) {
    String value = given.get(ReceiverOption.FORWARD_URL.key());
    return value == null || value.isEmpty() ? null : checkedForwardUrl(value);
  }

  /** An absolute http or https URL with a host and no credentials, as the HTTP client takes it. */
  private static URI checkedForwardUrl(String value) {
    String option = "option --" + ReceiverOption.FORWARD_URL.key() + ": ";
    URI url;
    try {
      url = new URI(value);
    } catch (URISyntaxException e) {
      throw new OptionsException(option + "'" + value + "' is not a URL: " + e.getReason());
    }
    if (url.getRawUserInfo() != null) {
      // Refused rather than masked: the URL is in the start-up line and in every operator's view.
      throw new OptionsException(option + "a URL with credentials (user:password@) is refused");
    }
    String scheme = url.getScheme();
    boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    if (!http || url.getHost() == null || url.getRawFragment() != null) {
      throw new OptionsException(
          option + "'" + value + "' is not an http or https URL with a host (and no #fragment)");
    }
    try {
      HttpRequest.newBuilder(url);
    } catch (IllegalArgumentException e) {
      throw new OptionsException(option + "'" + value + "' is refused: " + e.getMessage());
    }
    return url;
  }

  /** {@code url} with its query, if any, masked. */
  private static String shownUrl(URI url) {
    String text = url.toString();
    int q = text.indexOf('?');
    return q < 0 ? text : text.substring(0, q + 1) + Secrets.MASK;
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

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
