package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.webhooks.SharedInbox.Received;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code webhooks.forward-url}: each accepted notification also goes, as Meta sent it, to a shared
 * inbox ({@link SharedInbox}, a real HTTP server on loopback), after the 200 and never instead of
 * it. A real broker in the JVM; retries a few milliseconds apart rather than the receiver's
 * seconds, except in the first test, which runs the defaults.
 */
class ForwardingTest {
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final List<Duration> QUICK_BACKOFFS =
      List.of(
          Duration.ofMillis(10),
          Duration.ofMillis(20),
          Duration.ofMillis(40),
          Duration.ofMillis(80));

  /** Generous: an attempt that times out on a busy machine would change the counts asserted. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private static EmbeddedKafka kafka;

  private final List<AutoCloseable> started = new ArrayList<>();
  private String topic;

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
  void createTopic() {
    topic = "forwarding-" + TOPICS.incrementAndGet();
    Topic.create(kafka.bootstrapServers(), topic);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void forwardsTheRawBytesWithMetasOwnSignatureHeaderOnceKafkaHasThem() {
    SharedInbox inbox = started(SharedInbox.answering());
    WebhookReceiver receiver =
        started(WebhookReceiver.start(options().withForwardUrl(inbox.url())));
    Meta meta = new Meta(receiver.url());
    byte[] statuses = Notifications.statuses("wamid.forwarded");
    byte[] unescaped =
        new String(Notifications.quickReply("wamid.forwarded-utf8"), StandardCharsets.UTF_8)
            .replace("Jos\\u00e9 Garc\\u00eda", "José García 👋")
            .getBytes(StandardCharsets.UTF_8);
    // Upper-case hex: the receiver accepts it, and forwards the header as it came, not its own.
    String upperCase = "sha256=" + Notifications.signed(unescaped).substring(7).toUpperCase();

    assertThat(meta.post(statuses)).isEqualTo(200);
    assertThat(meta.post(unescaped, upperCase)).isEqualTo(200);

    List<Received> received = inbox.awaitReceived(2);
    assertThat(received).extracting(Received::body).containsExactlyInAnyOrder(statuses, unescaped);
    for (Received post : received) {
      assertThat(post.contentType()).isEqualTo("application/json");
      assertThat(post.forwardedBy()).isNotNull();
    }
    Received first = bodyOf(received, statuses);
    assertThat(first.signature()).isEqualTo(Notifications.signed(statuses));
    assertThat(first.verifies(Notifications.APP_SECRET)).isTrue();
    assertThat(bodyOf(received, unescaped).signature()).isEqualTo(upperCase);
    assertThat(records()).extracting(ConsumerRecord::value).containsExactly(statuses, unescaped);
    awaitMetric(receiver, "cart_rescue_webhooks_forward_seconds_count", 2);
    assertThat(metric(receiver, "cart_rescue_webhooks_forwarded_total")).isEqualTo(2);
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_queue_depth")).isZero();
  }

  @Test
  void forwardsNeitherARefusedPostNorTheVerificationHandshake() {
    SharedInbox inbox = started(SharedInbox.answering());
    WebhookReceiver receiver = started(forwardingTo(inbox, 1, 100));
    Meta meta = new Meta(receiver.url());
    byte[] refused = Notifications.statuses("wamid.refused");
    byte[] valid = Notifications.statuses("wamid.valid");

    assertThat(meta.post(refused, Signature.of("another-app-secret", refused))).isEqualTo(401);
    assertThat(meta.post(new byte[0])).isEqualTo(400);
    assertThat(meta.verify("subscribe", Notifications.VERIFY_TOKEN, "1158201444").statusCode())
        .isEqualTo(200);
    assertThat(meta.post(valid)).isEqualTo(200);

    // One thread sends the forwards in order of arrival: anything queued before would come first.
    assertThat(inbox.awaitReceived(1)).extracting(Received::body).first().isEqualTo(valid);
    awaitMetric(receiver, "cart_rescue_webhooks_forwarded_total", 1);
    assertThat(inbox.received()).hasSize(1);
  }

  @Test
  void retriesATargetAnswering500AndForwardsOnceItAnswers200() {
    SharedInbox inbox = started(SharedInbox.answering(500, 500));
    WebhookReceiver receiver = started(forwardingTo(inbox, 1, 100));
    byte[] body = Notifications.statuses("wamid.retried");

    assertThat(new Meta(receiver.url()).post(body)).isEqualTo(200);

    awaitMetric(receiver, "cart_rescue_webhooks_forwarded_total", 1);
    assertThat(inbox.received())
        .hasSize(3)
        .allSatisfy(post -> assertThat(post.body()).isEqualTo(body))
        .allSatisfy(post -> assertThat(post.signature()).isEqualTo(Notifications.signed(body)));
    assertThat(
            metric(receiver, "cart_rescue_webhooks_forward_failures_total{cause=\"server_error\"}"))
        .isEqualTo(2);
    assertThat(droppedForAnyCause(receiver)).isZero();
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_queue_depth")).isZero();
  }

  @Test
  void retriesATooManyRequestsAndATimeout() {
    SharedInbox inbox = started(SharedInbox.answering(429, SharedInbox.HOLD));
    WebhookReceiver receiver =
        started(
            WebhookReceiver.start(
                options().withForwardUrl(inbox.url()), settings(1, 100, Duration.ofSeconds(2))));

    assertThat(new Meta(receiver.url()).post(Notifications.quickReply("wamid.slow")))
        .isEqualTo(200);

    awaitMetric(receiver, "cart_rescue_webhooks_forwarded_total", 1);
    assertThat(
            metric(
                receiver,
                "cart_rescue_webhooks_forward_failures_total{cause=\"too_many_requests\"}"))
        .isEqualTo(1);
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_failures_total{cause=\"timeout\"}"))
        .isEqualTo(1);
    assertThat(inbox.received()).hasSize(3);
    assertThat(droppedForAnyCause(receiver)).isZero();
  }

  @Test
  void doesNotRetryATargetAnswering400() {
    SharedInbox inbox = started(SharedInbox.answering(400));
    WebhookReceiver receiver = started(forwardingTo(inbox, 1, 100));
    Meta meta = new Meta(receiver.url());
    byte[] refused = Notifications.statuses("wamid.refused-by-the-inbox");
    byte[] later = Notifications.statuses("wamid.later");

    assertThat(meta.post(refused)).isEqualTo(200);
    awaitMetric(receiver, "cart_rescue_webhooks_forwards_dropped_total{cause=\"refused\"}", 1);
    assertThat(meta.post(later)).isEqualTo(200);
    awaitMetric(receiver, "cart_rescue_webhooks_forwarded_total", 1);

    assertThat(inbox.received()).extracting(Received::body).containsExactly(refused, later);
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_failures_total{cause=\"refused\"}"))
        .isEqualTo(1);
    assertThat(records()).extracting(ConsumerRecord::value).containsExactly(refused, later);
  }

  @Test
  void aTargetThatIsDownChangesNoAnswerAndItsForwardIsDroppedOnceRetriesAreExhausted() {
    SharedInbox inbox = SharedInbox.answering();
    URI down = inbox.url();
    inbox.close();
    WebhookReceiver receiver = started(forwardingTo(down, 1, 100));
    byte[] body = Notifications.statuses("wamid.target-down");

    assertThat(new Meta(receiver.url()).post(body)).isEqualTo(200);

    awaitMetric(
        receiver, "cart_rescue_webhooks_forwards_dropped_total{cause=\"retries_exhausted\"}", 1);
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_failures_total{cause=\"io\"}"))
        .as("every attempt")
        .isEqualTo(Forwarder.Settings.DEFAULT.attempts());
    assertThat(metric(receiver, "cart_rescue_webhooks_forwarded_total")).isZero();
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_queue_depth")).isZero();
    assertThat(records()).extracting(ConsumerRecord::value).containsExactly(body);
  }

  @Test
  void answersMetaWhileTheTargetHoldsAForwardAndDropsWhatDoesNotFitInTheQueue() {
    SharedInbox inbox = started(SharedInbox.answering(SharedInbox.HOLD));
    WebhookReceiver receiver = started(forwardingTo(inbox, 1, 2));
    Meta meta = new Meta(receiver.url());
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bodies.add(Notifications.statuses("wamid.held-" + i));
    }

    // The target holds the first forward unanswered: Meta gets its 200 all the same, each time.
    for (byte[] body : bodies) {
      assertThat(meta.post(body)).isEqualTo(200);
    }

    assertThat(inbox.awaitReceived(1)).extracting(Received::body).containsExactly(bodies.get(0));
    assertThat(metric(receiver, "cart_rescue_webhooks_forward_queue_depth")).isEqualTo(2);
    assertThat(
            metric(receiver, "cart_rescue_webhooks_forwards_dropped_total{cause=\"queue_full\"}"))
        .isEqualTo(3);
    inbox.release();
    awaitMetric(receiver, "cart_rescue_webhooks_forwarded_total", 2);
    assertThat(inbox.received())
        .extracting(Received::body)
        .containsExactly(bodies.get(0), bodies.get(1));
    assertThat(records()).hasSize(5);
  }

  @Test
  void aPostForwardedByAReceiverIsNotForwardedAgain() {
    SharedInbox inbox = started(SharedInbox.answering());
    WebhookReceiver second = started(forwardingTo(inbox, 1, 100));
    // A misconfiguration: the first receiver forwards to a receiver, not to an inbox.
    WebhookReceiver first =
        started(
            WebhookReceiver.start(
                options().withForwardUrl(second.url()), settings(1, 100, REQUEST_TIMEOUT)));
    byte[] viaTheFirst = Notifications.statuses("wamid.via-the-first");
    byte[] direct = Notifications.statuses("wamid.direct");

    assertThat(new Meta(first.url()).post(viaTheFirst)).isEqualTo(200);
    awaitMetric(first, "cart_rescue_webhooks_forwarded_total", 1);
    assertThat(new Meta(second.url()).post(direct)).isEqualTo(200);

    assertThat(inbox.awaitReceived(1)).extracting(Received::body).containsExactly(direct);
    awaitMetric(second, "cart_rescue_webhooks_forwarded_total", 1);
    assertThat(metric(second, "cart_rescue_webhooks_accepted_total")).isEqualTo(2);
    assertThat(inbox.received()).hasSize(1);
  }

  // --- fixtures -----------------------------------------------------------------------------

  private ReceiverOptions options() {
    return ReceiverOptions.of(
        Map.of(
            "kafka.bootstrap-servers",
            kafka.bootstrapServers(),
            "webhooks.port",
            "0",
            "topic.webhooks",
            topic),
        Notifications.APP_SECRET,
        Notifications.VERIFY_TOKEN);
  }

  /** A receiver forwarding to {@code inbox} with {@code threads} and room for {@code capacity}. */
  private WebhookReceiver forwardingTo(SharedInbox inbox, int threads, int capacity) {
    return forwardingTo(inbox.url(), threads, capacity);
  }

