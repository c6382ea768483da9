package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CloudApiSettingsTest {

  @Test
  void defaultsToMetasGraphApiAtEightyMessagesPerSecond() {
    CloudApiSettings settings = CloudApiSettings.builder().phoneNumberId("106540352242922").build();

    assertThat(settings.sendUri())
        .isEqualTo(URI.create("https://graph.facebook.com/v24.0/106540352242922/messages"));
    assertThat(settings.endpoint()).isEqualTo(CloudApiSettings.Endpoint.MESSAGES);
    assertThat(settings.productPolicy())
        .isEqualTo(CloudApiSettings.ProductPolicy.CLOUD_API_FALLBACK);
    assertThat(settings.rateLimitPerSecond()).isEqualTo(80);
    assertThat(settings.accessTokenFile()).isNull();
  }

  @Test
  void sendsToTheMarketingMessagesApiWhenToldTo() {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .phoneNumberId("106540352242922")
            .endpoint(CloudApiSettings.Endpoint.MARKETING_MESSAGES)
            .productPolicy(CloudApiSettings.ProductPolicy.STRICT)
            .build();

    assertThat(settings.sendUri())
        .isEqualTo(
            URI.create("https://graph.facebook.com/v24.0/106540352242922/marketing_messages"));
    assertThat(settings.productPolicy()).isEqualTo(CloudApiSettings.ProductPolicy.STRICT);
  }

  @Test
  void ignoresATrailingSlashInTheBaseUrl() {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .baseUrl("http://127.0.0.1:8080/")
            .apiVersion("v24.0")
            .phoneNumberId("1065")
            .build();

    assertThat(settings.sendUri())
        .isEqualTo(URI.create("http://127.0.0.1:8080/v24.0/1065/messages"));
  }

  static java.util.stream.Stream<UnaryOperator<CloudApiSettings.Builder>> invalidSettings() {
    return java.util.stream.Stream.of(
        b -> b.phoneNumberId(null),
        b -> b.phoneNumberId("10/65"),
        b -> b.baseUrl("graph.facebook.com"),
        b -> b.baseUrl("ftp://graph.facebook.com"),
        b -> b.apiVersion("23"),
        b -> b.accessTokenFile(" "),
        b -> b.endpoint(null),
        b -> b.productPolicy(null),
        b -> b.rateLimitPerSecond(0),
        b -> b.rateLimitPerSecond(Double.NaN),
        b -> b.connectTimeout(Duration.ZERO),
        b -> b.responseTimeout(null),
        b -> b.retryFor(Duration.ofSeconds(-1)),
        b -> b.initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)));
  }

  @ParameterizedTest
  @MethodSource("invalidSettings")
  void refusesInvalidSettingsWhenBuilt(UnaryOperator<CloudApiSettings.Builder> change) {
    CloudApiSettings.Builder builder = CloudApiSettings.builder().phoneNumberId("1065");

    assertThatThrownBy(() -> change.apply(builder).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .phoneNumberId("1065")
            .accessTokenFile("/run/secrets/whatsapp-token")
            .retryFor(Duration.ofMinutes(2))
            .build();

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(settings);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(settings);
    }
  }
}
