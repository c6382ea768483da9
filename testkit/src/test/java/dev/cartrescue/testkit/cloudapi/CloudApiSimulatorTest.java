package dev.cartrescue.testkit.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CloudApiSimulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "test-token";
  private static final String SEND_PATH = "/v23.0/106540352242922/messages";
  private static final String VALID =
      """
      {"messaging_product":"whatsapp","to":"+33612345678","type":"template",
       "template":{"name":"cart_advisor_help","language":{"code":"fr"},
        "components":[
         {"type":"body","parameters":[{"type":"text","text":"Anna"},
                                      {"type":"text","text":"Trail shoe and 2 more"}]},
         {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"k-9"}]},
         {"type":"button","sub_type":"quick_reply","index":"1",
          "parameters":[{"type":"payload","payload":"advisor:k-9"}]}]},
       "biz_opaque_callback_data":"k-9"}
      """;

  private final HttpClient http = HttpClient.newHttpClient();
  private CloudApiSimulator simulator;

  @BeforeEach
  void startSimulator() {
    simulator = CloudApiSimulator.start(0, TOKEN);
  }

  @AfterEach
  void stopSimulator() {
    simulator.close();
  }

  @Test
  void acceptsAValidTemplateMessageAndRecordsIt() throws Exception {
    HttpResponse<String> response = post(SEND_PATH, TOKEN, VALID);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(answer.path("contacts").path(0).path("input").asText()).isEqualTo("+33612345678");
    assertThat(answer.path("contacts").path(0).path("wa_id").asText()).isEqualTo("33612345678");
    String messageId = answer.path("messages").path(0).path("id").asText();
    assertThat(messageId).startsWith("wamid.");

    assertThat(simulator.received())
        .singleElement()
        .satisfies(
            message -> {
              assertThat(message.phoneNumberId()).isEqualTo("106540352242922");
              assertThat(message.to()).isEqualTo("+33612345678");
              assertThat(message.messageId()).isEqualTo(messageId);
              assertThat(message.body()).isEqualTo(JSON.readTree(VALID));
            });
    assertThat(simulator.requests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.path()).isEqualTo(SEND_PATH);
              assertThat(request.status()).isEqualTo(200);
              assertThat(request.errorCode()).isNull();
            });
  }

  @Test
  void givesEveryAcceptedMessageItsOwnId() throws Exception {
    post(SEND_PATH, TOKEN, VALID);
    post("/v24.0/106540352242922/messages", TOKEN, VALID);

    assertThat(simulator.received())
        .extracting(ReceivedMessage::messageId)
        .doesNotHaveDuplicates()
        .hasSize(2);
  }

  @Test
  void acceptsBodyTextAtTheLimits() throws Exception {
    String limits =
        mutate(
            VALID,
            request -> {
              ArrayNode parameters = bodyParameters(request);
              ((ObjectNode) parameters.get(0)).put("text", "a    b");
              ((ObjectNode) parameters.get(1)).put("text", "x".repeat(1024));
            });

    assertThat(post(SEND_PATH, TOKEN, limits).statusCode()).isEqualTo(200);
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        rejection("messaging_product missing", r -> r.remove("messaging_product"), 131008),
        rejection("messaging_product not whatsapp", r -> r.put("messaging_product", "sms"), 131009),
        rejection("to missing", r -> r.remove("to"), 131008),
        rejection("to without '+'", r -> r.put("to", "33612345678"), 131009),
        rejection("to with 7 digits", r -> r.put("to", "+1234567"), 131009),
        rejection("to with 16 digits", r -> r.put("to", "+1234567890123456"), 131009),
        rejection("to with spaces", r -> r.put("to", "+33 6 12 34 56 78"), 131009),
        rejection("to as a number", r -> r.put("to", 33612345678L), 100),
        rejection("type not template", r -> r.put("type", "text"), 131009),
        rejection("template missing", r -> r.remove("template"), 131008),
        rejection("template name empty", r -> template(r).put("name", ""), 131009),
        rejection("language missing", r -> template(r).remove("language"), 131008),
        rejection(
            "language code missing",
            r -> ((ObjectNode) template(r).get("language")).removeAll(),
            131008),
        rejection("components missing", r -> template(r).remove("components"), 131008),
        rejection("one body parameter", r -> bodyParameters(r).remove(1), 100),
        rejection(
            "three body parameters",
            r -> bodyParameters(r).addObject().put("type", "text").put("text", "more"),
            100),
        rejection("body text with a newline", r -> bodyText(r, "Anna\nBob"), 131009),
        rejection("body text with a tab", r -> bodyText(r, "Anna\tBob"), 131009),
        rejection("body text with five spaces", r -> bodyText(r, "Anna     Bob"), 131009),
        rejection("body text of 1025 characters", r -> bodyText(r, "x".repeat(1025)), 131009),
        rejection("empty body text", r -> bodyText(r, ""), 131009),
        rejection(
            "buttons in the wrong order",
            r -> {
              ArrayNode components = components(r);
              components.insert(1, components.remove(2));
            },
            100),
        rejection("url button at index 1", r -> component(r, 1).put("index", "1"), 100),
        rejection(
            "url button with two parameters",
            r ->
                ((ArrayNode) component(r, 1).get("parameters"))
                    .addObject()
                    .put("type", "text")
                    .put("text", "x"),
            100),
        rejection(
            "quick reply with a text parameter",
            r ->
                ((ObjectNode) component(r, 2).get("parameters").get(0))
                    .put("type", "text")
                    .put("text", "x"),
            100),
        rejection("quick reply button missing", r -> components(r).remove(2), 100),
        rejection("body missing", r -> components(r).remove(0), 100));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("invalidRequests")
  void rejectsInvalidRequestsWithMetasErrorCode(String name, String body, int expectedCode)
      throws Exception {
    HttpResponse<String> response = post(SEND_PATH, TOKEN, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertMetaError(response, expectedCode);
    assertThat(simulator.received()).isEmpty();
    assertThat(simulator.requests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.status()).isEqualTo(400);
              assertThat(request.errorCode()).isEqualTo(expectedCode);
              assertThat(request.body()).isEqualTo(JSON.readTree(body));
            });
  }

  private static final String MARKETING_PATH = "/v23.0/106540352242922/marketing_messages";

  @Test
  void acceptsTheSameTemplateOnTheMarketingMessagesApiAndRecordsTheEndpoint() throws Exception {
    String marketing =
        mutate(
            VALID,
            r -> {
              r.put("recipient_type", "individual");
              r.put("product_policy", "STRICT");
              r.put("message_activity_sharing", false);
            });

    HttpResponse<String> response = post(MARKETING_PATH, TOKEN, marketing);
    post(SEND_PATH, TOKEN, mutate(VALID, r -> r.put("to", "+33612345679")));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("messages").path(0).path("message_status").asText())
        .isEqualTo("accepted");
    assertThat(simulator.received())
        .extracting(ReceivedMessage::endpoint, ReceivedMessage::to)
        .containsExactly(
            tuple("marketing_messages", "+33612345678"), tuple("messages", "+33612345679"));
    assertThat(simulator.requests())
        .extracting(ReceivedRequest::endpoint)
        .containsExactly("marketing_messages", "messages");
  }

  @Test
  void aRequestBuiltWithoutItsEndpointTakesTheOneItsPathNames() {
    java.time.Instant now = java.time.Instant.now();

    assertThat(new ReceivedRequest(now, MARKETING_PATH, 200, null, null).endpoint())
        .isEqualTo("marketing_messages");
    assertThat(new ReceivedRequest(now, SEND_PATH, 200, null, null).endpoint())
        .isEqualTo("messages");
    assertThat(new ReceivedRequest(now, "/v23.0/1/media", 400, null, 100).endpoint()).isNull();
  }

  @Test
  void theProductPolicyIsOptionalOnTheMarketingMessagesApiAsInMetasSchema() throws Exception {
    assertThat(post(MARKETING_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
  }

  static Stream<Arguments> invalidMarketingFields() {
    return Stream.of(
        rejection("unknown product policy", r -> r.put("product_policy", "LOOSE"), 100),
        rejection("lowercase product policy", r -> r.put("product_policy", "strict"), 100),
        rejection("product policy as a number", r -> r.put("product_policy", 1), 100),
        rejection("activity sharing as text", r -> r.put("message_activity_sharing", "yes"), 100),
        rejection("recipient type group", r -> r.put("recipient_type", "group"), 100),
        rejection("not a template", r -> r.put("type", "text"), 131009));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("invalidMarketingFields")
  void rejectsInvalidMarketingFieldsWithCode100(String name, String body, int expectedCode)
      throws Exception {
    HttpResponse<String> response = post(MARKETING_PATH, TOKEN, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertMetaError(response, expectedCode);
    assertThat(simulator.received()).isEmpty();
  }

  @Test
  void ignoresTheMarketingFieldsOnMessages() throws Exception {
    String body = mutate(VALID, r -> r.put("product_policy", "LOOSE"));

    assertThat(post(SEND_PATH, TOKEN, body).statusCode()).isEqualTo(200);
  }

  @Test
  void refusesMarketingMessagesWith131055UntilTheBusinessIsOnboarded() throws Exception {
    simulator.refuseMarketingMessages(true);

    HttpResponse<String> refused = post(MARKETING_PATH, TOKEN, VALID);
    HttpResponse<String> cloudApi = post(SEND_PATH, TOKEN, VALID);
    simulator.refuseMarketingMessages(false);
    HttpResponse<String> onboarded =
        post(MARKETING_PATH, TOKEN, mutate(VALID, r -> r.put("to", "+33612345679")));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertMetaError(refused, 131055);
    assertThat(cloudApi.statusCode()).isEqualTo(200);
    assertThat(onboarded.statusCode()).isEqualTo(200);
  }

  @Test
  void rejectsABodyThatIsNotJson() throws Exception {
    HttpResponse<String> response = post(SEND_PATH, TOKEN, "to=+33612345678");

    assertThat(response.statusCode()).isEqualTo(400);
    assertMetaError(response, 100);
    assertThat(simulator.requests()).singleElement().extracting(ReceivedRequest::body).isNull();
  }

  @Test
  void rejectsAPostToAnotherPath() throws Exception {
    HttpResponse<String> response = post("/v23.0/106540352242922/media", TOKEN, VALID);

    assertThat(response.statusCode()).isEqualTo(400);
    assertMetaError(response, 100);
  }

  @Test
  void rejectsAMissingOrWrongTokenAsOAuthException() throws Exception {
    HttpResponse<String> missing = post(SEND_PATH, null, VALID);
    HttpResponse<String> wrong = post(SEND_PATH, "stolen", VALID);

    for (HttpResponse<String> response : List.of(missing, wrong)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertMetaError(response, 190);
      assertThat(JSON.readTree(response.body()).path("error").path("type").asText())
          .isEqualTo("OAuthException");
    }
    assertThat(simulator.received()).isEmpty();
    assertThat(simulator.requests()).extracting(ReceivedRequest::status).containsExactly(401, 401);
  }

  @Test
  void acceptsOnlyTheNewTokenAfterRotation() throws Exception {
    simulator.setToken("rotated");

    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(401);
    assertThat(post(SEND_PATH, "rotated", VALID).statusCode()).isEqualTo(200);
  }

  @Test
  void answersTheNextSendsWithAnInjectedFailureThenRecovers() throws Exception {
    simulator.failNext(2, 429, 130429);

    HttpResponse<String> first = post(SEND_PATH, TOKEN, VALID);
    HttpResponse<String> second = post(SEND_PATH, TOKEN, VALID);
    HttpResponse<String> third = post(SEND_PATH, TOKEN, VALID);

    assertThat(first.statusCode()).isEqualTo(429);
    assertMetaError(first, 130429);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(simulator.requests())
        .extracting(ReceivedRequest::errorCode)
        .containsExactly(130429, 130429, null);
    assertThat(simulator.received()).hasSize(1);
  }

  @Test
  void injectedFailuresDoNotConsumeUnauthenticatedRequests() throws Exception {
    simulator.failNext(1, 503, 131000);

    assertThat(post(SEND_PATH, "wrong", VALID).statusCode()).isEqualTo(401);
    HttpResponse<String> injected = post(SEND_PATH, TOKEN, VALID);

    assertThat(injected.statusCode()).isEqualTo(503);
    assertMetaError(injected, 131000);
  }

  @Test
  void waitsTheConfiguredLatencyBeforeAnswering() throws Exception {
    simulator.setLatency(Duration.ofMillis(300));

    long start = System.nanoTime();
    HttpResponse<String> response = post(SEND_PATH, TOKEN, VALID);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void resetForgetsRecordingsAndInjections() throws Exception {
    post(SEND_PATH, TOKEN, VALID);
    simulator.failNext(5, 500, 131000);

    simulator.reset();

    assertThat(simulator.requests()).isEmpty();
    assertThat(simulator.received()).isEmpty();
    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
  }

  @Test
  void answersEverySendWithAPlain503DuringAnOutageThenRecovers() throws Exception {
    simulator.startOutage();

    HttpResponse<String> during = post(SEND_PATH, TOKEN, VALID);
    HttpResponse<String> withoutToken = post(SEND_PATH, null, VALID);
    simulator.endOutage();
    HttpResponse<String> after = post(SEND_PATH, TOKEN, VALID);

    assertThat(during.statusCode()).isEqualTo(503);
    assertThat(during.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(withoutToken.statusCode()).isEqualTo(503);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(simulator.requests())
        .extracting(ReceivedRequest::status, ReceivedRequest::errorCode)
        .containsExactly(tuple(503, null), tuple(503, null), tuple(200, null));
    assertThat(simulator.received()).hasSize(1);
  }

  @Test
  void anOutageForADurationEndsByItself() throws Exception {
    simulator.outageFor(Duration.ofMillis(200));

    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(503);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = 503;
    while (status == 503 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      status = post(SEND_PATH, TOKEN, VALID).statusCode();
    }
    assertThat(status).isEqualTo(200);
  }

  @Test
  void leavesASendWithoutAnswerAndDeliversNothing() throws Exception {
    simulator.noAnswerNext(1);

    HttpRequest request =
        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + SEND_PATH))
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(Duration.ofMillis(300))
            .POST(HttpRequest.BodyPublishers.ofString(VALID))
            .build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);

    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
    assertThat(simulator.requests()).extracting(ReceivedRequest::status).containsExactly(0, 200);
    assertThat(simulator.received()).hasSize(1);
  }

  @Test
  void refusesANumberThatStoppedMarketingMessagesWith131050() throws Exception {
    simulator.optOut("+33612345678");

    HttpResponse<String> optedOut = post(SEND_PATH, TOKEN, VALID);
    HttpResponse<String> other =
        post(SEND_PATH, TOKEN, mutate(VALID, r -> r.put("to", "+4915112345678")));

    assertThat(optedOut.statusCode()).isEqualTo(400);
    assertMetaError(optedOut, 131050);
    assertThat(other.statusCode()).isEqualTo(200);
  }

  @Test
  void refusesASecondMessageToOneNumberWithinThePairRateWindowWith131056() throws Exception {
    simulator.enforcePairRate(Duration.ofMillis(500));
    String otherNumber = mutate(VALID, r -> r.put("to", "+4915112345678"));

    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
    HttpResponse<String> tooSoon = post(SEND_PATH, TOKEN, VALID);
    assertThat(post(SEND_PATH, TOKEN, otherNumber).statusCode()).isEqualTo(200);
    Thread.sleep(600);
    HttpResponse<String> later = post(SEND_PATH, TOKEN, VALID);

    assertThat(tooSoon.statusCode()).isEqualTo(400);
    assertMetaError(tooSoon, 131056);
    assertThat(later.statusCode()).isEqualTo(200);
    assertThat(simulator.received()).hasSize(3);
  }

  @Test
  void refusesMessagesBeyondTheThroughputLimitWith130429() throws Exception {
    simulator.limitThroughput(2);

    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      codes.add(post(SEND_PATH, TOKEN, mutate(VALID, numbered(i))).statusCode());
    }

    // Three requests in a row take far less than a second, even on a loaded machine.
    assertThat(codes).containsExactly(200, 200, 400);
    assertThat(simulator.requests().get(2).errorCode()).isEqualTo(130429);
  }

  @Test
  void refusesALanguageTheTemplateIsNotApprovedInWith132001() throws Exception {
    simulator.approveLanguages("en", "fr");

    HttpResponse<String> german = post(SEND_PATH, TOKEN, mutate(VALID, r -> language(r, "de")));
    HttpResponse<String> french = post(SEND_PATH, TOKEN, VALID);

    assertThat(german.statusCode()).isEqualTo(404);
    assertMetaError(german, 132001);
    assertThat(french.statusCode()).isEqualTo(200);
  }

  @Test
  void waitsALatencyWithinTheGivenRange() throws Exception {
    simulator.setLatency(Duration.ofMillis(100), Duration.ofMillis(200));

    long start = System.nanoTime();
    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void countsAcceptedMessagesByTheirCallbackData() throws Exception {
    post(SEND_PATH, TOKEN, VALID);
    post(SEND_PATH, TOKEN, VALID);
    post(SEND_PATH, TOKEN, mutate(VALID, r -> r.put("biz_opaque_callback_data", "k-10")));
    post(SEND_PATH, TOKEN, mutate(VALID, r -> r.remove("biz_opaque_callback_data")));

    assertThat(simulator.acceptedCountByCallbackData())
        .containsOnly(entry("k-9", 2L), entry("k-10", 1L));
  }

  @Test
  void resetTurnsEveryInjectionOff() throws Exception {
    simulator.startOutage();
    simulator.optOut("+33612345678");
    simulator.enforcePairRate(Duration.ofMinutes(1));
    simulator.limitThroughput(1);
    simulator.approveLanguages("de");
    simulator.noAnswerNext(3);
    simulator.refuseMarketingMessages(true);

    simulator.reset();

    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
    assertThat(post(SEND_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
    assertThat(post(MARKETING_PATH, TOKEN, VALID).statusCode()).isEqualTo(200);
  }

  @Test
  void showsDeliveredMessagesNewestFirstAsHtmlAndJson() throws Exception {
    post(SEND_PATH, TOKEN, VALID);
    post(SEND_PATH, TOKEN, mutate(VALID, r -> bodyText(r, "<Zoé & co>")));

    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body())
        .contains("http-equiv=\"refresh\" content=\"2\"")
        .contains("+33612345678")
        .contains("Trail shoe and 2 more")
        .contains("k-9")
        .contains("advisor:k-9")
        .contains("&lt;Zoé &amp; co&gt;")
        .doesNotContain("<Zoé");
    assertThat(page.body().indexOf("Zoé")).isLessThan(page.body().indexOf("Anna"));
    assertThat(get("/messages").body()).isEqualTo(page.body());

    JsonNode json = JSON.readTree(get("/_sim/messages.json").body());
    assertThat(json.path("count").asInt()).isEqualTo(2);
    JsonNode newest = json.path("messages").path(0);
    assertThat(newest.path("to").asText()).isEqualTo("+33612345678");
    assertThat(newest.path("body_parameters").get(0).asText()).isEqualTo("<Zoé & co>");
    assertThat(newest.path("url_button_parameter").asText()).isEqualTo("k-9");
    assertThat(newest.path("quick_reply_payload").asText()).isEqualTo("advisor:k-9");
    assertThat(newest.path("message_id").asText())
        .isEqualTo(simulator.received().get(1).messageId());
    assertThat(json.path("messages").path(1).path("body_parameters").get(0).asText())
        .isEqualTo("Anna");
  }

  private HttpResponse<String> post(String path, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertMetaError(HttpResponse<String> response, int code) throws IOException {
    JsonNode error = JSON.readTree(response.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(code);
    assertThat(error.path("message").asText()).startsWith("(#" + code + ")");
    assertThat(error.path("type").asText()).isNotEmpty();
    assertThat(error.path("error_data").path("details").asText()).isNotEmpty();
    assertThat(error.path("fbtrace_id").asText()).isNotEmpty();
  }

  private static Arguments rejection(String name, Consumer<ObjectNode> change, int code) {
    return Arguments.of(name, mutate(VALID, change), code);
  }

  private static String mutate(String json, Consumer<ObjectNode> change) {
    try {
      ObjectNode request = (ObjectNode) JSON.readTree(json);
      change.accept(request);
      return request.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Consumer<ObjectNode> numbered(int i) {
    return r -> r.put("to", "+3361234567" + i);
  }

  private static void language(ObjectNode request, String code) {
    ((ObjectNode) template(request).get("language")).put("code", code);
  }

  private static ObjectNode template(ObjectNode request) {
    return (ObjectNode) request.get("template");
  }

  private static ArrayNode components(ObjectNode request) {
    return (ArrayNode) template(request).get("components");
  }

  private static ObjectNode component(ObjectNode request, int index) {
    return (ObjectNode) components(request).get(index);
  }

  private static ArrayNode bodyParameters(ObjectNode request) {
    return (ArrayNode) component(request, 0).get("parameters");
  }

  private static void bodyText(ObjectNode request, String text) {
    ((ObjectNode) bodyParameters(request).get(0)).put("text", text);
  }
}
