package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job against a real Kafka broker (KRaft, in this JVM) and a real HTTP server answering
 * like the Cloud API: docs/contract.md §1 to §4, on a compressed clock (carts are abandoned after 3
 * seconds). The input is written first, as a backlog with timestamps ten minutes ago; the job then
 * reads it, and event time follows the wall clock once the backlog is read (idle advance).
 *
 * <p>The story runs once, before the tests, and what that run wrote is kept; each test reads it or
 * starts a run of its own on topics of its own, so that no test depends on another one.
 */
class CartRescueEndToEndTest {
  private static final String TOKEN = "test-token-3f9a";
  private static final String CAPPING_REPLAY = "capping-replay";
  private static final long SECOND = 1000;
  private static final AtomicInteger RUNS = new AtomicInteger();

  private static JobUnderTest job;
  private static EmbeddedKafka kafka;
  private static long base;
  private static final Map<String, List<JsonNode>> firstRunOutcomes = new HashMap<>();
  private static List<JsonNode> firstRunCappingEvents;
  private static List<JsonNode> firstRunDeadLetters;
  private static List<JsonNode> firstRunSendLedger;
  private static List<ReceivedMessage> firstRunMessages;

  @TempDir static Path temp;

  @BeforeAll
  static void startTheWorld() throws Exception {
    job = JobUnderTest.create(temp, TOKEN, 2);
    kafka = job.kafka();
    kafka.createTopics(2, CAPPING_REPLAY);
    writeTheStory();
    firstRunOutcomes.putAll(runJob(job.topic("capping"), 13));
    firstRunCappingEvents = job.cappingEvents();
    firstRunDeadLetters = job.deadLetters();
    firstRunSendLedger = job.sendLedger();
    firstRunMessages = List.copyOf(job.cloudApi().received());
  }

  @AfterAll
  static void stopTheWorld() throws Exception {
    if (job != null) {
      job.close();
    }
  }

  /** One contact per rule of the contract, written in timestamp order. */
  private static void writeTheStory() throws Exception {
    base = Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli();
    long longAgo = Instant.now().minus(Duration.ofHours(7)).toEpochMilli();

    // stale: abandoned seven hours ago, longer than rule.max-send-delay.
    job.write(profile("c-stale", "33", "0612345601", "Sam").updatedAt(longAgo - SECOND));
    add("c-stale", "k-stale", "sku-1", "Trail shoe", longAgo);

    // capped: another system capped the contact yesterday.
    for (String topic : List.of(job.topic("capping"), CAPPING_REPLAY)) {
      job.write(topic, ShopRecords.capping("c-capped", base - 86_400_000L).epochMillis());
    }
    purchase("c-bought", base - 3_600_000L);

    job.write(profile("c-sent", "33", "06 12 34 56 78", "Anna").language("fr"));
    job.write(profile("c-en", "44", "07911 123456", null));
    job.write(profile("c-bought", "33", "0612345602", "Bo"));
    job.write(profile("c-capped", "33", "0612345603", "Cy"));
    job.write(profile("c-empty", "33", "0612345604", "Di"));
    job.write(profile("c-noconsent", "33", "0612345605", "Ed").consent(false));
    job.write(profile("c-badphone", "33", "123", "Fa"));
    job.write(profile("c-us", "1", "(202) 555-0143", "Gu"));
    job.write(profile("c-restart", "33", "0612345606", "Ha"));
    job.write(profile("c-cancel", "33", "0612345607", "Io"));
    job.write(profile("c-dup", "33", "0612345608", "Jo"));
    job.write(profile("c-segment", "33", "0612345610", "Lu"));

    // Broken records of every kind, before good ones that must still flow.
    kafka.send("clickstream", "x", "this is not json", base - 30 * SECOND);
    kafka.send(
        "clickstream", "x", "{\"type\":\"add_to_cart\",\"timestamp\":1}", base - 30 * SECOND);
    kafka.send(
        "clickstream",
        "x",
        "{\"type\":\"page_view\",\"contact_id\":\"x\",\"timestamp\":\"yesterday\"}",
        base - 30 * SECOND);
    kafka.send("contacts", "y", "[1,2,3]", base - 30 * SECOND);

    add("c-sent", "k-sent", "sku-1", "Trail shoe", base);
    add("c-sent", "k-sent", "sku-2", "Rain jacket", base + 1);
    add("c-en", "k-en", "sku-9", "Wool socks", base);
    add("c-bought", "k-bought", "sku-1", "Trail shoe", base);
    add("c-capped", "k-capped", "sku-1", "Trail shoe", base);
    add("c-empty", "k-empty", "sku-1", "Trail shoe", base);
    add("c-nobody", "k-nobody", "sku-1", "Trail shoe", base);
    add("c-noconsent", "k-noconsent", "sku-1", "Trail shoe", base);
    add("c-badphone", "k-badphone", "sku-1", "Trail shoe", base);
    add("c-us", "k-us", "sku-1", "Trail shoe", base);
    add("c-restart", "k-restart-1", "sku-1", "Trail shoe", base);
    add("c-cancel", "k-cancel", "sku-1", "Trail shoe", base);
    segmentProductAddedThroughASchemaRegistry("c-segment", "k-segment", base);
    // A product without a name: the summary says "an item".
    job.write(
        ShopRecords.addToCart("c-dup", "k-dup", base)
            .eventId("e-dup-add")
            .product("sku-sock")
            .quantity(2)
            .epochMillis());
    remove("c-empty", "sku-1", base + SECOND);
    purchase("c-cancel", base + SECOND);
    add("c-restart", "k-restart-2", "sku-2", "Rain jacket", base + 2 * SECOND);
    // The same removal twice: one of the two socks stays in the cart.
    ShopRecords.Click removal =
        ShopRecords.removeFromCart("c-dup", base + SECOND)
            .eventId("e-dup-remove")
            .cartId("k-dup")
            .product("sku-sock")
            .quantity(1)
            .epochMillis();
    job.write(removal);
    job.write(removal);
    job.write(ShopRecords.pageView("c-sent", base + 3 * SECOND).epochMillis());
  }

