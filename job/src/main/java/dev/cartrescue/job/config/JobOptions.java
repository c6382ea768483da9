package dev.cartrescue.job.config;

import dev.cartrescue.connectors.KafkaSettings;
import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the job, declared once as a Flink {@link ConfigOption}: its key, type, default
 * and description. The help of {@code ./cart-rescue run --help} and the options table of
 * docs/contract.md §5 are generated from these declarations ({@link OptionsDocs}), and {@link
 * CartRescueOptions} reads them from flags, {@code --config FILE} and the cluster's configuration.
 *
 * <p>Being Flink options, they can also be given where Flink users give settings: a {@code
 * config.yaml} or a FlinkDeployment's {@code flinkConfiguration} may carry {@code
 * rule.abandon-after: 1 h}. Descriptions start in lower case: the table puts them after the
 * default.
 */
public final class JobOptions {
  private static final RuleSettings RULE = RuleSettings.defaults();

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("the Kafka brokers, `host:port[,host:port...]`");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("kafka.group-id")
          .stringType()
          .defaultValue(CartRescueJob.NAME)
          .withDescription(
              "the consumer group; also the prefix of the sink's transactional ids and of the send"
                  + " ledger's topic: unique per job");

  public static final ConfigOption<KafkaSettings.StartingOffsets> STARTING_OFFSETS =
      ConfigOptions.key("kafka.starting-offsets")
          .enumType(KafkaSettings.StartingOffsets.class)
          .defaultValue(KafkaSettings.StartingOffsets.COMMITTED)
          .withDescription(
              "where the inputs start without a checkpoint: `committed` (earliest when none),"
                  + " `earliest` or `latest`");

  /** A prefix map: {@code kafka.property.security.protocol: SASL_SSL} and so on. */
  public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES =
      ConfigOptions.key("kafka.property")
          .mapType()
          .defaultValue(Map.of())
          .withDescription(
              "passed to every Kafka client (security, SASL, ...); values whose name looks secret"
                  + " are masked in the job's log lines");

  public static final ConfigOption<String> CLICKSTREAM_TOPIC =
      ConfigOptions.key("topic.clickstream")
          .stringType()
          .defaultValue("clickstream")
          .withDescription("the clickstream topic: cart events and purchases (§2)");

  public static final ConfigOption<String> CONTACTS_TOPIC =
      ConfigOptions.key("topic.contacts")
          .stringType()
          .defaultValue("contacts")
          .withDescription("the contact profiles topic (§2)");

  public static final ConfigOption<String> CAPPING_TOPIC =
      ConfigOptions.key("topic.capping")
          .stringType()
          .defaultValue("whatsapp-cart-recovery-capping")
          .withDescription("the capping events topic, read and written (§2, §3)");

  public static final ConfigOption<String> OUTCOMES_TOPIC =
      ConfigOptions.key("topic.outcomes")
          .stringType()
          .defaultValue("cart-recovery-outcomes")
          .withDescription("one outcome per abandoned cart is written here (§3)");

  public static final ConfigOption<String> DEAD_LETTER_TOPIC =
      ConfigOptions.key("topic.dead-letter")
          .stringType()
          .defaultValue("cart-recovery-dead-letter")
          .withDescription("unreadable input records are written here with their reason (§3)");

  public static final ConfigOption<String> WEBHOOKS_TOPIC =
      ConfigOptions.key("topic.webhooks")
          .stringType()
          .defaultValue("whatsapp-webhooks")
          .withDescription(
              "the webhook notifications Meta posted, as the receiver wrote them: statuses,"
                  + " replies, opt-outs (§2)");

  public static final ConfigOption<String> DELIVERIES_TOPIC =
      ConfigOptions.key("topic.deliveries")
          .stringType()
          .defaultValue("cart-recovery-deliveries")
          .withDescription("one record per sent cart and status (delivered, read, failed) (§3)");

  public static final ConfigOption<String> CONSENT_CHANGES_TOPIC =
      ConfigOptions.key("topic.consent-changes")
          .stringType()
          .defaultValue("consent-changes")
          .withDescription("one record per opt-out or opt-in the job heard, for the CRM (§3)");

  public static final ConfigOption<String> HANDOFFS_TOPIC =
      ConfigOptions.key("topic.handoffs")
          .stringType()
          .defaultValue("advisor-handoffs")
          .withDescription(
              "one record per tap on \"Chat with an advisor\" or reply to a cart's message, for"
                  + " the advisors' inbox (§3)");

