package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades: the job is stopped with a savepoint, changed (another parallelism, another option) and
 * restored from it with its state intact. Every stateful operator has a stable uid and the maximum
 * parallelism is fixed, which is what makes this work.
 */
class UpgradeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "upgrade-token";

  private static EmbeddedKafka kafka;
  private static CloudApiSimulator cloudApi;

  @TempDir static Path temp;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    cloudApi = CloudApiSimulator.start(0, TOKEN);
    kafka.createTopics(
        2,
        "clickstream",
        "contacts",
        "whatsapp-cart-recovery-capping",
        "cart-recovery-outcomes",
        "cart-recovery-dead-letter");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cloudApi != null) {
      cloudApi.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aSavepointRestoresIntoAChangedJobWithItsStateIntact() throws Exception {
    long now = System.currentTimeMillis();
    profile("c-before", now - 60_000);
    profile("c-later", now - 60_000);
    addToCart("c-before", "k-1", now - 30_000);

    JobClient v1 = start(1, "80");
    awaitOutcomes(1);
    String savepoint =
        v1.stopWithSavepoint(
                false, temp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
            .get();

    // While the job is down: a cart for a contact whose profile only the restored state knows
    // (its offsets are committed in the savepoint), and a new cart for the contact just messaged.
    long later = System.currentTimeMillis();
    addToCart("c-later", "k-2", later - 5_000);
    addToCart("c-before", "k-3", later - 5_000);

    JobClient v2 = start(2, "40", "--restore-from", savepoint);
    try {
      List<JsonNode> outcomes = awaitOutcomes(3);
      assertThat(outcomes)
          .extracting(o -> o.get("cart_id").asText() + " " + outcomeOf(o))
          .containsExactlyInAnyOrder("k-1 sent", "k-2 sent", "k-3 capped");
      assertThat(cloudApi.received()).hasSize(2);
    } finally {
      v2.cancel().get();
    }
  }

  private static JobClient start(int parallelism, String rateLimit, String... more)
      throws Exception {
    Path token = Files.writeString(temp.resolve("token"), TOKEN);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kafka.bootstrap-servers",
                kafka.bootstrapServers(),
                "--kafka.group-id",
                "upgrade",
                "--rule.abandon-after",
                "PT3S",
                "--watermark.out-of-orderness",
                "PT1S",
                "--watermark.idle-advance",
                "PT2S",
                "--whatsapp.base-url",
                cloudApi.baseUrl(),
                "--whatsapp.phone-number-id",
                "42",
                "--whatsapp.access-token-file",
                token.toString(),
                "--whatsapp.rate-limit",
                rateLimit,
                "--checkpoint.interval",
                "PT1S",
                "--checkpoint.dir",
                temp.resolve("checkpoints").toUri().toString(),
                "--parallelism",
                String.valueOf(parallelism)));
    args.addAll(List.of(more));
    Configuration noWebUi = new Configuration();
    noWebUi.setString("rest.port", "0");
    return CartRescueJob.start(CartRescueOptions.parse(args.toArray(String[]::new)), noWebUi);
  }

  private static List<JsonNode> awaitOutcomes(int expected) throws Exception {
    long until = System.currentTimeMillis() + 90_000;
    List<JsonNode> outcomes = outcomes();
    while (outcomes.size() < expected && System.currentTimeMillis() < until) {
      Thread.sleep(500);
      outcomes = outcomes();
    }
    Thread.sleep(1500);
    return outcomes();
  }

  private static List<JsonNode> outcomes() throws Exception {
    List<JsonNode> values = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll("cart-recovery-outcomes")) {
      values.add(JSON.readTree(r.value()));
    }
    return values;
  }

  private static String outcomeOf(JsonNode o) {
    return o.get("outcome").asText().equals("sent") ? "sent" : o.get("reason").asText();
  }

  private static void profile(String contact, long at) {
    kafka.send(
        "contacts",
        contact,
        ("{\"contact_id\":\"%s\",\"phone_number\":\"0612345%03d\",\"whatsapp_code\":\"33\","
                + "\"whatsapp_consent\":true,\"updated_at\":\"%s\"}")
            .formatted(contact, Math.abs(contact.hashCode() % 1000), Instant.ofEpochMilli(at)),
        at);
  }

  private static void addToCart(String contact, String cart, long at) {
    kafka.send(
        "clickstream",
        contact,
        ("{\"type\":\"add_to_cart\",\"contact_id\":\"%s\",\"timestamp\":%d,\"cart_id\":\"%s\","
                + "\"product\":{\"id\":\"sku-1\",\"name\":\"Trail shoe\"}}")
            .formatted(contact, at, cart),
        at);
  }
}
