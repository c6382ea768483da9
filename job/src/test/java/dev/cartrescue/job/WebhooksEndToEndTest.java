package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What WhatsApp tells back, through a real broker (docs/webhooks.md): Meta's notifications written
 * to the webhooks topic as the receiver writes them, the job's delivery statuses and consent
 * changes read from their topics. One story: a cart is sent; its statuses come back re-delivered
 * and out of order; the customer answers "Arrêt" in French; their next cart is not sent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksEndToEndTest {
  private static final String TOKEN = "webhooks-e2e-token";
  private static final String ANNA = "c-anna";
  private static final String ANNAS_NUMBER = "33612345678";
  private static final long SECOND = 1000;

  private static JobUnderTest job;

  @TempDir static Path temp;

  @BeforeAll
  static void startTheJob() throws Exception {
    job = JobUnderTest.create(temp, TOKEN, 2);
    // So that the next cart is decided by consent, not by the capping of the first one.
    job.set("rule.capping-period", "PT1S");
    job.start();
  }

  @AfterAll
  static void stopTheJob() throws Exception {
    if (job != null) {
      job.close();
    }
  }

  @Test
  @Order(1)
  void statusesBecomeDeliveriesOnceAndAStopReplyWithdrawsConsent() throws Exception {
    long now = System.currentTimeMillis();
    job.write(
        ShopRecords.profile(ANNA)
            .phone("33", "06 12 34 56 78")
            .consent(true)
            .firstName("Anna")
            .language("fr")
            .updatedAt(now - 60 * SECOND));
    job.write(
        ShopRecords.addToCart(ANNA, "k-1", now).product("sku-1", "Trail shoe", 89.9, "EUR", 1));

    JsonNode sent = job.awaitOutcome(o -> o.get("cart_id").asText().equals("k-1"));
    assertThat(sent.get("outcome").asText()).isEqualTo("sent");
    String messageId = sent.get("message_id").asText();
    ReceivedMessage message =
        job.cloudApi().received().stream()
            .filter(m -> m.messageId().equals(messageId))
            .findFirst()
            .orElseThrow();
    String callback = message.body().get("biz_opaque_callback_data").asText();

    long seconds = System.currentTimeMillis() / 1000;
    String sentStatus = status(messageId, "sent", seconds, callback);
    notify(sentStatus);
    notify(status(messageId, "read", seconds + 2, callback));
    notify(status(messageId, "delivered", seconds + 1, null)); // matched by message id
    notify(sentStatus); // Meta re-delivers
    String payload = message.quickReplyPayload();
    String tap =
        userMessage(
            "wamid.tap",
            seconds + 2,
            "\"type\":\"button\",\"button\":{\"payload\":\""
                + payload
                + "\",\"text\":\"Chat with an advisor\"},\"context\":{\"id\":\""
                + messageId
                + "\"}");
    notify(tap);
    notify(tap); // Meta re-delivers
    notify(
        userMessage(
            "wamid.question",
            seconds + 2,
            "\"type\":\"text\",\"text\":{\"body\":\"Elle existe en 43 ?\"},\"context\":{\"id\":\""
                + messageId
                + "\"}"));
    notify(
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[{\"field\":"
            + "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"wa_id\":\""
            + ANNAS_NUMBER
            + "\"}],\"messages\":[{\"from\":\""
            + ANNAS_NUMBER
            + "\",\"id\":\"wamid.stop\",\"timestamp\":\""
            + (seconds + 3)
            + "\",\"type\":\"text\",\"text\":{\"body\":\"Arrêt\"},\"context\":{\"id\":\""
            + messageId
            + "\"}}]}}]}]}");
    notify("{\"object\":\"whatsapp_business_account\",\"entry\":\"not a list\"}");

    List<JsonNode> deliveries = await(() -> job.deliveries(), 3);
    assertThat(deliveries)
        .extracting(d -> d.get("cart_id").asText() + " " + d.get("status").asText())
        .containsExactlyInAnyOrder("k-1 sent", "k-1 read", "k-1 delivered");
    assertThat(deliveries).allMatch(d -> d.get("message_id").asText().equals(messageId));
    assertThat(deliveries).allMatch(d -> d.get("deadline").equals(sent.get("deadline")));

    List<JsonNode> changes =
        await(
            () ->
                job.consentChanges().stream()
                    .filter(c -> c.get("contact_id").asText().equals(ANNA))
                    .toList(),
            1);
    assertThat(changes)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.get("contact_id").asText()).isEqualTo(ANNA);
              assertThat(c.get("phone").asText()).isEqualTo("+" + ANNAS_NUMBER);
              assertThat(c.get("whatsapp_consent").asBoolean()).isFalse();
              assertThat(c.get("source").asText()).isEqualTo("stop_reply");
            });
    assertThat(job.deadLetters())
        .anySatisfy(d -> assertThat(d.get("reason").asText()).contains("entry"));
    List<JsonNode> handoffs = await(() -> job.handoffs(), 2);
    assertThat(handoffs)
        .extracting(h -> h.get("handoff_id").asText() + " " + h.path("text").asText("-"))
        .containsExactlyInAnyOrder("wamid.tap -", "wamid.question Elle existe en 43 ?");
    assertThat(handoffs)
        .allSatisfy(
            h -> {
              assertThat(h.get("contact_id").asText()).isEqualTo(ANNA);
              assertThat(h.get("phone").asText()).isEqualTo("+" + ANNAS_NUMBER);
              assertThat(h.get("first_name").asText()).isEqualTo("Anna");
              assertThat(h.get("language").asText()).isEqualTo("fr");
              assertThat(h.get("cart_id").asText()).isEqualTo("k-1");
              assertThat(h.get("message_id").asText()).isEqualTo(messageId);
              assertThat(h.get("items").toString())
                  .isEqualTo("[{\"name\":\"Trail shoe\",\"quantity\":1}]");
            });

    // The next cart, after the stop: no message.
    long later = Math.max(System.currentTimeMillis(), (seconds + 4) * 1000);
    job.write(
        ShopRecords.addToCart(ANNA, "k-2", later).product("sku-2", "Rain jacket", 9, "EUR", 1));
    JsonNode next = job.awaitOutcome(o -> o.get("cart_id").asText().equals("k-2"));
    assertThat(JobUnderTest.sentOrReason(next)).isEqualTo("no_consent");
    assertThat(job.cloudApi().received()).hasSize(1);
  }

  /** Last: it restarts the job from the latest offsets. */
  @Test
  @Order(2)
  void aStopIsMatchedByAProfileWrittenBeforeTheOffsetsTheJobStartsFrom() throws Exception {
    long now = System.currentTimeMillis();
    job.write(
        ShopRecords.profile("c-bruno")
            .phone("33", "06 98 76 54 32")
            .consent(true)
            .language("fr")
            .updatedAt(now - 60 * SECOND));
    // A job that reads the contacts from their end (as after an upgrade from a savepoint taken
    // once this profile was read): the numbers are read from the start of the topic all the same.
    job.cancel();
    job.start("--kafka.group-id", "webhooks-e2e-latest", "--kafka.starting-offsets", "latest");
    String stop =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[{\"field\":"
            + "\"user_preferences\",\"value\":{\"messaging_product\":\"whatsapp\",\"user_preferences\":"
            + "[{\"wa_id\":\"33698765432\",\"category\":\"marketing_messages\",\"value\":\"stop\","
            + "\"timestamp\":"
            + (System.currentTimeMillis() / 1000 + 1)
            + "}]}}]}]}";
    // A source starting from the latest offsets may take its position after a first post: post
    // again until heard, as Meta re-delivers what it is not sure of. The job writes it once.
    Supplier<List<JsonNode>> brunos =
        () ->
            job.consentChanges().stream()
                .filter(c -> c.get("contact_id").asText().equals("c-bruno"))
                .toList();
    long deadline = System.nanoTime() + JobUnderTest.PATIENCE.toNanos();
    while (brunos.get().isEmpty() && System.nanoTime() - deadline < 0) {
      notify(stop);
      Thread.sleep(2_000);
    }
    List<JsonNode> changes = await(brunos, 1);
    assertThat(changes)
        .singleElement()
        .satisfies(c -> assertThat(c.get("source").asText()).isEqualTo("user_preferences"));
  }

  private static void notify(String json) {
    job.kafka().send(job.topic("webhooks"), null, json);
  }

  private static String status(String messageId, String status, long seconds, String callback) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[{\"field\":"
        + "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
        + "{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},"
        + "\"statuses\":[{\"id\":\""
        + messageId
        + "\",\"status\":\""
        + status
        + "\",\"timestamp\":\""
        + seconds
        + "\",\"recipient_id\":\""
        + ANNAS_NUMBER
        + "\""
        + (callback == null ? "" : ",\"biz_opaque_callback_data\":\"" + callback + "\"")
        + ",\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"marketing\"}}]}}]}]}";
  }

  /**
   * What {@code read} gives once it holds {@code count} records, a little longer for duplicates.
   */
  private static List<JsonNode> await(Supplier<List<JsonNode>> read, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + JobUnderTest.PATIENCE.toNanos();
    while (read.get().size() < count && System.nanoTime() - deadline < 0) {
      Thread.sleep(200);
    }
    Thread.sleep(Duration.ofSeconds(3).toMillis());
    return read.get();
  }

  /** A notification with one message from Anna; {@code fields} after {@code from}, id and time. */
  private static String userMessage(String id, long seconds, String fields) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":[{\"field\":"
        + "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"wa_id\":\""
        + ANNAS_NUMBER
        + "\"}],\"messages\":[{\"from\":\""
        + ANNAS_NUMBER
        + "\",\"id\":\""
        + id
        + "\",\"timestamp\":\""
        + seconds
        + "\","
        + fields
        + "}]}}]}]}";
  }
}
