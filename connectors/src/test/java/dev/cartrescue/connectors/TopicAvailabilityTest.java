package dev.cartrescue.connectors;

import static dev.cartrescue.connectors.KafkaSettings.StartingOffsets.COMMITTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TopicAvailabilityTest {

  @Test
  void confirmsATopicWhileTheBrokerServesItAndNotAfter() throws InterruptedException {
    BooleanSupplier available;
    BooleanSupplier missing;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(2, "served");
      KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "g", COMMITTED, null);
      available = TopicAvailability.of(settings, "served");
      missing = TopicAvailability.of(settings, "never-created");

      assertThat(available.getAsBoolean()).as("before the first answer").isFalse();
      assertThat(await(available, true)).as("confirmed").isTrue();
      assertThat(missing.getAsBoolean()).as("a topic that does not exist").isFalse();
    }
    // The broker is gone: the confirmation runs out.
    assertThat(await(available, false)).as("unavailable once the broker stopped").isTrue();
  }

  private static boolean await(BooleanSupplier available, boolean expected)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      if (available.getAsBoolean() == expected) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}
