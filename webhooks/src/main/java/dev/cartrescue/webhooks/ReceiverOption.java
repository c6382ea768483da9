package dev.cartrescue.webhooks;

import java.util.List;
import java.util.Optional;

/**
 * Every option of the webhook receiver, declared once: its key, default and description. The help
 * of {@code ./cart-rescue webhooks --help} and the options table of docs/webhooks.md come from
 * these declarations, and {@link ReceiverOptions} reads them from flags and {@code --config FILE}.
 *
 * <p>The two secrets are not options: only the files that hold them are, and the environment
 * variables {@value #APP_SECRET_VARIABLE} and {@value #VERIFY_TOKEN_VARIABLE} stand in for the
 * files. Descriptions start in lower case: the help puts them after the default.
 */
public enum ReceiverOption implements ServiceOption {
  BOOTSTRAP_SERVERS(
      "kafka.bootstrap-servers", null, true, "the Kafka brokers, `host:port[,host:port...]`"),
  KAFKA_PROPERTY(
      "kafka.property",
      null,
      false,
      "passed to the producer (security, SASL, ...); values whose name looks secret (password,"
          + " secret, token, jaas, ...) are masked in the log"),
  PORT("webhooks.port", "8080", false, "the HTTP port; `0` for any free port"),
  APP_SECRET_FILE(
      "whatsapp.app-secret-file",
      null,
      false,
      "the file holding the Meta app's secret, which signs every POST; without it the environment"
          + " variable `"
          + ReceiverOption.APP_SECRET_VARIABLE
          + "`. One of the two is required"),
  VERIFY_TOKEN_FILE(
      "whatsapp.verify-token-file",
      null,
      false,
      "the file holding the verify token typed into Meta's App Dashboard; without it the"
          + " environment variable `"
          + ReceiverOption.VERIFY_TOKEN_VARIABLE
          + "`. One of the two is required"),
  TOPIC(
      "topic.webhooks",
      ReceiverOptions.DEFAULT_TOPIC,
      false,
      "the topic each accepted notification is written to, as one record"),
  FORWARD_URL(
      "webhooks.forward-url",
      null,
      false,
      "an `http` or `https` URL each accepted notification is also POSTed to, after the 200 to"
          + " Meta, as Meta sent it (the same bytes and `X-Hub-Signature-256`): a shared inbox"
          + " such as Chatwoot's `https://<host>/webhooks/whatsapp/<phone number>`. Best effort,"
          + " retried for a minute at most; none: no forwarding");

  /** Where the app secret comes from without {@link #APP_SECRET_FILE}. */
  public static final String APP_SECRET_VARIABLE = "WHATSAPP_APP_SECRET";

  /** Where the verify token comes from without {@link #VERIFY_TOKEN_FILE}. */
  public static final String VERIFY_TOKEN_VARIABLE = "WHATSAPP_VERIFY_TOKEN";

  /** What a producer property's key starts with ({@link #KAFKA_PROPERTY}). */
  public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";

  private final String key;
  private final String defaultValue;
  private final boolean required;
  private final String description;

  ReceiverOption(String key, String defaultValue, boolean required, String description) {
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

  /** Whether the receiver does not start without it (the secrets are checked on their own). */
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

  /** The option whose key {@code key} is, or whose prefix it carries (a producer property). */
  public static Optional<ReceiverOption> forKey(String key) {
    if (key.startsWith(KAFKA_PROPERTY_PREFIX) && key.length() > KAFKA_PROPERTY_PREFIX.length()) {
      return Optional.of(KAFKA_PROPERTY);
    }
    for (ReceiverOption option : values()) {
      if (option != KAFKA_PROPERTY && option.key.equals(key)) {
        return Optional.of(option);
      }
    }
    return Optional.empty();
  }

  /** Every option in the order of the help. */
  public static List<ReceiverOption> all() {
    return List.of(values());
  }
}
