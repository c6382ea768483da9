package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cartrescue.connectors.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/contract.md §5: the options table, --config FILE, the cluster's configuration, and one clear
 * line for a bad option.
 */
class CartRescueOptionsTest {
  private static final String[] REQUIRED = {
    "--kafka.bootstrap-servers", "localhost:9092", "--whatsapp.phone-number-id", "1234"
  };

  @TempDir Path temp;

  @Test
  void everyDefaultIsTheContracts() {
    CartRescueOptions o = CartRescueOptions.parse(REQUIRED);
    assertThat(o.kafka.groupId()).isEqualTo("cart-rescue");
    assertThat(o.kafka.startingOffsets()).isEqualTo(KafkaSettings.StartingOffsets.COMMITTED);
    assertThat(o.clickstreamTopic).isEqualTo("clickstream");
    assertThat(o.contactsTopic).isEqualTo("contacts");
    assertThat(o.cappingTopic).isEqualTo("whatsapp-cart-recovery-capping");
    assertThat(o.outcomesTopic).isEqualTo("cart-recovery-outcomes");
    assertThat(o.deadLetterTopic).isEqualTo("cart-recovery-dead-letter");
    assertThat(o.rule.abandonAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(o.rule.recentPurchase()).isEqualTo(Duration.ofHours(24));
    assertThat(o.rule.cappingPeriod()).isEqualTo(Duration.ofDays(3));
    assertThat(o.rule.maxSendDelay()).isEqualTo(Duration.ofHours(6));
    assertThat(o.rule.blockedRegions()).containsExactly("US");
    assertThat(o.rule.defaultLanguage()).isEqualTo("en");
    assertThat(o.outOfOrderness).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.idleAdvance).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.whatsapp.baseUrl()).isEqualTo("https://graph.facebook.com");
    assertThat(o.whatsapp.apiVersion()).matches("v\\d+\\.0");
    assertThat(o.whatsapp.rateLimitPerSecond()).isEqualTo(80.0);
    assertThat(o.whatsapp.accessTokenFile()).isNull();
    assertThat(o.templateName).isEqualTo("cart_advisor_help");
    assertThat(o.checkpointInterval).isEqualTo(Duration.ofSeconds(10));
    // The cluster's execution.checkpointing.dir; ./cart-rescue run's is
    // FlinkSettings.localDefaults'.
    assertThat(o.checkpointDir).isNull();
    assertThat(o.restoreFrom).isNull();
    assertThat(o.webUiPort).isEqualTo(8081);
  }

  @Test
  void offDisablesMaxSendDelayAndIdleAdvance() {
    CartRescueOptions o = parse("--rule.max-send-delay", "off", "--watermark.idle-advance", "OFF");
    assertThat(o.rule.maxSendDelay()).isNull();
    assertThat(o.idleAdvance).isNull();
  }

  @Test
  void kafkaPropertiesArePassedThrough() {
    CartRescueOptions o =
        parse(
            "--kafka.property.security.protocol",
            "SASL_SSL",
            "--kafka.starting-offsets",
            "earliest");
    assertThat(o.kafka.properties()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(o.kafka.startingOffsets()).isEqualTo(KafkaSettings.StartingOffsets.EARLIEST);
  }

  @Test
  void blockedRegionsAreACommaSeparatedListAndMayBeEmpty() {
    assertThat(parse("--whatsapp.blocked-regions", "us, ca").rule.blockedRegions())
        .isEqualTo(Set.of("US", "CA"));
    assertThat(parse("--whatsapp.blocked-regions", "").rule.blockedRegions()).isEmpty();
  }

  @Test
  void aConfigFileGivesTheSameKeysAndFlagsOverrideIt() throws Exception {
    Path config = temp.resolve("cart-rescue.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka.bootstrap-servers: broker:9092",
            "whatsapp:",
            "  phone-number-id: \"555\"",
            "  rate-limit: 20",
            "rule.abandon-after: PT30M",
            "kafka.property.sasl.mechanism: PLAIN",
            ""));
    CartRescueOptions o =
        CartRescueOptions.parse("--config", config.toString(), "--whatsapp.rate-limit", "5");
    assertThat(o.kafka.bootstrapServers()).isEqualTo("broker:9092");
    assertThat(o.whatsapp.phoneNumberId()).isEqualTo("555");
    assertThat(o.whatsapp.rateLimitPerSecond()).isEqualTo(5.0);
    assertThat(o.rule.abandonAfter()).isEqualTo(Duration.ofMinutes(30));
    assertThat(o.kafka.properties()).containsEntry("sasl.mechanism", "PLAIN");
  }

  @Test
  void aMissingRequiredOptionIsOneLineNamingIt() {
    assertThatThrownBy(() -> CartRescueOptions.parse("--whatsapp.phone-number-id", "1"))
        .isInstanceOf(OptionsException.class)
        .hasMessage("option --kafka.bootstrap-servers is required");
    assertThatThrownBy(() -> CartRescueOptions.parse("--kafka.bootstrap-servers", "k:9092"))
        .hasMessage("option --whatsapp.phone-number-id is required");
  }

  @Test
  void aValueThatDoesNotParseIsOneLineNamingTheOption() {
    assertThatThrownBy(() -> parse("--rule.abandon-after", "an hour"))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith("option --rule.abandon-after: 'an hour' is not");
    assertThatThrownBy(() -> parse("--whatsapp.rate-limit", "-3"))
        .hasMessageStartingWith("option --whatsapp.rate-limit:");
    assertThatThrownBy(() -> parse("--kafka.starting-offsets", "newest"))
        .hasMessageStartingWith("option --kafka.starting-offsets:");
    assertThatThrownBy(() -> parse("--whatsapp.blocked-regions", "USA"))
        .hasMessageStartingWith("option --whatsapp.blocked-regions:");
    assertThatThrownBy(() -> parse("--whatsapp.base-url", "graph.facebook.com"))
        .hasMessageStartingWith("option --whatsapp.base-url:");
    assertThatThrownBy(() -> parse("--rule.max-send-delay", "never"))
        .hasMessageStartingWith("option --rule.max-send-delay:");
    assertThatThrownBy(() -> parse("--checkpoint.interval", "PT0S"))
        .hasMessageStartingWith("option --checkpoint.interval:");
  }

  @Test
  void anUnknownOptionIsRefusedAndATokenNeverTakenFromArguments() {
    assertThatThrownBy(() -> parse("--rule.abandon-afer", "PT1H"))
        .hasMessage("unknown option --rule.abandon-afer; did you mean --rule.abandon-after?");
    assertThatThrownBy(() -> parse("--whatsapp.access-token", "EAAB..."))
        .hasMessageStartingWith("unknown option --whatsapp.access-token")
        .hasMessageContaining("WHATSAPP_ACCESS_TOKEN")
        .hasMessageNotContaining("EAAB");
  }

  @Test
  void anUnreadableConfigFileIsOneLine() {
    assertThatThrownBy(() -> CartRescueOptions.parse("--config", "/nonexistent/cart-rescue.yaml"))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith("option --config: cannot read")
        .hasMessageNotContaining("\n");
  }

  /** Flink's duration syntax beside ISO-8601, for every duration option. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "rule.abandon-after",
        "rule.recent-purchase",
        "rule.capping-period",
        "rule.max-send-delay",
        "watermark.out-of-orderness",
        "watermark.idle-advance",
        "whatsapp.retry-for",
        "whatsapp.connect-timeout",
        "whatsapp.response-timeout",
        "checkpoint.interval"
      })
  void everyDurationTakesFlinksSyntaxAndIso8601(String key) {
    Map<String, Duration> spellings =
        Map.of(
            "90 s", Duration.ofSeconds(90),
            "90s", Duration.ofSeconds(90),
            "1h", Duration.ofHours(1),
            "2 min", Duration.ofMinutes(2),
            "1500 ms", Duration.ofMillis(1500),
            "3 d", Duration.ofDays(3),
            "PT1H", Duration.ofHours(1),
            "pt1h30m", Duration.ofMinutes(90),
            "P3D", Duration.ofDays(3));
    spellings.forEach(
        (text, expected) ->
            assertThat(DURATIONS.get(key).apply(parse("--" + key, text)))
                .as("--%s %s", key, text)
                .isEqualTo(expected));
    assertThatThrownBy(() -> parse("--" + key, "-1 h"))
        .hasMessageStartingWith("option --" + key + ": '-1 h' is not");
    assertThatThrownBy(() -> parse("--" + key, "1 fortnight"))
        .hasMessageStartingWith("option --" + key + ": '1 fortnight' is not");
  }

  @Test
  void theDurationOptionsAreExactlyTheDeclaredOnes() {
    assertThat(DURATIONS.keySet())
        .containsExactlyInAnyOrderElementsOf(
            JobOptions.ALL.stream()
                .filter(o -> o.hasDefaultValue() && o.defaultValue() instanceof Duration)
                .map(ConfigOption::key)
                .toList());
  }

  @Test
  void flagsWinOverTheFileWhichWinsOverTheClusterWhichWinsOverTheDefault() throws Exception {
    Path config = temp.resolve("cart-rescue.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "rule.abandon-after: 30 min",
            "rule.recent-purchase: 12 h",
            "kafka.property.sasl.mechanism: SCRAM-SHA-512",
            ""));
    Configuration cluster =
        Configuration.fromMap(
            Map.of(
                "rule.abandon-after", "2 h",
                "rule.recent-purchase", "2 h",
                "rule.capping-period", "2 d",
                "kafka.property.sasl.mechanism", "PLAIN",
                "kafka.property.security.protocol", "SASL_SSL"));
    CartRescueOptions o =
        CartRescueOptions.parse(
            cluster,
            "--kafka.bootstrap-servers",
            "k:9092",
            "--whatsapp.phone-number-id",
            "1",
            "--config",
            config.toString(),
            "--rule.abandon-after=10 min");
    assertThat(o.rule.abandonAfter()).as("flag").isEqualTo(Duration.ofMinutes(10));
    assertThat(o.rule.recentPurchase()).as("file").isEqualTo(Duration.ofHours(12));
    assertThat(o.rule.cappingPeriod()).as("cluster").isEqualTo(Duration.ofDays(2));
    assertThat(o.rule.maxSendDelay()).as("default").isEqualTo(Duration.ofHours(6));
    assertThat(o.kafka.properties())
        .containsExactly(
            entry("sasl.mechanism", "SCRAM-SHA-512"), entry("security.protocol", "SASL_SSL"));
  }

  @Test
  void theClusterConfigurationAloneCanCarryEveryOptionAndItsFlinkKeysAreNotTheJobs() {
    Configuration cluster =
        Configuration.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "broker:9092",
                "whatsapp.phone-number-id", "555",
                "checkpoint.interval", "30 s",
                "execution.checkpointing.interval", "1 min",
                "taskmanager.numberOfTaskSlots", "2",
                "kafka.propertyless", "not the job's"));
    CartRescueOptions o = CartRescueOptions.parse(cluster);
    assertThat(o.kafka.bootstrapServers()).isEqualTo("broker:9092");
    assertThat(o.whatsapp.phoneNumberId()).isEqualTo("555");
    assertThat(o.checkpointInterval).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.isSet(JobOptions.CHECKPOINT_INTERVAL)).isTrue();
    assertThat(o.kafka.properties()).isEmpty();
  }

  @Test
  void anOptionLeftToItsDefaultIsNotSet() {
    CartRescueOptions o = parse();
    assertThat(o.isSet(JobOptions.CHECKPOINT_INTERVAL)).isFalse();
    assertThat(o.isSet(JobOptions.BOOTSTRAP_SERVERS)).isTrue();
    assertThat(parse("--checkpoint.interval", "1 min").isSet(JobOptions.CHECKPOINT_INTERVAL))
        .isTrue();
  }

  @Test
  void anUnknownOptionNamesTheNearestKnownOne() throws Exception {
    assertThatThrownBy(() -> parse("--rule.abandon-aftr", "1h"))
        .isInstanceOf(OptionsException.class)
        .hasMessage("unknown option --rule.abandon-aftr; did you mean --rule.abandon-after?");
    assertThatThrownBy(() -> parse("--kafka.bootstrap.servers", "k:9092"))
        .hasMessage(
            "unknown option --kafka.bootstrap.servers; did you mean --kafka.bootstrap-servers?");
    assertThatThrownBy(() -> parse("--kafka.properties.security.protocol", "SSL"))
        .hasMessage(
            "unknown option --kafka.properties.security.protocol; did you mean"
                + " --kafka.property.security.protocol?");
    assertThatThrownBy(() -> parse("--confg", "x.yaml"))
        .hasMessage("unknown option --confg; did you mean --config?");
    assertThatThrownBy(() -> parse("--colour", "blue")).hasMessage("unknown option --colour");
    Path config = Files.writeString(temp.resolve("typo.yaml"), "whatsapp.templat: x\n");
    assertThatThrownBy(() -> parse("--config", config.toString()))
        .hasMessage("unknown option --whatsapp.templat; did you mean --whatsapp.template?");
  }

  /**
   * The start-up line goes to the JobManager's log, which Flink's REST API serves: no password of a
   * SASL or SSL configuration, nor a schema registry's credentials, may be in it.
   */
  @Test
  void describeMasksEverySecretOfASaslConfiguration() {
    CartRescueOptions o =
        parse(
            "--kafka.property.security.protocol",
            "SASL_SSL",
            "--kafka.property.sasl.mechanism",
            "PLAIN",
            "--kafka.property.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"shop\""
                + " password=\"hunter2\";",
            "--kafka.property.ssl.key.password",
            "keypass",
            "--kafka.property.ssl.keystore.password",
            "storepass",
            "--kafka.property.ssl.keystore.key",
            "-----BEGIN PRIVATE KEY-----",
            "--kafka.property.basic.auth.user.info",
            "shop:registrypass",
            "--kafka.property.key.deserializer",
            "org.apache.kafka.common.serialization.StringDeserializer");
    String line = o.describe();
    assertThat(line)
        .doesNotContain("hunter2", "keypass", "storepass", "PRIVATE KEY", "registrypass", "shop")
        .contains(
            "kafka.property.sasl.jaas.config=****",
            "kafka.property.ssl.key.password=****",
            "kafka.property.ssl.keystore.password=****",
            "kafka.property.ssl.keystore.key=****",
            "kafka.property.basic.auth.user.info=****",
            "kafka.property.security.protocol=SASL_SSL",
            "kafka.property.sasl.mechanism=PLAIN",
            "kafka.property.key.deserializer=org.apache.kafka.common.serialization.StringDeserializer",
            "kafka.bootstrap-servers=localhost:9092",
            "rule.abandon-after=1 h")
        .doesNotContain("checkpoint.interval");
    assertThat(parse("--checkpoint.interval", "30 s").describe())
        .contains("checkpoint.interval=30 s");
  }

  @Test
  void aStrayArgumentThatLooksSecretIsNotEchoed() {
    assertThatThrownBy(
            () -> parse("--kafka.property.sasl.jaas.config", "x", "password=\"hunter2\";"))
        .hasMessage("unexpected argument '****': options are --key value");
  }

  private static final Map<String, Function<CartRescueOptions, Duration>> DURATIONS =
      Map.of(
          "rule.abandon-after", o -> o.rule.abandonAfter(),
          "rule.recent-purchase", o -> o.rule.recentPurchase(),
          "rule.capping-period", o -> o.rule.cappingPeriod(),
          "rule.max-send-delay", o -> o.rule.maxSendDelay(),
          "watermark.out-of-orderness", o -> o.outOfOrderness,
          "watermark.idle-advance", o -> o.idleAdvance,
          "whatsapp.retry-for", o -> o.whatsapp.retryFor(),
          "whatsapp.connect-timeout", o -> o.whatsapp.connectTimeout(),
          "whatsapp.response-timeout", o -> o.whatsapp.responseTimeout(),
          "checkpoint.interval", o -> o.checkpointInterval);

  private static CartRescueOptions parse(String... more) {
    String[] all = new String[REQUIRED.length + more.length];
    System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
    System.arraycopy(more, 0, all, REQUIRED.length, more.length);
    return CartRescueOptions.parse(all);
  }
}
