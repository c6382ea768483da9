package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.logging.log4j.Level;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver against a real broker in the JVM and real HTTP over loopback. Each test has a topic
 * and a receiver of its own; "nothing written" is checked by a last, valid POST being the topic's
 * only record: the receiver's one producer writes in order to the one partition.
 */
class WebhookReceiverTest {
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static EmbeddedKafka kafka;

  private String topic;
  private WebhookReceiver receiver;
  private Meta meta;

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
  void startReceiver() {
    topic = "webhooks-" + TOPICS.incrementAndGet();
    Topic.create(kafka.bootstrapServers(), topic);
    receiver =
        WebhookReceiver.start(
            ReceiverOptions.of(
                Map.of(
                    "kafka.bootstrap-servers",
                    kafka.bootstrapServers(),
                    "webhooks.port",
                    "0",
                    "topic.webhooks",
                    topic),
                Notifications.APP_SECRET,
                Notifications.VERIFY_TOKEN));
    meta = new Meta(receiver.url());
  }

  @AfterEach
  void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void acceptsASignedNotificationAndWritesItsRawBytesToKafkaAsOneRecord() {
    byte[] body = Notifications.statuses("wamid.HBgLNDkxNTExMjM0NTY3OBUCABEYEjA");
    long before = System.currentTimeMillis();

    assertThat(meta.post(body)).isEqualTo(200);

    List<ConsumerRecord<byte[], byte[]>> records = records();
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = records.get(0);
    assertThat(record.value()).isEqualTo(body);
    assertThat(record.key()).isNull();
    Header receivedAt = record.headers().lastHeader(WebhookReceiver.RECEIVED_AT_HEADER);
    assertThat(receivedAt).isNotNull();
    long millis = Long.parseLong(new String(receivedAt.value(), StandardCharsets.UTF_8));
    assertThat(millis).isBetween(before, System.currentTimeMillis());
  }

  @Test
  void refusesANotificationSignedWithAnotherSecretAndWritesNothing() {
    byte[] body = Notifications.statuses("wamid.other-secret");

    assertThat(meta.post(body, Signature.of("another-app-secret", body))).isEqualTo(401);

    assertOnlyRecordIsALaterValidPost();
  }

  @Test
  void refusesANotificationWhoseBodyChangedAfterSigningAndWritesNothing() {
    byte[] signed = Notifications.statuses("wamid.altered");
    byte[] altered =
        new String(signed, StandardCharsets.UTF_8)
            .replace("\"status\":\"failed\"", "\"status\":\"read\"")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(meta.post(altered, Notifications.signed(signed))).isEqualTo(401);

    assertOnlyRecordIsALaterValidPost();
  }

  @Test
  void refusesANotificationWithoutSignatureOrWithAMalformedOneAndWritesNothing() {
    byte[] body = Notifications.statuses("wamid.unsigned");
    String hex = Notifications.signed(body).substring("sha256=".length());

    assertThat(meta.post(body, null)).isEqualTo(401);
    assertThat(meta.post(body, "")).isEqualTo(401);
    assertThat(meta.post(body, hex)).as("no sha256= prefix").isEqualTo(401);
    assertThat(meta.post(body, "sha1=" + hex)).isEqualTo(401);
    assertThat(meta.post(body, "sha256=" + hex.substring(2))).as("short").isEqualTo(401);
    assertThat(meta.post(body, "sha256=" + hex.substring(2) + "zz")).as("not hex").isEqualTo(401);

    assertOnlyRecordIsALaterValidPost();
  }

  @Test
  void acceptsASignatureInUpperCaseHex() {
    byte[] body = Notifications.quickReply("wamid.upper");
    String upper = "sha256=" + Notifications.signed(body).substring(7).toUpperCase();

    assertThat(meta.post(body, upper)).isEqualTo(200);
  }