  @Test
  void everyAbandonedCartEndsInExactlyOneOutcome() {
    Map<String, List<JsonNode>> outcomes = firstRunOutcomes;

    assertThat(reasons(outcomes))
        .containsEntry("c-sent", "sent")
        .containsEntry("c-en", "sent")
        .containsEntry("c-dup", "sent")
        .containsEntry("c-restart", "sent")
        .containsEntry("c-bought", "recent_purchase")
        .containsEntry("c-capped", "capped")
        .containsEntry("c-empty", "empty_cart")
        .containsEntry("c-nobody", "no_profile")
        .containsEntry("c-noconsent", "no_consent")
        .containsEntry("c-badphone", "invalid_phone")
        .containsEntry("c-us", "blocked_region")
        .containsEntry("c-stale", "stale")
        .containsEntry("c-segment", "sent")
        .doesNotContainKey("c-cancel");
    outcomes.forEach((contact, list) -> assertThat(list).as(contact).hasSize(1));
  }

  @Test
  void aNewAddToCartRestartsTheHour() {
    JsonNode restart = firstRunOutcomes.get("c-restart").get(0);
    assertThat(restart.get("cart_id").asText()).isEqualTo("k-restart-2");
    assertThat(restart.get("deadline").asText())
        .isEqualTo(Instant.ofEpochMilli(base + 2 * SECOND + 3 * SECOND).toString());
  }

