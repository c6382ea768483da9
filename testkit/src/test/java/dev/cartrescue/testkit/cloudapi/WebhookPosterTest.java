package dev.cartrescue.testkit.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.cartrescue.testkit.cloudapi.WebhookScenario.Kind;
import dev.cartrescue.testkit.cloudapi.WebhookScenario.Plan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's webhooks, received by a small HTTP server of the test's own: signed over their
 * exact bytes, in Meta's shape (and the repository's schema of that input), retried, re-delivered,
 * and the same story for the same number on every run.
 */
class WebhookPosterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "test-token";
  private static final String SECRET = "app-secret-for-tests";
  private static final String PHONE_NUMBER_ID = "106540352242922";
  private static final String SEND_PATH = "/v24.0/" + PHONE_NUMBER_ID + "/messages";
  private static final Duration IDLE = Duration.ofSeconds(20);

  /** Delays at 2% of Meta's: delivered after 20-40 ms instead of 1-2 s. */
  private static final WebhookScenario FAST =
      WebhookScenario.everyMessageRead()
          .withTimeScale(0.02)
          .withRetries(Duration.ofMillis(20), Duration.ofSeconds(5));

  private final HttpClient http = HttpClient.newHttpClient();
  private CloudApiSimulator simulator;
  private Receiver receiver;

  @BeforeEach
  void start() throws IOException {
    simulator = CloudApiSimulator.start(0, TOKEN);
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    simulator.close();
    receiver.close();
  }

  @Test
  void signsEveryPostOverItsExactBytes() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(0, 0, 1, 0, 1, 0, 0, 0));

    send("+33612345678", "fr", "Anaïs");
    send("+4915112345678", "de", "Jörg");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    assertThat(receiver.got()).hasSize(8);
    for (Receiver.Got post : receiver.got()) {
      assertThat(post.headers().getFirst("Content-Type")).isEqualTo("application/json");
      assertThat(post.headers().getFirst("X-Hub-Signature-256"))
          .isEqualTo("sha256=" + hmacSha256Hex(SECRET, post.body()));
      // Meta escapes non-ASCII characters: a re-serialised tree would not hash the same.
      assertThat(new String(post.body(), StandardCharsets.UTF_8)).matches("\\p{ASCII}*");
    }
    assertThat(receiver.changes())
        .extracting(c -> c.path("value").path("contacts").path(0).path("profile").path("name"))
        .filteredOn(JsonNode::isTextual)
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Anaïs", "Jörg");
  }

  @Test
  void postsStatusesInMetasShapeForWhatItAccepted() throws Exception {
    WebhookPoster poster = simulator.postWebhooksTo(receiver.url(), SECRET, FAST);

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    String wamid = simulator.received().get(0).messageId();
    List<JsonNode> changes = receiver.changes();
    assertThat(changes).hasSize(3);
    List<String> statuses = new ArrayList<>();
    for (JsonNode change : changes) {
      assertThat(change.path("field").asText()).isEqualTo("messages");
      JsonNode value = change.path("value");
      assertThat(value.path("messaging_product").asText()).isEqualTo("whatsapp");
      assertThat(value.path("metadata").path("phone_number_id").asText())
          .isEqualTo(PHONE_NUMBER_ID);
      assertThat(value.path("metadata").path("display_phone_number").asText()).matches("\\d+");
      JsonNode status = value.path("statuses").path(0);
      statuses.add(status.path("status").asText());
      assertThat(status.path("id").asText()).isEqualTo(wamid);
      assertThat(status.path("recipient_id").asText()).isEqualTo("33612345678");
      assertThat(status.path("recipient_user_id").asText()).matches("FR\\.\\d{20}");
      assertThat(value.path("contacts").path(0).path("user_id").asText())
          .isEqualTo(status.path("recipient_user_id").asText());
      assertThat(status.path("biz_opaque_callback_data").asText()).isEqualTo("k-+33612345678");
      assertThat(status.path("timestamp").isTextual()).isTrue();
      long seconds = Long.parseLong(status.path("timestamp").asText());
      assertThat(seconds)
          .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
      JsonNode pricing = status.path("pricing");
      assertThat(pricing.path("billable").asBoolean()).isTrue();
      assertThat(pricing.path("pricing_model").asText()).isEqualTo("PMP");
      assertThat(pricing.path("category").asText()).isEqualTo("marketing");
      assertThat(pricing.path("type").asText()).isEqualTo("regular");
    }
    assertThat(statuses).containsExactlyInAnyOrder("sent", "delivered", "read");
    assertThat(poster.counts())
        .extracting(WebhookCounts::sent, WebhookCounts::delivered, WebhookCounts::read)
        .containsExactly(1L, 1L, 1L);
    JsonNode first = JSON.readTree(receiver.got().get(0).body());
    assertThat(first.path("object").asText()).isEqualTo("whatsapp_business_account");
    assertThat(first.path("entry").path(0).path("id").asText())
        .isEqualTo(WebhookScenario.demo().wabaId());
  }

  @Test
  void aFailedSendGetsItsErrorAndNeitherDeliveredNorRead() throws Exception {
    WebhookScenario scenario = FAST.withShares(1, 0, 1, 0, 0, 0, 0, 0);
    WebhookPoster poster = simulator.postWebhooksTo(receiver.url(), SECRET, scenario);

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    List<JsonNode> statuses =
        receiver.changes().stream().map(c -> c.path("value").path("statuses").path(0)).toList();
    assertThat(statuses)
        .extracting(s -> s.path("status").asText())
        .containsExactlyInAnyOrder("sent", "failed");
    JsonNode failed =
        statuses.stream().filter(s -> s.path("status").asText().equals("failed")).findFirst().get();
    assertThat(failed.has("recipient_user_id")).isFalse();
    assertThat(failed.has("pricing")).isFalse();
    int code = failed.path("errors").path(0).path("code").asInt();
    assertThat(code).isIn(131026, 131049);
    assertThat(code).isEqualTo(scenario.planFor("+33612345678").failureCode());
    assertThat(failed.path("errors").path(0).path("title").asText()).isNotEmpty();
    assertThat(failed.path("errors").path(0).path("error_data").path("details").asText())
        .isNotEmpty();
    assertThat(poster.counts().failed()).isEqualTo(1);
  }

  @Test
  void aStopReplyIsInTheTemplatesLanguageAndAnswersTheTemplate() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(0, 0, 1, 0, 1, 0, 0, 0));

    send("+33612345678", "fr", "Anna");
    send("+4915112345678", "de", "Jörg");
    send("+351912345678", "pt_BR", "João");
    send("+447700900123", "en_GB", "Ann");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    Map<String, String> wamids = new LinkedHashMap<>();
    simulator.received().forEach(m -> wamids.put(m.messageId(), m.to().substring(1)));
    Map<String, String> replies = new LinkedHashMap<>();
    for (JsonNode change : receiver.changes()) {
      JsonNode message = change.path("value").path("messages").path(0);
      if (message.isMissingNode()) {
        continue;
      }
      JsonNode contact = change.path("value").path("contacts").path(0);
      assertThat(message.path("type").asText()).isEqualTo("text");
      assertThat(message.path("id").asText()).startsWith("wamid.");
      assertThat(message.path("timestamp").asText()).matches("\\d+");
      assertThat(message.path("context").path("from").asText())
          .isEqualTo(WebhookScenario.demo().displayPhoneNumber());
      String to = wamids.get(message.path("context").path("id").asText());
      assertThat(message.path("from").asText()).isEqualTo(to);
      assertThat(contact.path("wa_id").asText()).isEqualTo(to);
      assertThat(contact.path("user_id").asText()).isEqualTo(message.path("from_user_id").asText());
      assertThat(contact.path("profile").path("name").asText()).isNotEmpty();
      replies.put(to, message.path("text").path("body").asText());
    }
    assertThat(replies)
        .containsOnly(
            Map.entry("33612345678", "ARRET"),
            Map.entry("4915112345678", "STOPP"),
            Map.entry("351912345678", "PARAR"),
            Map.entry("447700900123", "STOP"));
    assertThat(poster.counts().stopReplies()).isEqualTo(4);
  }

  @Test
  void aPreferenceStopIsAUserPreferencesChangeWithANumericTimestamp() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(0, 0, 0, 0, 0, 1, 0, 0));

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    JsonNode change =
        receiver.changes().stream()
            .filter(c -> c.path("field").asText().equals("user_preferences"))
            .findFirst()
            .orElseThrow();
    JsonNode preference = change.path("value").path("user_preferences").path(0);
    assertThat(preference.path("wa_id").asText()).isEqualTo("33612345678");
    assertThat(preference.path("user_id").asText()).matches("FR\\.\\d{20}");
    assertThat(preference.path("category").asText()).isEqualTo("marketing_messages");
    assertThat(preference.path("value").asText()).isEqualTo("stop");
    assertThat(preference.path("detail").asText()).isNotEmpty();
    assertThat(preference.path("timestamp").isIntegralNumber()).isTrue();
    assertThat(change.path("value").path("metadata").path("phone_number_id").asText())
        .isEqualTo(PHONE_NUMBER_ID);
    assertThat(poster.counts().preferenceStops()).isEqualTo(1);
  }

  @Test
  void everyBodyItPostsMatchesTheRepositorysWebhookSchema() throws Exception {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                JSON.readTree(
                    repositoryRoot()
                        .resolve("schemas/inputs/whatsapp-webhook.schema.json")
                        .toFile()));
    WebhookPoster poster =
        simulator.postWebhooksTo(
            receiver.url(),
            SECRET,
            WebhookScenario.demo()
                .withShares(0.3, 0.2, 0.8, 0.3, 0.2, 0.2, 0.3, 0.5)
                .withAdvisorTaps(0.3)
                .withTimeScale(0.02)
                .withRetries(Duration.ofMillis(20), Duration.ofSeconds(5)));

    for (int i = 0; i < 30; i++) {
      send("+3361234" + String.format("%04d", i), i % 2 == 0 ? "fr" : "es", "Anna");
    }
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    assertThat(receiver.got()).isNotEmpty();
    for (Receiver.Got post : receiver.got()) {
      JsonNode body = JSON.readTree(post.body());
      List<String> problems =
          schema.validate(body).stream().map(ValidationMessage::getMessage).toList();
      assertThat(problems).as(body.toString()).isEmpty();
    }
    WebhookCounts counts = poster.counts();
    assertThat(counts.failed()).isPositive();
    assertThat(counts.stopReplies()).isPositive();
    assertThat(counts.preferenceStops()).isPositive();
    assertThat(counts.advisorTaps()).isPositive();
    assertThat(counts.duplicates()).isPositive();
  }

  @Test
  void aTapOnChatWithAnAdvisorIsAButtonMessageQuotingTheTemplateWithItsPayload() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withAdvisorTaps(1));

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    List<JsonNode> taps = taps();
    assertThat(taps).hasSize(1);
    assertTapOf(taps.get(0), simulator.received().get(0));
    assertThat(poster.counts().advisorTaps()).isEqualTo(1);
    assertThat(poster.counts().stopReplies()).isZero();
  }

  @Test
  void aPersonTapsChatWithAnAdvisorOnThePhonePageAndTheReceiverGetsTheTap() throws Exception {
    WebhookPoster poster = simulator.postWebhooksTo(receiver.url(), SECRET, FAST);
    send("+33612345678", "fr", "Anna");
    ReceivedMessage message = simulator.received().get(0);
    String page = get("/").body();
    assertThat(page)
        .contains("data-message-id=\"" + message.messageId() + "\"")
        .contains("/_sim/messages/" + message.messageId() + "/advisor")
        .doesNotContain("<div class=\"reply\">");

    HttpResponse<String> tap = post("/_sim/messages/" + message.messageId() + "/advisor");
    HttpResponse<String> again = post("/_sim/messages/" + message.messageId() + "/advisor");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    assertThat(tap.statusCode()).isEqualTo(303);
    assertThat(tap.headers().firstValue("Location")).hasValue("/");
    assertThat(again.statusCode()).isEqualTo(303);
    List<JsonNode> taps = taps();
    assertThat(taps).hasSize(2);
    taps.forEach(t -> assertTapOf(t, message));
    assertThat(taps.get(0).path("id").asText()).isNotEqualTo(taps.get(1).path("id").asText());
    assertThat(poster.counts().advisorTaps()).isEqualTo(2);
    assertThat(get("/").body().split("<div class=\"reply\">Chat with an advisor</div>", -1))
        .as("one reply bubble per tap")
        .hasSize(3);
  }

  @Test
  void viewCartOpensTheCartsPageAndPostsNothing() throws Exception {
    WebhookPoster poster = simulator.postWebhooksTo(receiver.url(), SECRET, FAST);
    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();
    int before = receiver.got().size();

    HttpResponse<String> cart =
        get("/_sim/messages/" + simulator.received().get(0).messageId() + "/cart");

    assertThat(cart.statusCode()).isEqualTo(200);
    assertThat(cart.body()).contains("<code class=\"cart-path\">k-9</code>", "Trail shoe");
    assertThat(receiver.got()).hasSize(before);
  }

  @Test
  void thePhonePageRefusesTapsThatCouldReachNobody() throws Exception {
    send("+33612345678", "fr", "Anna");
    String id = simulator.received().get(0).messageId();
    assertThat(post("/_sim/messages/" + id + "/advisor").statusCode())
        .as("no webhooks posted")
        .isEqualTo(409);
    assertThat(get("/").body()).contains("disabled", "a tap would reach nobody");

    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(1, 0, 0, 0, 0, 0, 0, 0));
    send("+33612340000", "fr", "Anna");
    String failed = simulator.received().get(1).messageId();
    HttpResponse<String> refused = post("/_sim/messages/" + failed + "/advisor");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).startsWith("not delivered (1310");
    assertThat(post("/_sim/messages/wamid.nope/advisor").statusCode()).isEqualTo(404);
    assertThat(post("/_sim/messages/" + failed + "/cart").statusCode()).isEqualTo(405);
    assertThat(poster.awaitIdle(IDLE)).isTrue();
    assertThat(taps()).isEmpty();
  }

  private List<JsonNode> taps() throws IOException {
    return receiver.changes().stream()
        .map(c -> c.path("value").path("messages").path(0))
        .filter(m -> m.path("type").asText().equals("button"))
        .toList();
  }

  private static void assertTapOf(JsonNode tap, ReceivedMessage message) {
    assertThat(tap.path("from").asText()).isEqualTo(message.to().substring(1));
    assertThat(tap.path("id").asText()).startsWith("wamid.");
    assertThat(tap.path("context").path("id").asText()).isEqualTo(message.messageId());
    assertThat(tap.path("button").path("payload").asText()).isEqualTo("advisor:k-9");
    assertThat(tap.path("button").path("text").asText()).isEqualTo("Chat with an advisor");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void retriesAPostTheReceiverAnswered503WithTheSameBytes() throws Exception {
    receiver.refuseNext(2);
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(0, 0, 0, 0, 0, 0, 0, 0));

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    List<Receiver.Got> got = receiver.got();
    assertThat(got).extracting(Receiver.Got::status).containsExactlyInAnyOrder(503, 503, 200, 200);
    Set<String> refused = bodies(got, 503);
    Set<String> answered = bodies(got, 200);
    assertThat(answered).hasSize(2).containsAll(refused);
    WebhookCounts counts = poster.counts();
    assertThat(counts.posts()).isEqualTo(4);
    assertThat(counts.refused()).isEqualTo(2);
    assertThat(counts.answered()).isEqualTo(2);
    assertThat(counts.sent()).isEqualTo(1);
    assertThat(counts.delivered()).isEqualTo(1);
    assertThat(counts.gaveUp()).isZero();
  }

  @Test
  void givesUpOnAnUnreachableReceiverAfterItsRetryTime() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WebhookPoster poster =
        simulator.postWebhooksTo(
            URI.create("http://127.0.0.1:" + closedPort + "/webhooks"),
            SECRET,
            FAST.withShares(0, 0, 0, 0, 0, 0, 0, 0)
                .withRetries(Duration.ofMillis(20), Duration.ofMillis(300)));

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    WebhookCounts counts = poster.counts();
    assertThat(counts.gaveUp()).isEqualTo(2);
    assertThat(counts.unreachable()).isGreaterThan(2);
    assertThat(counts.answered()).isZero();
  }

  @Test
  void reDeliversSomeNotificationsAsMetaDoes() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(0, 0, 1, 0, 0, 0, 1, 0));

    send("+33612345678", "fr", "Anna");
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    List<String> bodies =
        receiver.got().stream().map(g -> new String(g.body(), StandardCharsets.UTF_8)).toList();
    assertThat(bodies).hasSize(4);
    assertThat(bodies.stream().distinct()).hasSize(3);
    assertThat(poster.counts().duplicates()).isEqualTo(1);
    assertThat(poster.counts().delivered()).isEqualTo(1);
  }

  @Test
  void batchesSeveralChangesIntoOnePost() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(receiver.url(), SECRET, FAST.withShares(0, 0, 0, 0, 0, 0, 0, 1));

    for (int i = 0; i < 5; i++) {
      send("+3361234567" + i, "fr", "Anna");
    }
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    assertThat(receiver.changes()).hasSize(10);
    assertThat(receiver.got())
        .hasSizeLessThan(10)
        .anySatisfy(
            post ->
                assertThat(JSON.readTree(post.body()).path("entry").path(0).path("changes").size())
                    .isGreaterThan(1));
    assertThat(poster.counts().sent()).isEqualTo(5);
  }

  @Test
  void theSameNumberGetsTheSameStoryOnEveryRun() {
    WebhookScenario demo = WebhookScenario.demo();
    List<String> numbers =
        IntStream.range(0, 2000).mapToObj(i -> "+3361" + String.format("%07d", i)).toList();

    for (String number : numbers.subList(0, 50)) {
      assertThat(demo.planFor(number)).isEqualTo(WebhookScenario.demo().planFor(number));
    }
    WebhookScenario reseeded = demo.withSeed(7);
    assertThat(numbers.subList(0, 200))
        .anySatisfy(n -> assertThat(reseeded.planFor(n)).isNotEqualTo(demo.planFor(n)));
    assertThat(WebhookPayloads.userId(demo.wabaId(), "+33612345678"))
        .isEqualTo(WebhookPayloads.userId(demo.wabaId(), "+33612345678"))
        .isNotEqualTo(WebhookPayloads.userId(demo.wabaId(), "+33612345679"));

    Map<Kind, Long> share = new LinkedHashMap<>();
    int failed = 0;
    int readFirst = 0;
    for (String number : numbers) {
      Plan plan = demo.planFor(number);
      plan.kinds().forEach(k -> share.merge(k, 1L, Long::sum));
      failed += plan.failureCode() == null ? 0 : 1;
      List<Kind> kinds = plan.kinds();
      assertThat(kinds.get(0)).isEqualTo(Kind.SENT);
      if (kinds.contains(Kind.FAILED)) {
        assertThat(kinds).doesNotContain(Kind.DELIVERED, Kind.READ);
      }
      if (kinds.contains(Kind.READ)
          && kinds.contains(Kind.DELIVERED)
          && kinds.indexOf(Kind.READ) < kinds.indexOf(Kind.DELIVERED)) {
        readFirst++;
      }
    }
    assertThat(failed).isBetween(40, 120); // 4% of 2000
    assertThat(share.get(Kind.FAILED)).isEqualTo((long) failed);
    assertThat(share.get(Kind.READ)).isBetween(1300L, 1580L); // 75% of the 96% not failed
    assertThat(share.get(Kind.DELIVERED)).isBetween(1720L, 1920L); // 95% of them
    assertThat(share.get(Kind.STOP_REPLY)).isBetween(70L, 165L);
    assertThat(share.get(Kind.PREFERENCE_STOP)).isBetween(40L, 120L);
    assertThat(readFirst).isBetween(35, 110);
  }

  @Test
  void theStoryAReceiverSeesIsThePlanOfTheNumber() throws Exception {
    WebhookScenario scenario =
        WebhookScenario.demo()
            .withShares(0.3, 0, 0.5, 0, 0.3, 0.3, 0, 0)
            .withTimeScale(0.02)
            .withRetries(Duration.ofMillis(20), Duration.ofSeconds(5));
    WebhookPoster poster = simulator.postWebhooksTo(receiver.url(), SECRET, scenario);
    List<String> numbers = List.of("+33612345670", "+33612345671", "+33612345672", "+33612345673");

    for (String number : numbers) {
      send(number, "fr", "Anna");
    }
    assertThat(poster.awaitIdle(IDLE)).isTrue();

    for (ReceivedMessage message : simulator.received()) {
      List<Kind> seen = new ArrayList<>();
      for (JsonNode change : receiver.changes()) {
        JsonNode value = change.path("value");
        if (value.path("statuses").path(0).path("id").asText().equals(message.messageId())) {
          seen.add(
              Kind.valueOf(
                  value.path("statuses").path(0).path("status").asText().toUpperCase(Locale.ROOT)));
        } else if (value
            .path("messages")
            .path(0)
            .path("context")
            .path("id")
            .asText()
            .equals(message.messageId())) {
          seen.add(Kind.STOP_REPLY);
        } else if (value
            .path("user_preferences")
            .path(0)
            .path("wa_id")
            .asText()
            .equals(message.to().substring(1))) {
          seen.add(Kind.PREFERENCE_STOP);
        }
      }
      assertThat(seen)
          .as(message.to())
          .containsExactlyInAnyOrderElementsOf(scenario.planFor(message.to()).kinds());
    }
  }

  @Test
  void postsNothingMoreOnceClosed() throws Exception {
    WebhookPoster poster =
        simulator.postWebhooksTo(
            receiver.url(), SECRET, WebhookScenario.everyMessageRead().withTimeScale(0.1));

    send("+33612345678", "fr", "Anna");
    simulator.stopWebhooks();
    Thread.sleep(800);

    assertThat(receiver.got()).hasSizeLessThanOrEqualTo(1);
    assertThat(simulator.webhooks()).isEmpty();
    assertThat(poster.counts().delivered()).isZero();
  }

  @Test
  void postsABodyOfTheTestsOwnSigned() throws Exception {
    byte[] body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response = WebhookPoster.post(receiver.url(), SECRET, body);

    assertThat(response.statusCode()).isEqualTo(200);
    Receiver.Got got = receiver.got().get(0);
    assertThat(got.body()).isEqualTo(body);
    assertThat(got.headers().getFirst("X-Hub-Signature-256"))
        .isEqualTo(WebhookPoster.signature(SECRET, body))
        .isEqualTo("sha256=" + hmacSha256Hex(SECRET, body));
  }

  // ---------------------------------------------------------------------------------------------

  private static Set<String> bodies(List<Receiver.Got> got, int status) {
    return got.stream()
        .filter(g -> g.status() == status)
        .map(g -> new String(g.body(), StandardCharsets.UTF_8))
        .collect(Collectors.toSet());
  }

  /** Sends a valid template to the simulator, as the job would. */
  private void send(String to, String language, String firstName) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("messaging_product", "whatsapp");
    body.put("to", to);
    body.put("type", "template");
    ObjectNode template = body.putObject("template");
    template.put("name", "cart_advisor_help");
    template.putObject("language").put("code", language);
    var components = template.putArray("components");
    var parameters = components.addObject().put("type", "body").putArray("parameters");
    parameters.addObject().put("type", "text").put("text", firstName);
    parameters.addObject().put("type", "text").put("text", "Trail shoe");
    components
        .addObject()
        .put("type", "button")
        .put("sub_type", "url")
        .put("index", "0")
        .putArray("parameters")
        .addObject()
        .put("type", "text")
        .put("text", "k-9");
    components
        .addObject()
        .put("type", "button")
        .put("sub_type", "quick_reply")
        .put("index", "1")
        .putArray("parameters")
        .addObject()
        .put("type", "payload")
        .put("payload", "advisor:k-9");
    body.put("biz_opaque_callback_data", "k-" + to);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(simulator.baseUrl() + SEND_PATH))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** Computed here, not with the poster's code, so that a wrong signature cannot check itself. */
  private static String hmacSha256Hex(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** testkit/target/test-classes, three levels below the repository root. */
  private static Path repositoryRoot() throws URISyntaxException {
    Path testClasses =
        Path.of(
            WebhookPosterTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path root = testClasses.getParent().getParent().getParent().toAbsolutePath().normalize();
    assertThat(root.resolve("schemas/inputs")).isDirectory();
    return root;
  }

  /** A webhook receiver: records every POST and answers 200, or 503 while told to refuse. */
  private static final class Receiver implements AutoCloseable {

    record Got(Headers headers, byte[] body, int status) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<Got> got = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger refuse = new AtomicInteger();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.createContext(
          "/webhooks/whatsapp",
          exchange -> {
            try (exchange) {
              byte[] body = exchange.getRequestBody().readAllBytes();
              int status = refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 200;
              got.add(new Got(exchange.getRequestHeaders(), body, status));
              exchange.sendResponseHeaders(status, -1);
            }
          });
      server.setExecutor(threads);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/whatsapp");
    }

    void refuseNext(int count) {
      refuse.set(count);
    }

    List<Got> got() {
      synchronized (got) {
        return List.copyOf(got);
      }
    }

    /** Every change of every POST answered 200, in arrival order. */
    List<JsonNode> changes() throws IOException {
      List<JsonNode> changes = new ArrayList<>();
      for (Got post : got()) {
        if (post.status() != 200) {
          continue;
        }
        JSON.readTree(post.body())
            .path("entry")
            .forEach(entry -> entry.path("changes").forEach(changes::add));
      }
      return changes;
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