  @Test
  void refusesTheSameJsonWrittenAgainWithOtherEscapesOrWhitespaceAndWritesNothing() {
    byte[] asMetaWroteIt = Notifications.quickReply("wamid.reserialised");
    String text = new String(asMetaWroteIt, StandardCharsets.UTF_8);
    assertThat(text).contains("Jos\\u00e9");
    String signature = Notifications.signed(asMetaWroteIt);
    List<String> sameJsonOtherBytes =
        List.of(
            text.replace("Jos\\u00e9 Garc\\u00eda", "José García"),
            text.replace("\\u00e9", "\\u00E9"),
            text.replace(",", ", "),
            text + "\n");

    for (String other : sameJsonOtherBytes) {
      assertThat(meta.post(other.getBytes(StandardCharsets.UTF_8), signature))
          .as(other)
          .isEqualTo(401);
    }

    assertOnlyRecordIsALaterValidPost();
  }

  @Test
  void keepsNonAsciiBytesAsTheyArrived() {
    byte[] unescaped =
        new String(Notifications.quickReply("wamid.utf8"), StandardCharsets.UTF_8)
            .replace("Jos\\u00e9 Garc\\u00eda", "José García 👋")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(meta.post(unescaped)).isEqualTo(200);

    assertThat(records()).extracting(ConsumerRecord::value).containsExactly(unescaped);
  }

  @Test
  void answersTheVerificationWithTheChallengeWhenTheTokenIsRight() {
    HttpResponse<String> answer =
        meta.verify("subscribe", Notifications.VERIFY_TOKEN, "1158201444");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("1158201444");
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
  }

  @Test
  void refusesTheVerificationWithAnotherTokenOrMode() {
    assertThat(meta.verify("subscribe", "meatyhamhock", "1158201444").statusCode()).isEqualTo(403);
    assertThat(meta.verify("subscribe", Notifications.VERIFY_TOKEN + "x", "1").statusCode())
        .isEqualTo(403);
    assertThat(meta.verify("unsubscribe", Notifications.VERIFY_TOKEN, "1").statusCode())
        .isEqualTo(403);
    assertThat(meta.get(WebhookReceiver.PATH).statusCode()).as("no parameters").isEqualTo(403);
  }

