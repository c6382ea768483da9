package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.connectors.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/contract.md §5: the options table, --config FILE, and one clear line for a bad option. */
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
    assertThat(o.checkpointDir).startsWith("file:");
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
    assertThatThrownBy(() -> parse("--rule.abandon-after", "1 hour"))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith("option --rule.abandon-after: '1 hour' is not");
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
        .hasMessage("unknown option --rule.abandon-afer");
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

  private static CartRescueOptions parse(String... more) {
    String[] all = new String[REQUIRED.length + more.length];
    System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
    System.arraycopy(more, 0, all, REQUIRED.length, more.length);
    return CartRescueOptions.parse(all);
  }
}
