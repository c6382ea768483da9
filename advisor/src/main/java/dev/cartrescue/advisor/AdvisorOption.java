package dev.cartrescue.advisor;

import dev.cartrescue.webhooks.ServiceOption;
import java.util.List;
import java.util.Optional;

/**
 * Every option of the Chatwoot connector, declared once: its key, default and description. The help
 * of {@code ./cart-rescue advisor --help} and the options table of docs/advisor.md come from these
 * declarations, and {@link AdvisorOptions} reads them from flags and {@code --config FILE}.
 *
 * <p>The Chatwoot access token is not an option: only the file that holds it is, and the
 * environment variable {@value #API_TOKEN_VARIABLE} stands in for the file. Descriptions start in
 * lower case: the help puts them after the default.
 */
public enum AdvisorOption implements ServiceOption {
  BOOTSTRAP_SERVERS(
      "kafka.bootstrap-servers", null, true, "the Kafka brokers, `host:port[,host:port...]`"),
  KAFKA_PROPERTY(
      "kafka.property",
      null,
      false,
      "passed to the consumer and the producer (security, SASL, ...); values whose name looks"
          + " secret (password, secret, token, jaas, ...) are masked in the log"),
  GROUP_ID(
      "kafka.group-id",
      AdvisorOptions.DEFAULT_GROUP_ID,
      false,
      "the consumer group; its committed offsets say which hand-offs are done"),
  HANDOFFS_TOPIC(
      "topic.handoffs",
      AdvisorOptions.DEFAULT_HANDOFFS_TOPIC,
      false,
      "the job's hand-offs, read with `isolation.level=read_committed`"),
  DEAD_LETTER_TOPIC(
      "topic.dead-letter",
      AdvisorOptions.DEFAULT_DEAD_LETTER_TOPIC,
      false,
      "where a hand-off Chatwoot refuses for good, or an unreadable record, goes, with its reason"),
  BASE_URL(
      "chatwoot.base-url",
      null,
      true,
      "Chatwoot's address, `https://chatwoot.example.com` (the API is under `/api/v1`)"),
  ACCOUNT_ID("chatwoot.account-id", null, true, "the Chatwoot account's number"),
  INBOX_ID(
      "chatwoot.inbox-id",
      null,
      true,
      "the number of the WhatsApp inbox the conversations belong to"),
  TEAM_ID(
      "chatwoot.team-id",
      null,
      false,
      "the number of the team each conversation is assigned to; none: the team is left as it is"),
  API_TOKEN_FILE(
      "chatwoot.api-token-file",
      null,
      false,
      "the file holding the Chatwoot access token; without it the environment variable `"
          + AdvisorOption.API_TOKEN_VARIABLE
          + "`. One of the two is required"),
  PORT("advisor.port", "8080", false, "the port of /healthz and /metrics; `0` for any free port");

  /** Where the access token comes from without {@link #API_TOKEN_FILE}. */
  public static final String API_TOKEN_VARIABLE = "CHATWOOT_API_TOKEN";

  /** What a client property's key starts with ({@link #KAFKA_PROPERTY}). */
  public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";

  private final String key;
  private final String defaultValue;
  private final boolean required;
  private final String description;

  AdvisorOption(String key, String defaultValue, boolean required, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.required = required;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** The default as a user would write it; empty when there is none. */
  @Override
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** Whether the connector does not start without it (the token is checked on its own). */
  @Override
  public boolean required() {
    return required;
  }

  /** One line; a value in backticks is code in the docs' table, plain in the help. */
  @Override
  public String description() {
    return description;
  }

  /** The key as given: a prefix option's entries are {@code <key>.<name>}. */
  @Override
  public String keyText() {
    return this == KAFKA_PROPERTY ? key + ".<name>" : key;
  }

  /** The option whose key {@code key} is, or whose prefix it carries (a client property). */
  public static Optional<AdvisorOption> forKey(String key) {
    if (key.startsWith(KAFKA_PROPERTY_PREFIX) && key.length() > KAFKA_PROPERTY_PREFIX.length()) {
      return Optional.of(KAFKA_PROPERTY);
    }
    for (AdvisorOption option : values()) {
      if (option != KAFKA_PROPERTY && option.key.equals(key)) {
        return Optional.of(option);
      }
    }
    return Optional.empty();
  }

  /** Every option in the order of the help. */
  public static List<AdvisorOption> all() {
    return List.of(values());
  }
}
