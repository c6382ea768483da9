package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

/** The rule of {@link Secrets}: which option values never reach a log line. */
class SecretsTest {
  @Test
  void kafkasAndSchemaRegistrysSecretsAreMasked() {
    assertThat(
            List.of(
                "kafka.property.sasl.jaas.config",
                "kafka.property.ssl.key.password",
                "kafka.property.ssl.keystore.password",
                "kafka.property.ssl.truststore.password",
                "kafka.property.ssl.keystore.key",
                "kafka.property.basic.auth.user.info",
                "kafka.property.sasl.oauthbearer.client.credentials.client.secret",
                "kafka.property.sasl.login.passwd",
                "kafka.property.schema.registry.api.key",
                "kafka.property.SSL.KEY.PASSWORD"))
        .allSatisfy(key -> assertThat(Secrets.isSecret(key)).as(key).isTrue());
  }

  @Test
  void whatIsNoSecretStaysReadable() {
    assertThat(
            List.of(
                "kafka.property.key.deserializer",
                "kafka.property.key.serializer",
                "kafka.property.security.protocol",
                "kafka.property.sasl.mechanism",
                "kafka.property.ssl.truststore.location",
                "kafka.property.ssl.keystore.type",
                "kafka.bootstrap-servers",
                "whatsapp.phone-number-id",
                "checkpoint.dir"))
        .allSatisfy(key -> assertThat(Secrets.isSecret(key)).as(key).isFalse());
  }

  /** Whatever Flink hides in its own UI and logs, the job hides too. */
  @Test
  void everythingFlinkHidesIsMasked() {
    List<String> flinkSensitive =
        List.of(
            "password",
            "secret",
            "fs.azure.account.key",
            "apikey",
            "api-key",
            "auth-params",
            "service-key",
            "token",
            "basic-auth",
            "jaas.config",
            "http-headers");
    for (String word : flinkSensitive) {
      String key = "kafka.property.some." + word;
      assertThat(GlobalConfiguration.isSensitive(key)).as("Flink hides %s", key).isTrue();
      assertThat(Secrets.isSecret(key)).as(key).isTrue();
    }
  }

  @Test
  void aMaskedValueIsFourStars() {
    assertThat(Secrets.shown("kafka.property.ssl.key.password", "keypass")).isEqualTo("****");
    assertThat(Secrets.shown("kafka.property.security.protocol", "SSL")).isEqualTo("SSL");
  }
}
