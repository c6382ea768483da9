package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A load run, bounded so that it is part of every build: signed ~2 KB status notifications from
 * concurrent clients, as Meta sends them at a peak. It prints the receiver's throughput and latency
 * (a measurement, never asserted: the machine may be busy) and checks that every POST answered 200
 * is in Kafka, byte for byte. Scaled with {@code -Dwebhooks.load.requests=50000} and {@code
 * -Dwebhooks.load.clients=16} (docs/webhooks.md, "Measured"); with {@code
 * -Dwebhooks.load.forward=true}, the receiver also forwards each notification to a {@link
 * SharedInbox}, and the run checks that each one got there.
 */
class WebhookLoadTest {
  private static final int REQUESTS = Integer.getInteger("webhooks.load.requests", 5_000);
  private static final int CLIENTS = Integer.getInteger("webhooks.load.clients", 16);
  private static final boolean FORWARD = Boolean.getBoolean("webhooks.load.forward");

  /** Not measured: the JIT's first passes over the receiver and the producer. */
  private static final int WARM_UP = Math.min(500, REQUESTS / 10);

  @Test
  void everyNotificationAnswered200IsInKafkaByteForByte() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String topic = "load";
      Topic.create(kafka.bootstrapServers(), topic);
      ReceiverOptions options =
          ReceiverOptions.of(
              Map.of(
                  "kafka.bootstrap-servers",
                  kafka.bootstrapServers(),
                  "webhooks.port",
                  "0",
                  "topic.webhooks",
                  topic),
              Notifications.APP_SECRET,
              Notifications.VERIFY_TOKEN);
      try (SharedInbox inbox = SharedInbox.answering();
          WebhookReceiver receiver =
              WebhookReceiver.start(FORWARD ? options.withForwardUrl(inbox.url()) : options)) {
        Run warmUp = run(receiver, 0, WARM_UP);
        Run measured = run(receiver, WARM_UP, WARM_UP + REQUESTS);

        String metrics = new Meta(receiver.url()).get("/metrics").body();
        double ackMillis =
            1000
                * metric(metrics, "cart_rescue_webhooks_kafka_ack_seconds_sum")
                / metric(metrics, "cart_rescue_webhooks_kafka_ack_seconds_count");
        System.out.printf(
            Locale.ROOT,
            "webhooks load: %,d signed POSTs of %,d bytes from %d clients in %.2f s (after %d to"
                + " warm up): %,.0f requests/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                + " (of which Kafka's ack, mean over all: %.1f ms); %,d answered 200, %,d"
                + " otherwise; load average %.1f on %d cores%n",
            measured.requests(),
            Notifications.statuses("wamid.load-0").length,
            CLIENTS,
            measured.seconds(),
            WARM_UP,
            measured.requests() / measured.seconds(),
            measured.percentileMillis(50),
            measured.percentileMillis(99),
            measured.percentileMillis(100),
            ackMillis,
            measured.accepted().size(),
            measured.requests() - measured.accepted().size(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            Runtime.getRuntime().availableProcessors());

        Set<ByteBuffer> accepted = new HashSet<>(warmUp.accepted());
        accepted.addAll(measured.accepted());
        List<ConsumerRecord<byte[], byte[]>> records =
            Topic.readAll(kafka.bootstrapServers(), topic);
        assertThat(accepted).as("every POST answered 200").hasSize(WARM_UP + REQUESTS);
        assertThat(records).as("one record per POST answered 200").hasSize(accepted.size());
        Set<ByteBuffer> stored = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          stored.add(sha256(record.value()));
        }
        assertThat(stored).as("the bodies, byte for byte").isEqualTo(accepted);
        if (FORWARD) {
          Set<ByteBuffer> forwarded = new HashSet<>();
          for (SharedInbox.Received post : inbox.awaitReceived(accepted.size())) {
            forwarded.add(sha256(post.body()));
          }
          String after = new Meta(receiver.url()).get("/metrics").body();
          System.out.printf(
              Locale.ROOT,
              "webhooks load, forwarding: %,d forwarded, mean %.1f ms from the 200 to the"
                  + " inbox's 200%n",
              forwarded.size(),
              1000
                  * metric(after, "cart_rescue_webhooks_forward_seconds_sum")
                  / metric(after, "cart_rescue_webhooks_forward_seconds_count"));
          assertThat(forwarded).as("every notification forwarded").isEqualTo(accepted);
        }
      }
    }
  }

  /** Requests {@code from} to {@code to}, spread over the clients; each a distinct body. */
  private static Run run(WebhookReceiver receiver, int from, int to) throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    long[] latencies = new long[to - from];
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      long start = System.nanoTime();
      List<Future<List<ByteBuffer>>> results = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        results.add(clients.submit(() -> client(receiver, next, to, from, latencies)));
      }
      List<ByteBuffer> accepted = new ArrayList<>();
      for (Future<List<ByteBuffer>> result : results) {
        accepted.addAll(result.get());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Run(to - from, seconds, latencies, accepted);
    } finally {
      clients.shutdownNow();
    }
  }

  /** One client, as one of Meta's connections: its own keep-alive HTTP/1.1 connection. */
  private static List<ByteBuffer> client(
      WebhookReceiver receiver, AtomicInteger next, int to, int from, long[] latencies)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    List<ByteBuffer> accepted = new ArrayList<>();
    for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
      byte[] body = Notifications.statuses("wamid.load-" + i);
      HttpRequest request =
          HttpRequest.newBuilder(receiver.url())
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .header(Signature.HEADER, Notifications.signed(body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      long start = System.nanoTime();
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      latencies[i - from] = System.nanoTime() - start;
      if (status == 200) {
        accepted.add(sha256(body));
      }
    }
    return accepted;
  }

  private record Run(int requests, double seconds, long[] latencies, List<ByteBuffer> accepted) {
    double percentileMillis(int percentile) {
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, index)] / 1e6;
    }
  }

  private static double metric(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no " + series + " in /metrics");
  }

  private static ByteBuffer sha256(byte[] bytes) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
