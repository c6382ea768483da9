package dev.cartrescue.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.chatwoot.ChatwootStandIn;
import dev.cartrescue.testkit.chatwoot.StandInConversation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector against a real broker in the JVM and the Chatwoot stand-in over real HTTP. Each
 * test has topics, a consumer group and a stand-in of its own.
 */
class ChatwootConnectorTest {
  private static final String TOKEN = "test-chatwoot-token";
  private static final HandoffLoop.Backoff FAST =
      new HandoffLoop.Backoff(Duration.ofMillis(50), Duration.ofMillis(400));
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedKafka kafka;

  private String handoffs;
  private String deadLetters;
  private String group;
  private ChatwootStandIn chatwoot;
  private ChatwootConnector connector;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeEach
  void startChatwoot() {
    int n = TESTS.incrementAndGet();
    handoffs = "advisor-handoffs-" + n;
    deadLetters = "dead-letters-" + n;
    group = "advisor-" + n;
    kafka.createTopics(1, handoffs, deadLetters);
    chatwoot =
        ChatwootStandIn.builder().apiToken(TOKEN).inbox(4, "WhatsApp").team(7, "Advisors").start();
  }

  @AfterEach
  void stop() {
    if (connector != null) {
      connector.close();
    }
    chatwoot.close();
  }

  @Test
  void notesEachHandoffOnceAndReusesTheContactAndConversationOfTheSamePhone() throws Exception {
    connector = start(group);
    kafka.send(handoffs, "c-1", Handoffs.tap("wamid.tap-1", "c-1", "+33612345678", "cart-1"));
    kafka.send(
        handoffs, "c-1", Handoffs.reply("wamid.tap-2", "c-1", "+33612345678", "Is it linen?"));
    kafka.send(handoffs, "c-2", Handoffs.tap("wamid.tap-3", "c-2", "+4915112345678", "cart-3"));

    await(() -> connector.noted() == 3);

    assertThat(chatwoot.contacts()).hasSize(2);
    List<StandInConversation> conversations = chatwoot.conversations();
    assertThat(conversations).hasSize(2);
    StandInConversation marie = conversations.get(0);
    assertThat(marie.contact().phoneNumber()).isEqualTo("+33612345678");
    assertThat(marie.contact().identifier()).isEqualTo("c-1");
    assertThat(marie.inboxId()).isEqualTo(4);
    assertThat(marie.status()).isEqualTo("open");
    assertThat(marie.teamId()).isEqualTo(7);
    assertThat(marie.labels()).containsExactly(ChatwootHandoff.LABEL);
    assertThat(marie.notes()).hasSize(2);
    String note = marie.notes().get(0).content();
    assertThat(note)
        .contains("Marie")
        .contains("Answer in: fr")
        .contains("https://shop.example/cart/cart-1")
        .contains("2 × Blue linen shirt")
        .contains("1 × (item without a name)")
        .contains("wamid.HBgLMzM2MTIzNDU2NzgVAgARGBIcart-1")
        .contains("2026-12-02 21:05:00 UTC")
        .endsWith(HandoffNote.marker("wamid.tap-1"));
    assertThat(marie.notes().get(1).content()).contains("> Is it linen?");
    assertThat(chatwoot.sentToCustomers()).as("never a message to the customer").isZero();
    awaitCommitted(group, 3);

    String metrics = get("/metrics");
    assertThat(metrics)
        .contains("cart_rescue_advisor_handoffs_noted_total 3")
        .contains("cart_rescue_advisor_handoffs_already_noted_total 0")
        .contains("cart_rescue_advisor_tap_to_note_seconds_count 3")
        .contains("cart_rescue_advisor_chatwoot_retries_total{cause=\"server\"} 0");
    assertThat(get("/healthz")).isEqualTo("ok\n");
  }

  @Test
  void theSameRecordTwiceGivesOneNote() throws Exception {
    connector = start(group);
    String tap = Handoffs.tap("wamid.twice", "c-1", "+33612345678", "cart-1");
    kafka.send(handoffs, "c-1", tap);
    kafka.send(handoffs, "c-1", tap);

    await(() -> connector.noted() + connector.alreadyNoted() == 2);

    assertThat(connector.noted()).isEqualTo(1);
    assertThat(connector.alreadyNoted()).isEqualTo(1);
    assertThat(chatwoot.notesContaining(HandoffNote.marker("wamid.twice"))).hasSize(1);
    awaitCommitted(group, 2);
  }