  public static final ConfigOption<Duration> ABANDON_AFTER =
      ConfigOptions.key("rule.abandon-after")
          .durationType()
          .defaultValue(RULE.abandonAfter())
          .withDescription(
              "a cart is abandoned this long after its last `add_to_cart` with no purchase");

  public static final ConfigOption<Duration> RECENT_PURCHASE =
      ConfigOptions.key("rule.recent-purchase")
          .durationType()
          .defaultValue(RULE.recentPurchase())
          .withDescription("a purchase within this long before the deadline suppresses the cart");

  public static final ConfigOption<Duration> CAPPING_PERIOD =
      ConfigOptions.key("rule.capping-period")
          .durationType()
          .defaultValue(RULE.cappingPeriod())
          .withDescription("after a message, a contact gets no other for this long");

  public static final ConfigOption<Duration> MAX_SEND_DELAY =
      ConfigOptions.key("rule.max-send-delay")
          .durationType()
          .defaultValue(RULE.maxSendDelay())
          .withDescription(
              "a cart whose deadline is older than this in wall-clock time is `stale` (after an"
                  + " outage, in a replay); `off` disables");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      ConfigOptions.key("watermark.out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription("how far out of order events may arrive and still count; may be `0 s`");

  public static final ConfigOption<Duration> IDLE_ADVANCE =
      ConfigOptions.key("watermark.idle-advance")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "after this long with no input, event time follows the wall clock so that deadlines"
                  + " still fire in a quiet store; `off` for replays");

  public static final ConfigOption<String> BASE_URL =
      ConfigOptions.key("whatsapp.base-url")
          .stringType()
          .defaultValue(CloudApiSettings.DEFAULT_BASE_URL)
          .withDescription("the Cloud API's http(s) address");

  public static final ConfigOption<String> API_VERSION =
      ConfigOptions.key("whatsapp.api-version")
          .stringType()
          .defaultValue(CloudApiSettings.DEFAULT_API_VERSION)
          .withDescription("the Graph API version in the Cloud API's paths");

  public static final ConfigOption<String> PHONE_NUMBER_ID =
      ConfigOptions.key("whatsapp.phone-number-id")
          .stringType()
          .noDefaultValue()
          .withDescription("the WhatsApp Business phone number id that sends the messages");

  public static final ConfigOption<String> ACCESS_TOKEN_FILE =
      ConfigOptions.key("whatsapp.access-token-file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "the file holding the Cloud API access token; without it the environment variable `"
                  + CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE
                  + "`. The token itself is never an option");

  public static final ConfigOption<CloudApiSettings.Endpoint> ENDPOINT =
      ConfigOptions.key("whatsapp.endpoint")
          .enumType(CloudApiSettings.Endpoint.class)
          .defaultValue(CloudApiSettings.DEFAULT_ENDPOINT)
          .withDescription(
              "where templates are sent: `messages` (the Cloud API) or `marketing_messages` (the"
                  + " Marketing Messages API, which Meta recommends for marketing templates)");

  public static final ConfigOption<CloudApiSettings.ProductPolicy> PRODUCT_POLICY =
      ConfigOptions.key("whatsapp.product-policy")
          .enumType(CloudApiSettings.ProductPolicy.class)
          .defaultValue(CloudApiSettings.DEFAULT_PRODUCT_POLICY)
          .withDescription(
              "with `marketing_messages`: `CLOUD_API_FALLBACK` (Meta may send through the Cloud"
                  + " API instead) or `STRICT`");

  public static final ConfigOption<String> TEMPLATE =
      ConfigOptions.key("whatsapp.template")
          .stringType()
          .defaultValue("cart_advisor_help")
          .withDescription("the approved message template's name (§4)");

  public static final ConfigOption<String> LANGUAGE =
      ConfigOptions.key("whatsapp.language")
          .stringType()
          .defaultValue(RULE.defaultLanguage())
          .withDescription("the template's language for contacts whose profile names none");

  public static final ConfigOption<Double> RATE_LIMIT =
      ConfigOptions.key("whatsapp.rate-limit")
          .doubleType()
          .defaultValue(CloudApiSettings.DEFAULT_RATE_LIMIT_PER_SECOND)
          .withDescription("messages per second, for the whole job");

  public static final ConfigOption<String> BLOCKED_REGIONS =
      ConfigOptions.key("whatsapp.blocked-regions")
          .stringType()
          .defaultValue(String.join(",", RULE.blockedRegions()))
          .withDescription(
              "comma-separated ISO 3166 region codes whose numbers get no message; empty for none");

  public static final ConfigOption<Duration> RETRY_FOR =
      ConfigOptions.key("whatsapp.retry-for")
          .durationType()
          .defaultValue(CloudApiSettings.DEFAULT_RETRY_FOR)
          .withDescription("how long retryable errors are retried before `failed`");

  public static final ConfigOption<Duration> CONNECT_TIMEOUT =
      ConfigOptions.key("whatsapp.connect-timeout")
          .durationType()
          .defaultValue(CloudApiSettings.DEFAULT_CONNECT_TIMEOUT)
          .withDescription("how long connecting to the Cloud API may take");

  public static final ConfigOption<Duration> RESPONSE_TIMEOUT =
      ConfigOptions.key("whatsapp.response-timeout")
          .durationType()
          .defaultValue(CloudApiSettings.DEFAULT_RESPONSE_TIMEOUT)
          .withDescription("how long the Cloud API may take to answer a send");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("checkpoint.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "outputs become visible to read_committed readers at each checkpoint. When not"
                  + " given, the cluster's `execution.checkpointing.interval`; this default only"
                  + " when that is not set either");

  public static final ConfigOption<String> CHECKPOINT_DIR =
      ConfigOptions.key("checkpoint.dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "any Flink file system URI. When not given, the cluster's"
                  + " `execution.checkpointing.dir`; `./cart-rescue run`'s is `"
                  + FlinkSettings.LOCAL_CHECKPOINT_DIR
                  + "` under the working directory");

  public static final ConfigOption<String> RESTORE_FROM =
      ConfigOptions.key("restore-from")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "a checkpoint or savepoint path, or `latest` (the newest retained checkpoint under"
                  + " the checkpoint directory)");

