package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Crash safety, measured: the job runs as its own process ({@code ./cart-rescue run}) against a
 * real broker and the Cloud API simulator while shoppers keep abandoning carts, and is killed with
 * SIGKILL at random moments, also while sends are in flight, then restarted with {@code
 * --restore-from latest}. Afterwards every eligible cart was sent exactly once (the simulator's
 * log), every abandoned cart has exactly one outcome, and the capping events match the sends.
 *
 * <p>Short form in the test suite (3 failures). For figures: {@code mvn -pl local -am verify
 * -Dtest=FaultInjectionTest -Dsurefire.failIfNoSpecifiedTests=false -Dfault-injection.failures=20}.
 */
class FaultInjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "fault-token";
  private static final int CARTS_PER_SECOND = 2;
  private static final Duration LATENCY = Duration.ofMillis(300);

  /** Room for the ledger write after the answer, on a loaded machine. */
  private static final Duration WINDOW_MARGIN = Duration.ofSeconds(1);

  @Test
  void everyEligibleCartIsSentExactlyOnceAcrossKills() throws Exception {
    int failures = Integer.getInteger("fault-injection.failures", 3);
    // Kept after the run: each process's log and output, for a failure to be easy to read.
    Path temp = Path.of("target", "fault-injection", String.valueOf(System.currentTimeMillis()));
    Files.createDirectories(temp);
    Random random = new Random(Long.getLong("fault-injection.seed", 1L));
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        CloudApiSimulator cloudApi = CloudApiSimulator.start(0, TOKEN)) {
      // Slow answers keep sends in flight when the kill comes.
      cloudApi.setLatency(LATENCY);
      kafka.createTopics(
          2,
          "clickstream",
          "contacts",
          "whatsapp-cart-recovery-capping",
          "cart-recovery-outcomes",
          "cart-recovery-dead-letter");

      Shoppers shoppers = new Shoppers(kafka);
      Thread shopping = new Thread(shoppers, "shoppers");
      shopping.start();

      JobProcess job = new JobProcess(kafka.bootstrapServers(), cloudApi.baseUrl(), temp);
      job.start(false);
      for (int i = 0; i < failures; i++) {
        // Strike while the job is sending: wait for its first message, then a random moment.
        awaitNewMessage(cloudApi);
        Thread.sleep(random.nextInt(2500));
        job.kill();
        job.start(true);
      }
      Thread.sleep(3000);
      shoppers.stop();
      shopping.join();

      int carts = shoppers.carts.get();
      Map<String, List<JsonNode>> outcomes = awaitOutcomes(kafka, carts);
      job.kill();

      Map<String, Integer> sendsPerCart = new HashMap<>();
      StringBuilder received = new StringBuilder();
      Map<String, Instant> firstSend = new HashMap<>();
      int inWindow = 0;
      long widestWindowMillis = 0;
      for (ReceivedMessage m : cloudApi.received()) {
        String cart = m.body().path("biz_opaque_callback_data").asText();
        if (sendsPerCart.merge(cart, 1, Integer::sum) == 1) {
          firstSend.put(cart, m.at());
        } else {
          // A repeat is in the window if the first copy was accepted while its answer, or the
          // ledger write that follows it, could still be on its way when a kill came.
          Instant first = firstSend.get(cart);
          for (Instant kill : job.killTimes) {
            long before = Duration.between(first, kill).toMillis();
            if (before >= 0 && before <= LATENCY.toMillis() + WINDOW_MARGIN.toMillis()) {
              inWindow++;
              widestWindowMillis = Math.max(widestWindowMillis, before);
              break;
            }
          }
        }
        received
            .append(m.at())
            .append('\t')
            .append(cart)
            .append('\t')
            .append(m.messageId())
            .append('\n');
      }
      Files.writeString(temp.resolve("received.tsv"), received);
      Files.writeString(temp.resolve("kills.txt"), job.killTimes.toString());
      int duplicates = sendsPerCart.values().stream().mapToInt(n -> n - 1).filter(n -> n > 0).sum();
      int losses = carts - outcomes.size();
      int doubleOutcomes =
          outcomes.values().stream().mapToInt(l -> l.size() - 1).filter(n -> n > 0).sum();
      Set<String> sentIds = new HashSet<>();
      outcomes
          .values()
          .forEach(
              l ->
                  l.stream()
                      .filter(o -> o.get("outcome").asText().equals("sent"))
                      .forEach(o -> sentIds.add(o.get("message_id").asText())));
      Set<String> cappedIds = new HashSet<>();
      for (ConsumerRecord<String, String> r : kafka.readAll("whatsapp-cart-recovery-capping")) {
        cappedIds.add(JSON.readTree(r.value()).get("message_id").asText());
      }

      System.out.printf(
          "fault injection: failures=%d carts=%d messages=%d outcomes=%d duplicates=%d"
              + " (in the window: %d, first copy at most %d ms before the kill) losses=%d"
              + " double-outcomes=%d capping=%d%n",
          failures,
          carts,
          cloudApi.received().size(),
          outcomes.size(),
          duplicates,
          inWindow,
          widestWindowMillis,
          losses,
          doubleOutcomes,
          cappedIds.size());
      assertThat(losses).as("carts without an outcome").isZero();
      assertThat(doubleOutcomes).as("carts with two outcomes").isZero();
      assertThat(duplicates - inWindow).as("messages sent twice outside the window").isZero();
      assertThat(sendsPerCart).hasSize(carts);
      assertThat(cappedIds).isEqualTo(sentIds);
    }
  }

  private static void awaitNewMessage(CloudApiSimulator cloudApi) throws InterruptedException {
    int before = cloudApi.received().size();
    long until = System.currentTimeMillis() + 60_000;
    while (cloudApi.received().size() == before && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
  }

  private static Map<String, List<JsonNode>> awaitOutcomes(EmbeddedKafka kafka, int carts)
      throws Exception {
    long until = System.currentTimeMillis() + 120_000;
    Map<String, List<JsonNode>> outcomes = outcomes(kafka);
    while (outcomes.size() < carts && System.currentTimeMillis() < until) {
      Thread.sleep(1000);
      outcomes = outcomes(kafka);
    }
    Thread.sleep(3000);
    return outcomes(kafka);
  }

  private static Map<String, List<JsonNode>> outcomes(EmbeddedKafka kafka) throws Exception {
    Map<String, List<JsonNode>> byCart = new HashMap<>();
    for (ConsumerRecord<String, String> r : kafka.readAll("cart-recovery-outcomes")) {
      JsonNode o = JSON.readTree(r.value());
      byCart.computeIfAbsent(o.get("cart_id").asText(), c -> new ArrayList<>()).add(o);
    }
    return byCart;
  }

  /** One new contact with consent and one cart every half second: every cart is eligible. */
  private static final class Shoppers implements Runnable {
    private final EmbeddedKafka kafka;
    private final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger carts = new AtomicInteger();

    Shoppers(EmbeddedKafka kafka) {
      this.kafka = kafka;
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void run() {
      while (running.get()) {
        int n = carts.get();
        String contact = "c-" + n;
        long now = System.currentTimeMillis();
        kafka.send(
            "contacts",
            contact,
            ("{\"contact_id\":\"%s\",\"phone_number\":\"06%08d\",\"whatsapp_code\":\"33\","
                    + "\"whatsapp_consent\":true,\"updated_at\":\"%s\"}")
                .formatted(contact, 12_000_000 + n, Instant.ofEpochMilli(now - 1000)),
            now - 1000);
        kafka.send(
            "clickstream",
            contact,
            ("{\"event_id\":\"add-%d\",\"type\":\"add_to_cart\",\"contact_id\":\"%s\","
                    + "\"timestamp\":%d,\"cart_id\":\"k-%d\",\"product\":{\"id\":\"sku-1\","
                    + "\"name\":\"Trail shoe\"}}")
                .formatted(n, contact, now, n),
            now);
        carts.incrementAndGet();
        try {
          Thread.sleep(1000 / CARTS_PER_SECOND);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** {@code ./cart-rescue run} as a process of its own, which a test can kill. */
  private static final class JobProcess {
    private final String bootstrapServers;
    private final String baseUrl;
    private final Path dir;
    private Process process;
    private int starts;

    JobProcess(String bootstrapServers, String baseUrl, Path dir) {
      this.bootstrapServers = bootstrapServers;
      this.baseUrl = baseUrl;
      this.dir = dir;
    }

    void start(boolean restore) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx1g");
      command.addAll(Files.readAllLines(Path.of("jvm.options")));
      command.add(
          "-Dcart-rescue.log.file=" + dir.toAbsolutePath().resolve("job-" + starts + ".log"));
      command.addAll(List.of("-cp", System.getProperty("java.class.path")));
      command.add(CartRescueCli.class.getName());
      command.add("run");
      command.addAll(
          List.of(
              "--kafka.bootstrap-servers", bootstrapServers,
              "--rule.abandon-after", "PT3S",
              "--watermark.out-of-orderness", "PT1S",
              "--watermark.idle-advance", "PT2S",
              "--whatsapp.base-url", baseUrl,
              "--whatsapp.phone-number-id", "42",
              "--checkpoint.interval", "PT1S",
              "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
              "--parallelism", "2",
              "--web-ui.port", "0"));
      if (restore && hasCheckpoint()) {
        command.addAll(List.of("--restore-from", "latest"));
      }
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().put("WHATSAPP_ACCESS_TOKEN", TOKEN);
      pb.redirectErrorStream(true);
      pb.redirectOutput(dir.resolve("job-" + starts + ".out").toFile());
      process = pb.start();
      starts++;
    }

    final List<Instant> killTimes = new ArrayList<>();

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      // When it is certainly dead: a dying process may still send for a few milliseconds.
      killTimes.add(Instant.now());
    }

    private boolean hasCheckpoint() {
      File[] jobs = dir.resolve("checkpoints").toFile().listFiles();
      if (jobs == null) {
        return false;
      }
      for (File job : jobs) {
        File[] checkpoints = job.listFiles();
        if (checkpoints != null) {
          for (File c : checkpoints) {
            if (c.getName().startsWith("chk-") && new File(c, "_metadata").exists()) {
              return true;
            }
          }
        }
      }
      return false;
    }
  }
}