  @Test
  void aRestartAfterTheNoteButBeforeTheCommitStillGivesOneNote() throws Exception {
    connector = start(group);
    kafka.send(handoffs, "c-1", Handoffs.tap("wamid.restart", "c-1", "+33612345678", "cart-1"));
    await(() -> connector.noted() == 1);
    connector.close();

    // A consumer group with no commit reads the record again, as a connector that stopped between
    // the note and the commit would.
    connector = start(group + "-uncommitted");
    await(() -> connector.alreadyNoted() == 1);

    assertThat(connector.noted()).isZero();
    assertThat(chatwoot.notes()).hasSize(1);
    assertThat(chatwoot.conversations()).hasSize(1);
    awaitCommitted(group + "-uncommitted", 1);
  }

  @Test
  void chatwootAnswering500sIsWaitedForAndNoHandoffIsSkipped() throws Exception {
    chatwoot.failNext(6, 500);
    connector = start(group);
    kafka.send(handoffs, "c-1", Handoffs.tap("wamid.a", "c-1", "+33612345678", "cart-1"));
    kafka.send(handoffs, "c-2", Handoffs.tap("wamid.b", "c-2", "+33698765432", "cart-2"));

    await(() -> connector.noted() == 2);

    assertThat(connector.retries()).isEqualTo(6);
    assertThat(connector.deadLettered()).isZero();
    assertThat(chatwoot.notes()).hasSize(2);
    awaitCommitted(group, 2);
    assertThat(kafka.readAll(deadLetters)).isEmpty();
  }

  @Test
  void aHandoffChatwootRefusesAndAnUnreadableRecordAreDeadLettersWithTheirReasons()
      throws Exception {
    connector = start(group);
    kafka.send(handoffs, "c-1", Handoffs.tap("wamid.bad-phone", "c-1", "+0612", "cart-1"));
    kafka.send(handoffs, "c-2", "{\"handoff_id\": 12");
    kafka.send(handoffs, "c-3", Handoffs.tap("wamid.fine", "c-3", "+33612345678", "cart-3"));

    await(() -> connector.noted() == 1 && connector.deadLettered() == 2);

    List<ConsumerRecord<String, String>> letters = kafka.readAll(deadLetters);
    assertThat(letters).hasSize(2);
    JsonNode refused = JSON.readTree(letters.get(0).value());
    assertThat(refused.path("topic").asText()).isEqualTo(handoffs);
    assertThat(refused.path("partition").asInt()).isZero();
    assertThat(refused.path("offset").asLong()).isZero();
    assertThat(refused.path("reason").asText())
        .startsWith("advisor: Chatwoot refused it: create the contact: HTTP 422")
        .contains("Phone number should be in e164 format");
    assertThat(refused.path("value").asText()).contains("wamid.bad-phone");
    JsonNode unreadable = JSON.readTree(letters.get(1).value());
    assertThat(unreadable.path("offset").asLong()).isEqualTo(1);
    assertThat(unreadable.path("reason").asText())
        .isEqualTo("advisor: unreadable hand-off: not JSON");
    assertThat(letters.get(0).key()).isEqualTo("c-1");
    awaitCommitted(group, 3);
    assertThat(get("/metrics")).contains("cart_rescue_advisor_handoffs_dead_lettered_total 2");
  }

  @Test
  void aWrongTokenIsWaitedForNotDeadLettered() throws Exception {
    connector = ChatwootConnector.start(AdvisorOptions.of(keys(group), "not-the-token"), FAST);
    kafka.send(handoffs, "c-1", Handoffs.tap("wamid.auth", "c-1", "+33612345678", "cart-1"));

    await(() -> connector.retries() >= 3);

    assertThat(connector.deadLettered()).isZero();
    assertThat(connector.noted()).isZero();
    awaitCommitted(group, 0);
  }

  private ChatwootConnector start(String groupId) {
    return ChatwootConnector.start(AdvisorOptions.of(keys(groupId), TOKEN), FAST);
  }

  private Map<String, String> keys(String groupId) {
    Map<String, String> keys = new HashMap<>();
    keys.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    keys.put("kafka.group-id", groupId);
    keys.put("topic.handoffs", handoffs);
    keys.put("topic.dead-letter", deadLetters);
    keys.put("chatwoot.base-url", chatwoot.baseUrl());
    keys.put("chatwoot.account-id", String.valueOf(chatwoot.accountId()));
    keys.put("chatwoot.inbox-id", "4");
    keys.put("chatwoot.team-id", "7");
    keys.put("advisor.port", "0");
    return keys;
  }

  /** The group's committed offset of partition 0; 0 for none. */
  private long committed(String groupId) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata offset = offsets.get(new TopicPartition(handoffs, 0));
      return offset == null ? 0 : offset.offset();
    }
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + connector.port() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private void awaitCommitted(String groupId, long offset) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (committed(groupId) != offset) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("offset " + offset + " not committed within " + TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TIMEOUT);
      }
      Thread.sleep(50);
    }
  }
}