  @Test
  void refusesABodyOverThreeMegabytesByItsContentLengthWithoutReadingIt() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), receiver.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + WebhookReceiver.PATH
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: application/json\r\nX-Hub-Signature-256: sha256=00\r\n"
                  + "Content-Length: "
                  + (WebhookReceiver.MAX_BODY_BYTES + 1)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Not a byte of the body is sent: the answer comes from the headers alone.
      assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 413 ");
    }
    assertThat(metric("cart_rescue_webhooks_rejected_total{cause=\"too_large\"}")).isEqualTo(1);
  }

  @Test
  void refusesAChunkedBodyOverThreeMegabytesOnceItHasReadOneByteMore() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), receiver.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + WebhookReceiver.PATH
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      int chunks = WebhookReceiver.MAX_BODY_BYTES / chunk.length + 1;
      for (int i = 0; i < chunks; i++) {
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 413 ");
    }
    assertOnlyRecordIsALaterValidPost();
  }

  @Test
  void acceptsABodyOfExactlyThreeMegabytes() {
    byte[] body = largeNotification(WebhookReceiver.MAX_BODY_BYTES);

    assertThat(meta.post(body)).isEqualTo(200);

    assertThat(records()).extracting(ConsumerRecord::value).containsExactly(body);
  }

  @Test
  void refusesAnEmptyBodyWith400() {
    assertThat(meta.post(new byte[0])).isEqualTo(400);

    assertOnlyRecordIsALaterValidPost();
  }

  @Test
  void answers404ElsewhereAnd405ForOtherMethods() {
    assertThat(meta.get("/").statusCode()).isEqualTo(404);
    assertThat(meta.get("/webhooks/whatsapp/extra").statusCode()).isEqualTo(404);
    assertThat(meta.get("/webhooks/whatsappx").statusCode()).isEqualTo(404);
    assertThat(meta.get("/healthzz").statusCode()).isEqualTo(404);
    HttpResponse<String> put =
        meta.send(
            HttpRequest.newBuilder(receiver.url())
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
    assertThat(
            meta.send(
                    HttpRequest.newBuilder(receiver.url().resolve("/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void isHealthyWhileRunning() {
    HttpResponse<String> health = meta.get("/healthz");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
  }

  @Test
  void countsEveryOutcomeByCauseInPrometheusFormat() {
    byte[] body = Notifications.statuses("wamid.metrics");
    meta.post(body);
    meta.post(body);
    meta.post(body, null);
    meta.post(new byte[0]);
    meta.verify("subscribe", Notifications.VERIFY_TOKEN, "42");
    meta.verify("subscribe", "wrong", "42");

    HttpResponse<String> metrics = meta.get("/metrics");

    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body())
        .contains("# TYPE cart_rescue_webhooks_accepted_total counter\n")
        .contains("\ncart_rescue_webhooks_accepted_total 2\n")
        .contains("\ncart_rescue_webhooks_rejected_total{cause=\"signature\"} 1\n")
        .contains("\ncart_rescue_webhooks_rejected_total{cause=\"bad_request\"} 1\n")
        .contains("\ncart_rescue_webhooks_rejected_total{cause=\"verify\"} 1\n")
        .contains("\ncart_rescue_webhooks_rejected_total{cause=\"too_large\"} 0\n")
        .contains("\ncart_rescue_webhooks_rejected_total{cause=\"kafka\"} 0\n")
        .contains("\ncart_rescue_webhooks_verifications_total 1\n")
        .contains("# TYPE cart_rescue_webhooks_kafka_ack_seconds histogram\n")
        .contains("\ncart_rescue_webhooks_kafka_ack_seconds_bucket{le=\"+Inf\"} 2\n")
        .contains("\ncart_rescue_webhooks_kafka_ack_seconds_count 2\n")
        .doesNotContain(Notifications.APP_SECRET)
        .doesNotContain(Notifications.VERIFY_TOKEN);
  }

  @Test
  void logsNothingPerAcceptedRequestAndNeverABody() {
    byte[] body = Notifications.statuses("wamid.logged");
    try (LogCapture capture = LogCapture.of("dev.cartrescue.webhooks", Level.DEBUG)) {
      meta.post(body);
      meta.post(body);
      meta.post(body, Signature.of("another-app-secret", body));

      assertThat(capture.lines())
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .startsWith("WARN dev.cartrescue.webhooks.WebhookReceiver 401 for a POST");
      assertThat(capture.text())
          .doesNotContain("4915112345678")
          .doesNotContain("wamid.logged")
          .doesNotContain(Notifications.APP_SECRET);
    }
  }

  /** One more, valid POST, and it alone in the topic: nothing before it was written. */
  private void assertOnlyRecordIsALaterValidPost() {
    byte[] valid = Notifications.statuses("wamid.the-valid-one");
    assertThat(meta.post(valid)).isEqualTo(200);
    assertThat(records()).extracting(ConsumerRecord::value).containsExactly(valid);
  }

  private List<ConsumerRecord<byte[], byte[]>> records() {
    return Topic.readAll(kafka.bootstrapServers(), topic);
  }

  private long metric(String series) {
    for (String line : meta.get("/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Long.parseLong(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no " + series + " in /metrics");
  }

  /** A JSON notification of exactly {@code size} bytes that does not compress much. */
  private static byte[] largeNotification(int size) {
    String head = "{\"object\":\"whatsapp_business_account\",\"entry\":[],\"padding\":\"";
    String tail = "\"}";
    StringBuilder s = new StringBuilder(size).append(head);
    java.util.Random random = new java.util.Random(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (s.length() < size - tail.length()) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
