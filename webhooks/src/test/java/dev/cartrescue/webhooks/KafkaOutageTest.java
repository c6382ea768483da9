package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.KafkaBrokerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka that cannot take a notification gives 503, and Meta's retry, once Kafka is back, is
 * accepted: nothing is lost. The broker runs in a process of its own, which the test stops and
 * starts again on the same port.
 */
class KafkaOutageTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path directory;

  private static KafkaBrokerProcess broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBrokerProcess.start(directory);
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void answers503WhileKafkaIsDownAndAcceptsMetasRetryOnceItIsBack() {
    String topic = "outage";
    Topic.create(broker.bootstrapServers(), topic);
    try (WebhookReceiver receiver = WebhookReceiver.start(options(topic, Map.of()))) {
      Meta meta = new Meta(receiver.url());
      byte[] before = Notifications.statuses("wamid.before-outage");
      assertThat(meta.post(before)).isEqualTo(200);

      broker.stop();
      byte[] during = Notifications.statuses("wamid.during-outage");
      String signature = Notifications.signed(during);
      assertThat(meta.post(during, signature)).isEqualTo(503);
      assertThat(meta.get("/healthz").statusCode()).isEqualTo(503);
      assertThat(meta.get("/metrics").body())
          .contains("\ncart_rescue_webhooks_rejected_total{cause=\"kafka\"} 1\n")
          .contains("\ncart_rescue_webhooks_accepted_total 1\n");

      broker.restart();
      // Meta sends the same bytes with the same signature again, until it gets a 200.
      int retries = retryUntilAccepted(meta, during, signature);

      assertThat(meta.get("/healthz").statusCode()).isEqualTo(200);
      List<byte[]> values = values(topic);
      assertThat(values).as("the first record").first().isEqualTo(before);
      assertThat(values.subList(1, values.size()))
          .as("after %d retries: the retried notification, once or more, and nothing else", retries)
          .isNotEmpty()
          .allSatisfy(v -> assertThat(v).isEqualTo(during));
    }
  }

  @Test
  void answersEveryRequestInFlightWhenClosed() throws Exception {
    String topic = "in-flight";
    Topic.create(broker.bootstrapServers(), topic);
    // The producer gives up well within the receiver's grace period.
    WebhookReceiver receiver =
        WebhookReceiver.start(
            options(
                topic,
                Map.of(
                    "kafka.property.delivery.timeout.ms", "1500",
                    "kafka.property.request.timeout.ms", "1000")));
    Meta meta = new Meta(receiver.url());
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    broker.stop();
    try {
      // Waiting for a Kafka that is down: in flight until the producer gives up on them.
      for (int i = 0; i < 4; i++) {
        byte[] body = Notifications.statuses("wamid.in-flight-" + i);
        answers.add(CompletableFuture.supplyAsync(() -> meta.post(body)));
      }
      while (receiver.inFlight() < answers.size()) {
        Thread.sleep(10);
      }
      receiver.close();
    } finally {
      broker.restart();
    }

    // Each one got its answer, none a reset connection: 503, as Kafka never took them.
    for (CompletableFuture<Integer> answer : answers) {
      assertThat(answer.get()).isEqualTo(503);
    }
  }

  private static int retryUntilAccepted(Meta meta, byte[] body, String signature) {
    for (int attempt = 1; attempt <= 20; attempt++) {
      if (meta.post(body, signature) == 200) {
        return attempt;
      }
    }
    throw new AssertionError("Meta's retries were still refused after Kafka came back");
  }

  private static List<byte[]> values(String topic) {
    return Topic.readAll(broker.bootstrapServers(), topic).stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  private static ReceiverOptions options(String topic, Map<String, String> more) {
    Map<String, String> keys = new java.util.HashMap<>(more);
    keys.put("kafka.bootstrap-servers", broker.bootstrapServers());
    keys.put("webhooks.port", "0");
    keys.put("topic.webhooks", topic);
    return ReceiverOptions.of(keys, Notifications.APP_SECRET, Notifications.VERIFY_TOKEN);
  }
}
