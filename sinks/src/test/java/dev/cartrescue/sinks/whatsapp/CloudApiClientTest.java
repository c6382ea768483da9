package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.sinks.whatsapp.AttemptResult.Kind;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloudApiClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "EAAG-test-token";
  private static final String PHONE_NUMBER_ID = "106540352242922";

  private static CloudApiSimulator simulator;

  @BeforeAll
  static void startSimulator() {
    simulator = CloudApiSimulator.start(0, TOKEN);
  }

  @AfterAll
  static void stopSimulator() {
    simulator.close();
  }

  @BeforeEach
  void resetSimulator() {
    simulator.reset();
    simulator.setToken(TOKEN);
  }

  @Test
  void sendsTheTemplateRequestWithTheBearerToken() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        CloudApiClient client = client(server.baseUrl())) {
      server.answer(200, "application/json", "{\"messages\":[{\"id\":\"wamid.X\"}]}");

      AttemptResult result = send(client, message());

      assertThat(result).isEqualTo(AttemptResult.accepted("wamid.X"));
      ScriptedServer.Request request = server.lastRequest();
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path())
          .isEqualTo(
              "/" + CloudApiSettings.DEFAULT_API_VERSION + "/" + PHONE_NUMBER_ID + "/messages");
      assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(request.headers().getFirst("Content-Type")).startsWith("application/json");
      assertThat(request.body())
          .isEqualTo(
              JSON.readTree(
                      """
                      {"messaging_product":"whatsapp","to":"+33612345678","type":"template",
                       "template":{"name":"cart_advisor_help","language":{"code":"fr"},
                        "components":[
                         {"type":"body","parameters":[{"type":"text","text":"Anna"},
                                                      {"type":"text","text":"Trail shoe"}]},
                         {"type":"button","sub_type":"url","index":"0",
                          "parameters":[{"type":"text","text":"k-9"}]},
                         {"type":"button","sub_type":"quick_reply","index":"1",
                          "parameters":[{"type":"payload","payload":"advisor:k-9"}]}]},
                       "biz_opaque_callback_data":"cart:k-9"}
                      """)
                  .toString());
    }
  }

  @Test
  void leavesOutTheCallbackDataWhenThereIsNone() throws Exception {
    TemplateMessage message = message();
    message.bizOpaqueCallbackData = null;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      send(client, message);
    }
    assertThat(simulator.received())
        .singleElement()
        .satisfies(
            received -> assertThat(received.body().has("biz_opaque_callback_data")).isFalse());
  }

  @Test
  void sendsToTheMarketingMessagesApiWithTheProductPolicy() throws Exception {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .baseUrl(simulator.baseUrl())
            .phoneNumberId(PHONE_NUMBER_ID)
            .endpoint(CloudApiSettings.Endpoint.MARKETING_MESSAGES)
            .productPolicy(CloudApiSettings.ProductPolicy.STRICT)
            .build();

    AttemptResult result;
    try (CloudApiClient client = new CloudApiClient(settings, TOKEN, 4)) {
      result = send(client, message());
    }

    assertThat(result.kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(simulator.received())
        .singleElement()
        .satisfies(
            received -> {
              assertThat(received.endpoint()).isEqualTo("marketing_messages");
              assertThat(received.body().path("product_policy").asText()).isEqualTo("STRICT");
            });
  }

  @Test
  void returnsTheMessageIdTheCloudApiGives() throws Exception {
    AttemptResult result;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      result = send(client, message());
    }
    assertThat(result.kind()).isEqualTo(Kind.ACCEPTED);
    assertThat(result.messageId()).isEqualTo(simulator.received().get(0).messageId());
  }

  @ParameterizedTest(name = "HTTP {0} code {1} -> {2} {3}")
  @CsvSource({
    "429, 130429, RETRYABLE, retryable_error",
    "400, 131056, RETRYABLE, retryable_error",
    "400, 4, RETRYABLE, retryable_error",
    "400, 80007, RETRYABLE, retryable_error",
    "500, 131000, RETRYABLE, retryable_error",
    "503, 131016, RETRYABLE, retryable_error",
    "503, 133004, RETRYABLE, retryable_error",
    "503, 2, RETRYABLE, retryable_error",
    "400, 131057, RETRYABLE, retryable_error",
    "500, 987654, RETRYABLE, retryable_error",
    "400, 131026, PERMANENT, permanent_error",
    "400, 131049, PERMANENT, permanent_error",
    "400, 131050, PERMANENT, opted_out",
    "400, 131047, PERMANENT, permanent_error",
    "400, 132001, PERMANENT, permanent_error",
    "400, 131009, PERMANENT, permanent_error",
    "400, 368, PERMANENT, permanent_error",
    "500, 133010, PERMANENT, permanent_error",
    "500, 131055, PERMANENT, permanent_error",
    "400, 987654, PERMANENT, permanent_error",
    "401, 190, UNAUTHORIZED, unauthorized",
    "403, 10, UNAUTHORIZED, unauthorized",
    "403, 200, UNAUTHORIZED, unauthorized",
    "400, 3, UNAUTHORIZED, unauthorized",
    "400, 0, UNAUTHORIZED, unauthorized"
  })
  void classifiesCloudApiErrorsByTheirCode(int status, int code, Kind kind, String reason)
      throws Exception {
    simulator.failNext(1, status, code);

    AttemptResult result;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      result = send(client, message());
    }

    assertThat(result.kind()).isEqualTo(kind);
    assertThat(result.errorCode()).isEqualTo(code);
    assertThat(result.reason()).isEqualTo(reason);
    assertThat(result.detail()).contains("fbtrace_id=");
  }

  @Test
  void aRefusedTokenIsUnauthorized() throws Exception {
    simulator.setToken("rotated");

    AttemptResult result;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      result = send(client, message());
    }

    assertThat(result.kind()).isEqualTo(Kind.UNAUTHORIZED);
    assertThat(result.errorCode()).isEqualTo(190);
    assertThat(result.detail()).doesNotContain(TOKEN);
  }

  @Test
  void sendsWithAReplacedTokenFromTheNextRequestOn() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        CloudApiClient client = client(server.baseUrl())) {
      server.answer(200, "application/json", "{\"messages\":[{\"id\":\"wamid.X\"}]}");

      client.accessToken("EAAG-replaced");
      send(client, message());

      assertThat(server.lastRequest().headers().getFirst("Authorization"))
          .isEqualTo("Bearer EAAG-replaced");
    }
  }

  @Test
  void masksTheTokenWhereAnAnswerQuotesIt() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        CloudApiClient client = client(server.baseUrl())) {
      server.answer(
          401,
          "application/json",
          "{\"error\":{\"message\":\"Malformed access token "
              + TOKEN
              + "\",\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"A1\"}}");

      AttemptResult result = send(client, message());

      assertThat(result.kind()).isEqualTo(Kind.UNAUTHORIZED);
      assertThat(result.detail()).doesNotContain(TOKEN).contains("[access token]");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "accepted, 200, , true",
    "refused by Meta, 400, 131026, false",
    "throttled, 400, 130429, false",
    "pair rate, 400, 131056, true",
    "refused token, 401, 190, false",
    "no answer, 0, , true"
  })
  void onlyARefusalProvesTheUserGotNothing(
      String what, int status, Integer code, boolean mayHaveReached) {
    AttemptResult result =
        status == 200
            ? AttemptResult.accepted("wamid.X")
            : status == 0
                ? AttemptResult.failed(Kind.RETRYABLE, null, SendResult.TIMEOUT, "no answer")
                : AttemptResult.answered(Kind.RETRYABLE, code, "x", "y", status);

    assertThat(result.mayHaveReachedTheUser()).isEqualTo(mayHaveReached);
  }

  @Test
  void aRequestTheCloudApiRejectsIsPermanentWithItsCode() throws Exception {
    TemplateMessage message = message();
    message.bodyParameters = List.of("Anna", "Trail shoe", "one too many");

    AttemptResult result;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      result = send(client, message);
    }

    assertThat(result.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(result.errorCode()).isEqualTo(100);
    assertThat(result.reason()).isEqualTo(SendResult.PERMANENT_ERROR);
  }

  @ParameterizedTest(name = "HTTP {0} {2} -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "502 | text/html        | <html>Bad gateway</html>        | RETRYABLE | retryable_error",
        "429 | text/plain       | slow down                       | RETRYABLE | retryable_error",
        "404 | text/html        | <html>Not found</html>          | PERMANENT | invalid_response",
        "401 | text/plain       | no                              | UNAUTHORIZED | unauthorized",
        "200 | application/json | {}                              | PERMANENT | invalid_response",
        "200 | application/json | {\"messages\":[]}               | PERMANENT | invalid_response",
        "200 | text/html        | <html>ok</html>                 | PERMANENT | invalid_response"
      })
  void classifiesAnswersWithoutACloudApiErrorByTheirStatus(
      int status, String contentType, String body, Kind kind, String reason) throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        CloudApiClient client = client(server.baseUrl())) {
      server.answer(status, contentType, body);

      AttemptResult result = send(client, message());

      assertThat(result.kind()).isEqualTo(kind);
      assertThat(result.reason()).isEqualTo(reason);
      assertThat(result.errorCode()).isNull();
    }
  }

  @Test
  void anAnswerThatTakesTooLongIsARetryableTimeout() throws Exception {
    simulator.setLatency(Duration.ofSeconds(2));

    AttemptResult result;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      result = send(client, message());
    }

    assertThat(result.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(result.reason()).isEqualTo(SendResult.TIMEOUT);
  }

  @Test
  void anUnreachableServerIsARetryableConnectionError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    AttemptResult result;
    try (CloudApiClient client = client("http://127.0.0.1:" + closedPort)) {
      result = send(client, message());
    }

    assertThat(result.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(result.reason()).isEqualTo(AttemptResult.CONNECTION_ERROR);
  }

  @Test
  void aMessageWithoutRecipientIsAnInvalidRequestAndNeverSent() throws Exception {
    TemplateMessage message = message();
    message.to = null;

    AttemptResult result;
    try (CloudApiClient client = client(simulator.baseUrl())) {
      result = send(client, message);
    }

    assertThat(result.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(result.reason()).isEqualTo(SendResult.INVALID_REQUEST);
    assertThat(simulator.requests()).isEmpty();
  }

  /** A template message as the job builds one, for the client's tests. */
  static TemplateMessage message() {
    return new TemplateMessage(
        "+33612345678",
        "cart_advisor_help",
        "fr",
        List.of("Anna", "Trail shoe"),
        "k-9",
        "advisor:k-9",
        "cart:k-9");
  }

  private static CloudApiClient client(String baseUrl) {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .baseUrl(baseUrl)
            .phoneNumberId(PHONE_NUMBER_ID)
            .connectTimeout(Duration.ofMillis(500))
            .responseTimeout(Duration.ofMillis(300))
            .build();
    return new CloudApiClient(settings, TOKEN, 4);
  }

  private static AttemptResult send(CloudApiClient client, TemplateMessage message)
      throws Exception {
    return client.send(message).get(10, TimeUnit.SECONDS);
  }
}
