package dev.cartrescue.advisor;

import dev.cartrescue.webhooks.OptionsException;
import dev.cartrescue.webhooks.OptionsText;
import dev.cartrescue.webhooks.ReceiverOptions;
import dev.cartrescue.webhooks.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The connector's options ({@link AdvisorOption}), read and checked, with the access token they
 * lead to. Nothing else in the module parses flags.
 *
 * <p>An option's value is the first of: its {@code --key value} (or {@code --key=value}) flag; its
 * key in {@code --config FILE}, a YAML file of the same keys (flat, or nested by their dots); its
 * declared default. Flags and YAML are read as the webhook receiver reads its own. Any problem is
 * an {@link OptionsException} whose message is one line naming the option. The access token is read
 * from the file the options name, else from the environment; it is never an option itself and never
 * part of {@link #describe()} or of {@link #toString()}.
 */
public final class AdvisorOptions {
  /** The consumer group ({@code kafka.group-id}). */
  public static final String DEFAULT_GROUP_ID = "cart-rescue-advisor";

  /** The topic the job writes its hand-offs to ({@code topic.handoffs}). */
  public static final String DEFAULT_HANDOFFS_TOPIC = "advisor-handoffs";

  /** The job's dead-letter topic, which the connector shares ({@code topic.dead-letter}). */
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "cart-recovery-dead-letter";

  private final String bootstrapServers;
  private final Map<String, String> kafkaProperties;
  private final String groupId;
  private final String handoffsTopic;
  private final String deadLetterTopic;
  private final URI baseUrl;
  private final long accountId;
  private final long inboxId;
  private final OptionalLong teamId;
  private final int port;
  private final String apiToken;

  /** Where the token came from, for the start-up line: a file's path or a variable's name. */
  private final String apiTokenSource;

  private AdvisorOptions(Map<String, String> given, String apiToken, String apiTokenSource) {
    bootstrapServers = required(given, AdvisorOption.BOOTSTRAP_SERVERS);
    Map<String, String> properties = new TreeMap<>();
    given.forEach(
        (key, value) -> {
          if (key.startsWith(AdvisorOption.KAFKA_PROPERTY_PREFIX)) {
            properties.put(key.substring(AdvisorOption.KAFKA_PROPERTY_PREFIX.length()), value);
          }
        });
    kafkaProperties = Map.copyOf(properties);
    groupId = required(given, AdvisorOption.GROUP_ID);
    handoffsTopic = required(given, AdvisorOption.HANDOFFS_TOPIC);
    deadLetterTopic = required(given, AdvisorOption.DEAD_LETTER_TOPIC);
    baseUrl = baseUrl(given);
    accountId = id(given, AdvisorOption.ACCOUNT_ID).orElseThrow();
    inboxId = id(given, AdvisorOption.INBOX_ID).orElseThrow();
    teamId = id(given, AdvisorOption.TEAM_ID);
    port = port(given);
    this.apiToken = apiToken;
    this.apiTokenSource = apiTokenSource;
  }

  /**
   * Parses command-line arguments, reading {@code --config FILE} when given, and the token from its
   * file or from this process's environment.
   */
  public static AdvisorOptions parse(String... args) {
    return parse(System.getenv(), args);
  }

  /** As {@link #parse(String...)}, with {@code environment} for the process's variables. */
  public static AdvisorOptions parse(Map<String, String> environment, String... args) {
    Map<String, String> flags = ReceiverOptions.flags(args);
    String configFile = flags.remove(ReceiverOptions.CONFIG_FLAG);
    Map<String, String> given = new LinkedHashMap<>();
    if (configFile != null) {
      given.putAll(known(ReceiverOptions.readYaml(Path.of(configFile))));
    }
    given.putAll(known(flags));
    // Every option first, then the token: a missing broker is said before a missing token.
    new AdvisorOptions(given, "", "");
    String file = given.get(AdvisorOption.API_TOKEN_FILE.key());
    if (file != null && !file.isBlank()) {
      return new AdvisorOptions(given, tokenFromFile(file), file);
    }
    String value = environment.get(AdvisorOption.API_TOKEN_VARIABLE);
    if (value == null || value.isBlank()) {
      throw new OptionsException(
          "no Chatwoot access token: set --"
              + AdvisorOption.API_TOKEN_FILE.key()
              + " or the environment variable "
              + AdvisorOption.API_TOKEN_VARIABLE);
    }
    return new AdvisorOptions(given, value.strip(), "$" + AdvisorOption.API_TOKEN_VARIABLE);
  }

  /**
   * Options from a map of the connector's keys, as flags (defaults fill the rest), with the token
   * given directly: for tests and the demo, which start the connector in their own JVM.
   */
  public static AdvisorOptions of(Map<String, String> keys, String apiToken) {
    if (apiToken == null || apiToken.isBlank()) {
      throw new OptionsException("no Chatwoot access token given");
    }
    Map<String, String> given = known(keys);
    if (given.containsKey(AdvisorOption.API_TOKEN_FILE.key())) {
      throw new OptionsException(
          "option --"
              + AdvisorOption.API_TOKEN_FILE.key()
              + ": not with a token given directly (AdvisorOptions.of)");
    }
    return new AdvisorOptions(given, apiToken.strip(), "given");
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The clients' own properties ({@code kafka.property.<name>}), by name; may hold secrets. */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  public String groupId() {
    return groupId;
  }

  public String handoffsTopic() {
    return handoffsTopic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic;
  }

  /** Chatwoot's address, without a trailing slash. */
  public URI baseUrl() {
    return baseUrl;
  }

  public long accountId() {
    return accountId;
  }

  public long inboxId() {
    return inboxId;
  }

  /** The team to assign; empty to leave each conversation's team as it is. */
  public OptionalLong teamId() {
    return teamId;
  }

  /** The port of /healthz and /metrics; 0 for any free one. */
  public int port() {
    return port;
  }

  /** The value of the {@code api_access_token} header. */
  String apiToken() {
    return apiToken;
  }

  /**
   * Every option's value, given or default, as {@code key=value}, for the start-up log line. Holds
   * no secret: a secret-looking client property is masked, and the token appears only as where it
   * was read from.
   */
  public String describe() {
    List<String> shown = new ArrayList<>();
    shown.add(AdvisorOption.BOOTSTRAP_SERVERS.key() + "=" + bootstrapServers);
    kafkaProperties.forEach(
        (name, value) -> {
          String key = AdvisorOption.KAFKA_PROPERTY_PREFIX + name;
          shown.add(key + "=" + Secrets.shown(key, value));
        });
    shown.add(AdvisorOption.GROUP_ID.key() + "=" + groupId);
    shown.add(AdvisorOption.HANDOFFS_TOPIC.key() + "=" + handoffsTopic);
    shown.add(AdvisorOption.DEAD_LETTER_TOPIC.key() + "=" + deadLetterTopic);
    shown.add(AdvisorOption.BASE_URL.key() + "=" + baseUrl);
    shown.add(AdvisorOption.ACCOUNT_ID.key() + "=" + accountId);
    shown.add(AdvisorOption.INBOX_ID.key() + "=" + inboxId);
    shown.add(
        AdvisorOption.TEAM_ID.key()
            + "="
            + (teamId.isPresent() ? String.valueOf(teamId.getAsLong()) : "none"));
    shown.add("api-token from " + apiTokenSource);
    shown.add(AdvisorOption.PORT.key() + "=" + port);
    return String.join(" ", shown);
  }

  @Override
  public String toString() {
    return "AdvisorOptions[" + describe() + "]";
  }

  /**
   * {@code --help}: every option, its default and what it does, generated from {@link
   * AdvisorOption}.
   */
  public static String help() {
    return OptionsText.help(
        List.of(
            "usage: ./cart-rescue advisor [--config FILE] [--key value ...]",
            "   or: java -jar cart-rescue-advisor.jar [--config FILE] [--key value ...]",
            "Reads the job's advisor hand-offs from Kafka and turns each into a Chatwoot",
            "conversation: the contact (found by phone, else created), their open conversation in",
            "the inbox (else a new one), a private note with the cart for the advisor, the label",
            "cart-rescue and the team. One note per hand-off; a hand-off Chatwoot refuses goes to",
            "the dead-letter topic. Also /healthz and /metrics (Prometheus). Each option is",
            "--key value or --key=value; a flag wins over the same key in --config FILE, which",
            "wins over the defaults below. The access token comes from a file or an environment",
            "variable, never a flag."),
        "chatwoot.inbox-id: 3",
        AdvisorOption.all());
  }

  /** The options table of docs/advisor.md. */
  public static String markdownTable() {
    return OptionsText.markdownTable(AdvisorOption.all());
  }

  private static String tokenFromFile(String file) {
    return Secrets.fromFile(AdvisorOption.API_TOKEN_FILE.key(), file, "token");
  }

  /** The connector's keys of {@code given}, values stripped; any other key is refused. */
  private static Map<String, String> known(Map<String, String> given) {
    Map<String, String> known = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (AdvisorOption.forKey(e.getKey()).isEmpty()) {
        throw unknown(e.getKey());
      }
      known.put(e.getKey(), e.getValue() == null ? "" : e.getValue().strip());
    }
    return known;
  }

  private static OptionsException unknown(String key) {
    if (key.startsWith("chatwoot.") && (key.contains("token") || key.contains("secret"))) {
      return new OptionsException(
          "option --"
              + key
              + " is refused: the Chatwoot access token is read from the file named by --"
              + AdvisorOption.API_TOKEN_FILE.key()
              + " or the environment variable "
              + AdvisorOption.API_TOKEN_VARIABLE
              + ", never from arguments");
    }
    return new OptionsException(
        "unknown option --" + key + " (./cart-rescue advisor --help lists them)");
  }

  private static String required(Map<String, String> given, AdvisorOption option) {
    String value = given.getOrDefault(option.key(), option.defaultValue().orElse(null));
    if (value == null || value.isBlank()) {
      throw new OptionsException("option --" + option.key() + " is required");
    }
    return value;
  }

  private static URI baseUrl(Map<String, String> given) {
    String value = required(given, AdvisorOption.BASE_URL);
    String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    try {
      URI uri = new URI(trimmed);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getQuery() == null
          && uri.getFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Said below, with the option's name.
    }
    throw new OptionsException(
        "option --"
            + AdvisorOption.BASE_URL.key()
            + ": '"
            + value
            + "' is not an http(s) address such as https://chatwoot.example.com");
  }

  /** A positive number; empty for an optional one not given. */
  private static OptionalLong id(Map<String, String> given, AdvisorOption option) {
    String value = given.get(option.key());
    if (value == null || value.isBlank()) {
      if (option.required()) {
        throw new OptionsException("option --" + option.key() + " is required");
      }
      return OptionalLong.empty();
    }
    try {
      long id = Long.parseLong(value);
      if (id > 0) {
        return OptionalLong.of(id);
      }
    } catch (NumberFormatException e) {
      // Said below, with the option's name.
    }
    throw new OptionsException(
        "option --"
            + option.key()
            + ": '"
            + value
            + "' is not a Chatwoot id (a number from 1, as in the address of its page)");
  }

  private static int port(Map<String, String> given) {
    String key = AdvisorOption.PORT.key();
    String value = given.getOrDefault(key, AdvisorOption.PORT.defaultValue().orElseThrow());
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
}