  private WebhookReceiver forwardingTo(URI target, int threads, int capacity) {
    return WebhookReceiver.start(
        options().withForwardUrl(target), settings(threads, capacity, REQUEST_TIMEOUT));
  }

  private static Forwarder.Settings settings(int threads, int capacity, Duration requestTimeout) {
    Forwarder.Settings defaults = Forwarder.Settings.DEFAULT;
    return new Forwarder.Settings(
        threads,
        capacity,
        defaults.capacityBytes(),
        defaults.connectTimeout(),
        requestTimeout,
        QUICK_BACKOFFS,
        defaults.retryWindow(),
        defaults.grace());
  }

  private <T extends AutoCloseable> T started(T resource) {
    started.add(resource);
    return resource;
  }

  private List<ConsumerRecord<byte[], byte[]>> records() {
    return Topic.readAll(kafka.bootstrapServers(), topic);
  }

  private static Received bodyOf(List<Received> received, byte[] body) {
    return received.stream()
        .filter(post -> Arrays.equals(post.body(), body))
        .findFirst()
        .orElseThrow();
  }

  private static long droppedForAnyCause(WebhookReceiver receiver) {
    long dropped = 0;
    for (ReceiverMetrics.ForwardDrop cause : ReceiverMetrics.ForwardDrop.values()) {
      dropped +=
          metric(
              receiver,
              "cart_rescue_webhooks_forwards_dropped_total{cause=\""
                  + cause.name().toLowerCase(Locale.ROOT)
                  + "\"}");
    }
    return dropped;
  }

  /** Waits, 30 s at most, for {@code series} to reach {@code value}. */
  private static void awaitMetric(WebhookReceiver receiver, String series, long value) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (metric(receiver, series) < value) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(series + " is " + metric(receiver, series) + ", not " + value);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static long metric(WebhookReceiver receiver, String series) {
    for (String line : new Meta(receiver.url()).get("/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Long.parseLong(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no " + series + " in /metrics");
  }
}