  @Test
  void theTemplateRequestIsExactlyTheContracts() {
    ReceivedMessage anna = receivedFor("+33612345678");
    JsonNode body = anna.body();
    assertThat(body.get("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(body.get("to").asText()).isEqualTo("+33612345678");
    assertThat(body.get("type").asText()).isEqualTo("template");
    assertThat(body.at("/template/name").asText()).isEqualTo("cart_advisor_help");
    assertThat(body.at("/template/language/code").asText()).isEqualTo("fr");

    JsonNode components = body.at("/template/components");
    assertThat(components).hasSize(3);
    assertThat(components.get(0).get("type").asText()).isEqualTo("body");
    assertThat(components.get(0).at("/parameters/0/text").asText()).isEqualTo("Anna");
    assertThat(components.get(0).at("/parameters/1/text").asText())
        .isEqualTo("Rain jacket and Trail shoe");
    JsonNode viewCart = components.get(1);
    assertThat(viewCart.get("type").asText()).isEqualTo("button");
    assertThat(viewCart.get("sub_type").asText()).isEqualTo("url");
    assertThat(viewCart.get("index").asText()).isEqualTo("0");
    assertThat(viewCart.at("/parameters/0/text").asText()).isEqualTo("k-sent");
    JsonNode advisor = components.get(2);
    assertThat(advisor.get("sub_type").asText()).isEqualTo("quick_reply");
    assertThat(advisor.get("index").asText()).isEqualTo("1");
    assertThat(advisor.at("/parameters/0/type").asText()).isEqualTo("payload");
    assertThat(advisor.at("/parameters/0/payload").asText()).contains("k-sent");
    assertThat(anna.phoneNumberId()).isEqualTo("1234567890");
  }

  @Test
  void theLanguageFallsBackToTheDefaultAndTheGreetingToANeutralWord() {
    JsonNode body = receivedFor("+447911123456").body();
    assertThat(body.at("/template/language/code").asText()).isEqualTo("en");
    assertThat(body.at("/template/components/0/parameters/0/text").asText()).isEqualTo("there");
  }

  @Test
  void aRepeatedEventIdIsIgnored() {
    JsonNode body = receivedFor("+33612345608").body();
    assertThat(body.at("/template/components/0/parameters/1/text").asText()).isEqualTo("an item");
  }

  @Test
  void aSegmentCallWrittenThroughASchemaRegistryIsACart() {
    JsonNode body = receivedFor("+33612345610").body();
    assertThat(body.at("/template/components/0/parameters/1/text").asText())
        .isEqualTo("2 × Monopoly: 3rd Edition");
    assertThat(body.at("/template/components/1/parameters/0/text").asText()).isEqualTo("k-segment");
  }

  @Test
  void eachSendWritesACappingEventWithTheMessageId() {
    Map<String, String> sentIds = new HashMap<>();
    firstRunOutcomes.forEach(
        (contact, list) -> {
          JsonNode o = list.get(0);
          if (o.get("outcome").asText().equals("sent")) {
            sentIds.put(contact, o.get("message_id").asText());
          }
        });
    List<JsonNode> ours =
        firstRunCappingEvents.stream().filter(c -> c.has("type")).collect(Collectors.toList());
    assertThat(ours).hasSize(sentIds.size());
    for (JsonNode capping : ours) {
      String contact = capping.get("contact_id").asText();
      assertThat(capping.get("type").asText()).isEqualTo("capping_whatsapp_cart_recovery");
      assertThat(capping.get("message_id").asText()).isEqualTo(sentIds.get(contact));
      assertThat(capping.get("timestamp").asText())
          .isEqualTo(firstRunOutcomes.get(contact).get(0).get("deadline").asText());
      assertThat(capping.get("event_id").asText()).isNotBlank();
    }
    Set<String> received =
        firstRunMessages.stream().map(ReceivedMessage::messageId).collect(Collectors.toSet());
    assertThat(received).containsAll(sentIds.values()).hasSize(sentIds.size());
    // The send ledger holds each message accepted, keyed by its decision, as its schema says.
    assertThat(firstRunSendLedger.stream().map(e -> e.get("value").asText()))
        .containsAll(sentIds.values());
  }

  @Test
  void unreadableRecordsBecomeDeadLettersWhileGoodOnesFlowOn() {
    List<JsonNode> dead = firstRunDeadLetters;
    assertThat(dead).hasSize(4);
    assertThat(dead)
        .allSatisfy(
            d -> {
              assertThat(d.get("topic").asText()).isIn("clickstream", "contacts");
              assertThat(d.get("partition").isInt()).isTrue();
              assertThat(d.get("offset").isIntegralNumber()).isTrue();
              assertThat(d.get("reason").asText()).isNotBlank();
            });
    assertThat(dead.stream().map(d -> d.get("value").asText()))
        .contains("this is not json", "[1,2,3]");
  }

  @Test
  void replayingTheSameInputGivesTheSameOutcomes() throws Exception {
    Map<String, List<JsonNode>> replay = runJob(CAPPING_REPLAY, 13);
    assertThat(withoutMessageIds(replay)).isEqualTo(withoutMessageIds(firstRunOutcomes));
  }

  @Test
  void aPermanentCloudApiErrorIsAFailedOutcomeWithItsCode() throws Exception {
    // Topics of its own, so that the failure injected is this cart's and no other.
    kafka.createTopics(1, "clickstream-fail", "contacts-fail");
    long now = System.currentTimeMillis();
    job.write(
        "contacts-fail", profile("c-fail", "33", "0612345609", "Ka").updatedAt(now - 60 * SECOND));
    job.write(
        "clickstream-fail", cart("c-fail", "k-fail", "sku-1", "Trail shoe", now - 5 * SECOND));
    job.cloudApi().failNext(1, 400, 131026);

    Map<String, List<JsonNode>> outcomes =
        runJob(
            job.topic("capping"),
            1,
            "--topic.clickstream",
            "clickstream-fail",
            "--topic.contacts",
            "contacts-fail");
    JsonNode failed = outcomes.get("c-fail").get(0);
    assertThat(failed.get("outcome").asText()).isEqualTo("failed");
    assertThat(failed.get("error_code").asInt()).isEqualTo(131026);
    assertThat(failed.get("reason").asText()).isNotBlank();
    assertThat(failed.get("message_id").isNull()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs the job on fresh output topics until {@code expected} outcomes are written. */
  private static Map<String, List<JsonNode>> runJob(
      String cappingTopic, int expected, String... moreFlags) throws Exception {
    int run = RUNS.incrementAndGet();
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--kafka.group-id",
                "e2e-" + run,
                "--topic.capping",
                cappingTopic,
                "--topic.outcomes",
                "outcomes-" + run,
                "--topic.dead-letter",
                "dead-letter-" + run,
                "--checkpoint.dir",
                temp.resolve("checkpoints-" + run).toUri().toString()));
    flags.addAll(List.of(moreFlags));
    job.start(flags.toArray(String[]::new));
    try {
      return byContact(job.awaitOutcomes(expected));
    } finally {
      job.cancel();
    }
  }

  private static Map<String, List<JsonNode>> byContact(List<JsonNode> outcomes) {
    Map<String, List<JsonNode>> byContact = new HashMap<>();
    outcomes.forEach(
        o ->
            byContact.computeIfAbsent(o.get("contact_id").asText(), c -> new ArrayList<>()).add(o));
    return byContact;
  }

  private static Map<String, String> reasons(Map<String, List<JsonNode>> outcomes) {
    Map<String, String> reasons = new HashMap<>();
    outcomes.forEach(
        (contact, list) -> reasons.put(contact, JobUnderTest.sentOrReason(list.get(0))));
    return reasons;
  }

  private static Set<String> withoutMessageIds(Map<String, List<JsonNode>> outcomes) {
    Set<String> lines = new TreeSet<>();
    outcomes
        .values()
        .forEach(
            list ->
                list.forEach(
                    o ->
                        lines.add(
                            String.join(
                                " ",
                                o.get("contact_id").asText(),
                                o.get("cart_id").asText(),
                                o.get("deadline").asText(),
                                o.get("outcome").asText(),
                                o.get("reason").asText()))));
    return lines;
  }

  private static ReceivedMessage receivedFor(String to) {
    List<ReceivedMessage> messages =
        firstRunMessages.stream().filter(m -> m.to().equals(to)).toList();
    assertThat(messages).as("messages to " + to).hasSize(1);
    return messages.get(0);
  }

  /** A profile with consent, updated a minute before the story's carts. */
  private static ShopRecords.Profile profile(
      String contact, String code, String number, String firstName) {
    return ShopRecords.profile(contact)
        .phone(code, number)
        .consent(true)
        .firstName(firstName)
        .updatedAt(base - 60 * SECOND);
  }

  private static void add(String contact, String cart, String sku, String name, long at) {
    job.write(cart(contact, cart, sku, name, at));
  }

  private static ShopRecords.Click cart(
      String contact, String cart, String sku, String name, long at) {
    return ShopRecords.addToCart(contact, cart, at)
        .eventId("add-%s-%s-%d".formatted(contact, sku, at))
        .cartUrl()
        .product(sku, name, 89.90, "EUR", 1);
  }

  /**
   * A Segment "Product Added" track call as Confluent's JSON Schema serializer writes it: 0x00, a
   * 4-byte schema id, then the JSON.
   */
  private static void segmentProductAddedThroughASchemaRegistry(
      String contact, String cart, long at) {
    String call =
        ("{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"%s\","
                + "\"anonymousId\":\"23adfd82-aa0f-45a7-a756-24f2a7a4c895\","
                + "\"messageId\":\"ajs-next-%d\",\"timestamp\":\"%s\","
                + "\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"next-1.70.0\"}},"
                + "\"properties\":{\"cart_id\":\"%s\",\"product_id\":\"507f1f77bcf86cd799439011\","
                + "\"sku\":\"G-32\",\"name\":\"Monopoly: 3rd Edition\",\"price\":18.99,"
                + "\"quantity\":2}}")
            .formatted(contact, at, Instant.ofEpochMilli(at), cart);
    // Schema id 23: every byte is below 0x80, so the String the test broker sends keeps it.
    kafka.send("clickstream", contact, "\u0000\u0000\u0000\u0000\u0017" + call, at);
  }

  private static void remove(String contact, String sku, long at) {
    job.write(ShopRecords.removeFromCart(contact, at).product(sku).epochMillis());
  }

  private static void purchase(String contact, long at) {
    job.write(ShopRecords.purchase(contact, at).order("o-1", 10.5, "EUR").epochMillis());
  }
}
