package dev.cartrescue.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  private static final Map<String, String> SASL =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"secret\";");

  @Test
  void givesEveryClientTheBootstrapServersAndThePassThroughProperties() {
    var settings =
        new KafkaSettings(
            "k1:9092,k2:9092", "cart-rescue", KafkaSettings.StartingOffsets.COMMITTED, SASL);

    assertThat(settings.clientProperties())
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsKey("sasl.jaas.config")
        .hasSize(3);
  }

  @Test
  void letsTheBootstrapServersOptionWinOverAPassThroughOne() {
    var settings =
        new KafkaSettings(
            "k1:9092",
            "g",
            KafkaSettings.StartingOffsets.EARLIEST,
            Map.of("bootstrap.servers", "other:9092"));

    assertThat(settings.clientProperties()).containsEntry("bootstrap.servers", "k1:9092");
  }

  @Test
  void keepsItsPropertiesToItself() {
    Map<String, String> props = new HashMap<>(SASL);
    var settings = new KafkaSettings("k1:9092", "g", KafkaSettings.StartingOffsets.LATEST, props);
    props.put("acks", "0");

    assertThat(settings.properties()).doesNotContainKey("acks");
    assertThatThrownBy(() -> settings.properties().put("acks", "0"))
        .isInstanceOf(UnsupportedOperationException.class);
    settings.clientProperties().put("acks", "0");
    assertThat(settings.clientProperties()).doesNotContainKey("acks");
  }

  @Test
  void neverShowsPropertyValuesInItsDescription() {
    var settings = new KafkaSettings("k1:9092", "g", KafkaSettings.StartingOffsets.COMMITTED, SASL);

    assertThat(settings.toString()).contains("sasl.jaas.config").doesNotContain("secret");
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    var settings = new KafkaSettings("k1:9092", "g", KafkaSettings.StartingOffsets.COMMITTED, SASL);

    byte[] bytes = InstantiationUtil.serializeObject(settings);
    KafkaSettings copy = InstantiationUtil.deserializeObject(bytes, getClass().getClassLoader());

    assertThat(copy).isEqualTo(settings);
  }

  @Test
  void requiresBootstrapServersAndAGroup() {
    assertThatThrownBy(
            () -> new KafkaSettings(" ", "g", KafkaSettings.StartingOffsets.COMMITTED, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new KafkaSettings("k:9092", "", KafkaSettings.StartingOffsets.COMMITTED, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
