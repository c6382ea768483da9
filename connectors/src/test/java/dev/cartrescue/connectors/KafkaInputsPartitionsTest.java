package dev.cartrescue.connectors;

import static dev.cartrescue.connectors.KafkaSettings.StartingOffsets.COMMITTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.testkit.EmbeddedKafka;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What the job finds out about its topics at start, and the one line it says when it cannot. */
class KafkaInputsPartitionsTest {

  @Test
  void countsTheTopicsPartitionsAndNamesAMissingTopic() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(3, "three");
      KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "g", COMMITTED, null);
      assertThat(KafkaInputs.partitions(settings, "three")).isEqualTo(3);
      assertThatThrownBy(() -> KafkaInputs.partitions(settings, "never-created"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("topic never-created does not exist");
    }
  }

  @Test
  void aKafkaThatDoesNotAnswerIsOneLineNamingTheOption() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    KafkaSettings settings = new KafkaSettings("localhost:" + port, "g", COMMITTED, null);
    assertThatThrownBy(() -> KafkaInputs.partitions(settings, "clickstream"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Kafka at localhost:"
                + port
                + " did not answer within 15 s (option --kafka.bootstrap-servers)");
  }

  @Test
  void bootstrapServersThatDoNotResolveAreOneLine() {
    KafkaSettings settings = new KafkaSettings("no-such-host.invalid:9092", "g", COMMITTED, null);
    assertThatThrownBy(() -> KafkaInputs.partitions(settings, "clickstream"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot connect to Kafka at no-such-host.invalid:9092: ")
        .message()
        .doesNotContain("\n");
  }
}
