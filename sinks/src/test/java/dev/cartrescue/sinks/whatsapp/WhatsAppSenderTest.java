package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WhatsAppSenderTest {

  @Test
  void sizesTheConnectionsForTheRateTimesTheLatencyPlusASecondWithinBounds() {
    assertThat(WhatsAppSender.connections(settings(80))).isEqualTo(160);
    assertThat(WhatsAppSender.connections(settings(1))).isEqualTo(10);
    assertThat(WhatsAppSender.connections(settings(5000))).isEqualTo(1000);
    CloudApiSettings slow =
        CloudApiSettings.builder()
            .phoneNumberId("1065")
            .rateLimitPerSecond(80)
            .expectedLatency(Duration.ofSeconds(3))
            .build();
    assertThat(WhatsAppSender.connections(slow)).isEqualTo(320);
  }

  @Test
  void givesTheQueueFiveMinutesOfTheRateBeyondTheConnectionsWithinBounds() {
    assertThat(WhatsAppSender.capacity(settings(80))).isEqualTo(160 + 80 * 300);
    assertThat(WhatsAppSender.capacity(settings(1))).isEqualTo(10 + 300);
    assertThat(WhatsAppSender.capacity(settings(1000))).isEqualTo(50_000);
  }

  @Test
  void letsTheOperatorTimeoutOutlastRetriesAndTheLastAttempt() {
    CloudApiSettings settings = settings(80);

    assertThat(WhatsAppSender.operatorTimeout(settings))
        .isGreaterThan(
            settings
                .retryFor()
                .plus(settings.connectTimeout())
                .plus(settings.responseTimeout())
                .plus(Duration.ofSeconds(1)));
  }

  private static CloudApiSettings settings(double rate) {
    return CloudApiSettings.builder().phoneNumberId("1065").rateLimitPerSecond(rate).build();
  }
}
