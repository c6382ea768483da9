package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.testkit.LogCapture;
import dev.cartrescue.testkit.cloudapi.ReceivedRequest;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WhatsApp delivery through the whole job, live, against a real broker and the Cloud API simulator
 * (issue 4): an opt-out (131050) ends as {@code failed/opted_out} and withdraws the contact's
 * consent for later carts; and the access token shows nowhere, neither in the REST API that the
 * Flink UI reads nor in the logs of the running job, where phone numbers are masked.
 */
class WhatsAppDeliveryEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "EAAGm0PXsecret7Zz";
  private static final String OPTED_OUT_NUMBER = "+33612345690";

  @TempDir static Path temp;

  private static JobUnderTest job;
  private static JobClient running;
  private static String restUrl;
  private static LogCapture everything;
  private static LogCapture ours;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static JsonNode optOut;
  private static JsonNode ok;
  private static JsonNode laterCartOfTheOptedOut;

  @BeforeAll
  static void startTheJob() throws Exception {
    everything = LogCapture.of("", Level.INFO);
    ours = LogCapture.of("dev.cartrescue", Level.DEBUG);
    job = JobUnderTest.create(temp, TOKEN, 2);
    job.cloudApi().optOut(OPTED_OUT_NUMBER);
    long now = System.currentTimeMillis();
    profile("c-opt", "0612345690", now - 60_000);
    profile("c-ok", "0612345691", now - 60_000);

    int restPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      restPort = socket.getLocalPort();
    }
    restUrl = "http://127.0.0.1:" + restPort;
    running =
        job.set("kafka.group-id", "delivery-e2e")
            .set("rule.abandon-after", "PT2S")
            .set("rule.capping-period", "PT2S")
            .flink("rest.port", String.valueOf(restPort))
            .flink("rest.address", "127.0.0.1")
            .start();
    sendTheCarts();
  }

  /**
   * The traffic every test reads: an opted-out user's cart, an ordinary one, then the opted-out
   * user's next cart, later than the capping period.
   */
  private static void sendTheCarts() throws Exception {
    job.addToCart("c-opt", "k-opt-1", System.currentTimeMillis());
    job.addToCart("c-ok", "k-ok", System.currentTimeMillis());
    optOut = job.awaitOutcome(cart("k-opt-1"));
    ok = job.awaitOutcome(cart("k-ok"));
    job.addToCart("c-opt", "k-opt-2", System.currentTimeMillis());
    laterCartOfTheOptedOut = job.awaitOutcome(cart("k-opt-2"));
  }

  @AfterAll
  static void stopTheJob() throws Exception {
    try {
      if (job != null) {
        job.close();
      }
    } finally {
      if (ours != null) {
        ours.close();
      }
      if (everything != null) {
        everything.close();
      }
    }
  }

  @Test
  void anOptedOutUserFailsAsOptedOutAndGetsNoLaterCart() {
    assertThat(optOut.get("outcome").asText()).isEqualTo("failed");
    assertThat(optOut.get("reason").asText()).isEqualTo("opted_out");
    assertThat(optOut.get("error_code").asInt()).isEqualTo(131050);
    assertThat(ok.get("outcome").asText()).isEqualTo("sent");

    // Later than the capping period: the opt-out stops it (a failed send caps nobody).
    assertThat(laterCartOfTheOptedOut.get("outcome").asText()).isEqualTo("suppressed");
    assertThat(laterCartOfTheOptedOut.get("reason").asText()).isEqualTo("no_consent");
    assertThat(job.cloudApi().requests())
        .filteredOn(r -> r.body() != null && OPTED_OUT_NUMBER.equals(r.body().path("to").asText()))
        .extracting(ReceivedRequest::errorCode)
        .containsExactly(131050);
  }

  @Test
  void theTokenAppearsNowhereInTheRestApiOfTheRunningJob() throws Exception {
    String jobId = running.getJobID().toHexString();
    Map<String, String> pages = new LinkedHashMap<>();
    for (String path :
        List.of(
            "/overview",
            "/config",
            "/jobs/overview",
            "/jobs/" + jobId,
            "/jobs/" + jobId + "/config",
            "/jobs/" + jobId + "/plan",
            "/jobs/" + jobId + "/exceptions",
            "/jobs/" + jobId + "/checkpoints/config",
            "/jobmanager/config",
            "/jobmanager/environment",
            "/taskmanagers")) {
      pages.put(path, get(path).body());
    }
    for (JsonNode vertex : JSON.readTree(pages.get("/jobs/" + jobId)).path("vertices")) {
      String vertexPath = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
      pages.put(vertexPath, get(vertexPath).body());
    }
    for (JsonNode taskManager : JSON.readTree(pages.get("/taskmanagers")).path("taskmanagers")) {
      String base = "/taskmanagers/" + taskManager.path("id").asText();
      pages.put(base, get(base).body());
      HttpResponse<String> logs = get(base + "/logs");
      pages.put(base + "/logs (HTTP " + logs.statusCode() + ")", logs.body());
    }

    assertThat(JSON.readTree(pages.get("/jobs/" + jobId + "/plan")).path("plan").path("nodes"))
        .as("the plan was read")
        .isNotEmpty();
    assertThat(pages.get("/jobmanager/config")).contains("rest.port");
    pages.forEach((path, body) -> assertThat(body).as(path).doesNotContain(TOKEN));
  }

  @Test
  void theTokenAppearsNowhereInTheLogsAndPhoneNumbersOnlyMasked() {
    String logs = everything.text() + "\n" + ours.text();

    assertThat(everything.lines()).as("the job logged at INFO").isNotEmpty();
    assertThat(logs)
        .contains("WhatsApp sender")
        .contains("+33******90")
        .doesNotContain(TOKEN)
        .doesNotContain("612345690")
        .doesNotContain("612345691");
  }

  private static void profile(String contact, String number, long updatedAt) {
    job.write(
        ShopRecords.profile(contact)
            .phone("33", number)
            .consent(true)
            .firstName("Zoé")
            .updatedAt(updatedAt));
  }

  private static Predicate<JsonNode> cart(String cartId) {
    return outcome -> outcome.get("cart_id").asText().equals(cartId);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