  public static final ConfigOption<Integer> PARALLELISM =
      ConfigOptions.key("parallelism")
          .intType()
          .noDefaultValue()
          .withDescription("when not given, the cluster's `parallelism.default`");

  public static final ConfigOption<Integer> WEB_UI_PORT =
      ConfigOptions.key("web-ui.port")
          .intType()
          .defaultValue(8081)
          .withDescription("the Flink web UI's port, local runs only; `0` for any free port");

  /** Every option, in the order of the contract's table. */
  public static final List<ConfigOption<?>> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          GROUP_ID,
          STARTING_OFFSETS,
          KAFKA_PROPERTIES,
          CLICKSTREAM_TOPIC,
          CONTACTS_TOPIC,
          CAPPING_TOPIC,
          OUTCOMES_TOPIC,
          DEAD_LETTER_TOPIC,
          WEBHOOKS_TOPIC,
          DELIVERIES_TOPIC,
          CONSENT_CHANGES_TOPIC,
          HANDOFFS_TOPIC,
          ABANDON_AFTER,
          RECENT_PURCHASE,
          CAPPING_PERIOD,
          MAX_SEND_DELAY,
          OUT_OF_ORDERNESS,
          IDLE_ADVANCE,
          BASE_URL,
          API_VERSION,
          PHONE_NUMBER_ID,
          ACCESS_TOKEN_FILE,
          ENDPOINT,
          PRODUCT_POLICY,
          TEMPLATE,
          LANGUAGE,
          RATE_LIMIT,
          BLOCKED_REGIONS,
          RETRY_FOR,
          CONNECT_TIMEOUT,
          RESPONSE_TIMEOUT,
          CHECKPOINT_INTERVAL,
          CHECKPOINT_DIR,
          RESTORE_FROM,
          PARALLELISM,
          WEB_UI_PORT);

  /** The options without which the job does not start: they have no default on purpose. */
  public static final Set<ConfigOption<?>> REQUIRED = Set.of(BOOTSTRAP_SERVERS, PHONE_NUMBER_ID);

  /** What a Kafka client property's key starts with ({@link #KAFKA_PROPERTIES}). */
  public static final String KAFKA_PROPERTY_PREFIX = KAFKA_PROPERTIES.key() + ".";

  /** The keys of the options that take one value: every option but the prefix map. */
  private static final Set<String> SINGLE_KEYS =
      ALL.stream()
          .filter(o -> o != KAFKA_PROPERTIES)
          .map(ConfigOption::key)
          .collect(Collectors.toUnmodifiableSet());

  private JobOptions() {}

  /** Whether {@code key} is one of the job's: a declared option or a Kafka client property. */
  public static boolean isJobKey(String key) {
    return SINGLE_KEYS.contains(key)
        || (key.startsWith(KAFKA_PROPERTY_PREFIX) && key.length() > KAFKA_PROPERTY_PREFIX.length());
  }
}
