package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.testkit.KafkaBroker;
import dev.cartrescue.testkit.KafkaBrokerProcess;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.io.File;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Crash safety, measured: the job runs as its own process (what {@code ./cart-rescue run} runs, see
 * {@link ChaosRun}) against a Kafka broker in a process of its own and the Cloud API simulator,
 * while shoppers keep abandoning carts, and faults are injected at random moments, also while sends
 * are in flight:
 *
 * <ul>
 *   <li>{@code kill}: the job's process is killed with SIGKILL and restarted with {@code
 *       --restore-from latest};
 *   <li>{@code task-failure}: the TaskManager is shut down under the running job, which restarts
 *       its tasks from the latest checkpoint by itself;
 *   <li>{@code broker}: the Kafka broker is stopped (SIGTERM or SIGKILL) for 5 to 20 s and started
 *       again; the job must recover by itself, and the shoppers' records written meanwhile must not
 *       be late;
 *   <li>{@code cloud-api}: the Cloud API answers 503 for 5 to 15 s.
 * </ul>
 *
 * Afterwards every eligible cart was sent exactly once (the simulator's log) except within the
 * stated window of a crash, every abandoned cart has exactly one outcome, and the capping events
 * match the sends.
 *
 * <p>Short form in the test suite (one fault of each kind). For figures: {@code mvn -pl local -am
 * verify -Dtest=FaultInjectionTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfault-injection.failures=20}, optionally {@code -Dfault-injection.kinds=kill,broker} (the kinds
 * take turns) and {@code -Dfault-injection.seed=7}; {@code -Dfault-injection.web-ui-port=8081}
 * shows the job's Flink web UI meanwhile.
 */
class FaultInjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "fault-token";
  private static final int CARTS_PER_SECOND = 2;
  private static final Duration LATENCY = Duration.ofMillis(300);

  /** Room for the ledger write after the answer, on a loaded machine. */
  private static final Duration WINDOW_MARGIN = Duration.ofSeconds(1);

  /** The faults the test injects, in turns. */
  enum Fault {
    KILL("kill"),
    TASK_FAILURE("task-failure"),
    BROKER("broker"),
    CLOUD_API("cloud-api");

    final String name;

    Fault(String name) {
      this.name = name;
    }

    static List<Fault> parse(String names) {
      List<Fault> faults = new ArrayList<>();
      for (String name : names.split(",")) {
        faults.add(
            Arrays.stream(values())
                .filter(f -> f.name.equals(name.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault " + name)));
      }
      return faults;
    }
  }

  @Test
  void everyEligibleCartIsSentExactlyOnceAcrossFaults() throws Exception {
    List<Fault> kinds =
        Fault.parse(
            System.getProperty("fault-injection.kinds", "kill,task-failure,broker,cloud-api"));
    int failures = Integer.getInteger("fault-injection.failures", kinds.size());
    // Kept after the run: each process's log and output, for a failure to be easy to read.
    Path temp =
        Path.of("target", "fault-injection", String.valueOf(System.currentTimeMillis()))
            .toAbsolutePath();
    Files.createDirectories(temp);
    Random random = new Random(Long.getLong("fault-injection.seed", 1L));
    try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(temp.resolve("kafka"));
        CloudApiSimulator cloudApi = CloudApiSimulator.start(0, TOKEN)) {
      // Slow answers keep sends in flight when a crash comes.
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
      Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
      List<Instant> crashes = new ArrayList<>();
      for (int i = 0; i < failures; i++) {
        Fault fault = kinds.get(i % kinds.size());
        // Strike while the job is sending: wait for its next message, then a random moment.
        awaitNewMessage(cloudApi, job);
        Thread.sleep(random.nextInt(2500));
        switch (fault) {
          case KILL -> {
            crashes.add(job.kill());
            job.start(true);
          }
          case TASK_FAILURE -> crashes.add(job.loseTaskManager());
          case BROKER -> {
            if (random.nextBoolean()) {
              kafka.kill();
            } else {
              kafka.stop();
            }
            Thread.sleep(5_000 + random.nextInt(15_000));
            kafka.restart();
          }
          case CLOUD_API -> {
            Duration outage = Duration.ofMillis(5_000 + random.nextInt(10_000));
            cloudApi.outageFor(outage);
            Thread.sleep(outage.toMillis());
          }
        }
        injected.merge(fault, 1, Integer::sum);
      }
      Thread.sleep(3000);
      shoppers.stop();
      shopping.join();
      int carts = shoppers.awaitWritten();

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
          for (Instant crash : crashes) {
            long before = Duration.between(first, crash).toMillis();
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
      Files.writeString(temp.resolve("crashes.txt"), crashes.toString());
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
          "fault injection: failures=%d %s carts=%d messages=%d outcomes=%d duplicates=%d"
              + " (in the window: %d, first copy at most %d ms before the crash) losses=%d"
              + " double-outcomes=%d capping=%d (%s)%n",
          failures,
          injected,
          carts,
          cloudApi.received().size(),
          outcomes.size(),
          duplicates,
          inWindow,
          widestWindowMillis,
          losses,
          doubleOutcomes,
          cappedIds.size(),
          temp);
      assertThat(losses).as("carts without an outcome").isZero();
      assertThat(doubleOutcomes).as("carts with two outcomes").isZero();
      assertThat(duplicates - inWindow).as("messages sent twice outside the window").isZero();
      assertThat(sendsPerCart).hasSize(carts);
      assertThat(cappedIds).isEqualTo(sentIds);
    }
  }

  private static void awaitNewMessage(CloudApiSimulator cloudApi, JobProcess job)
      throws InterruptedException {
    int before = cloudApi.received().size();
    long until = System.currentTimeMillis() + 120_000;
    while (cloudApi.received().size() == before) {
      if (System.currentTimeMillis() > until || !job.isAlive()) {
        throw new IllegalStateException("the job sends nothing; see " + job.output);
      }
      Thread.sleep(50);
    }
  }

  private static Map<String, List<JsonNode>> awaitOutcomes(KafkaBroker kafka, int carts)
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

  private static Map<String, List<JsonNode>> outcomes(KafkaBroker kafka) throws Exception {
    Map<String, List<JsonNode>> byCart = new HashMap<>();
    for (ConsumerRecord<String, String> r : kafka.readAll("cart-recovery-outcomes")) {
      JsonNode o = JSON.readTree(r.value());
      byCart.computeIfAbsent(o.get("cart_id").asText(), c -> new ArrayList<>()).add(o);
    }
    return byCart;
  }

  /**
   * One new contact with consent and one cart every half second: every cart is eligible. Records
   * are handed to the producer without waiting, as a shop's clickstream producer does: during a
   * broker outage it holds them back and delivers them when the broker is back.
   */
  private static final class Shoppers implements Runnable {
    private final KafkaBroker kafka;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();
    private int carts;

    Shoppers(KafkaBroker kafka) {
      this.kafka = kafka;
    }

    void stop() {
      running.set(false);
    }

    /** After {@link #stop} and the thread's end: how many carts, once all are in Kafka. */
    int awaitWritten() throws Exception {
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      return carts;
    }

    @Override
    public void run() {
      while (running.get()) {
        int n = carts;
        String contact = "c-" + n;
        long now = System.currentTimeMillis();
        ShopRecords.Profile profile =
            ShopRecords.profile(contact)
                .phone("33", "06%08d".formatted(12_000_000 + n))
                .consent(true)
                .updatedAt(now - 1000);
        ShopRecords.Click cart =
            ShopRecords.addToCart(contact, "k-" + n, now)
                .eventId("add-" + n)
                .product("sku-1", "Trail shoe")
                .epochMillis();
        writes.add(kafka.sendAsync("contacts", contact, profile.json(), now - 1000));
        writes.add(kafka.sendAsync("clickstream", contact, cart.json(), now));
        carts++;
        try {
          Thread.sleep(1000 / CARTS_PER_SECOND);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * {@link ChaosRun} ({@code ./cart-rescue run} and a way to lose its TaskManager) as a process.
   */
  private static final class JobProcess {
    private final String bootstrapServers;
    private final String baseUrl;
    private final Path dir;
    private Process process;
    private Writer commands;
    private Path output;
    private int starts;
    private int lostTaskManagers;

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
      command.add("-Dcart-rescue.log.file=" + dir.resolve("job-" + starts + ".log"));
      command.addAll(List.of("-cp", System.getProperty("java.class.path")));
      command.add(ChaosRun.class.getName());
      command.addAll(
          List.of(
              "--kafka.bootstrap-servers", bootstrapServers,
              "--rule.abandon-after", "PT3S",
              // Larger than the 1.5 s in which an outage of Kafka is noticed (docs/event-time.md).
              "--watermark.out-of-orderness", "PT3S",
              "--watermark.idle-advance", "PT5S",
              "--whatsapp.base-url", baseUrl,
              "--whatsapp.phone-number-id", "42",
              "--checkpoint.interval", "PT1S",
              "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
              "--parallelism", "2",
              "--web-ui.port", System.getProperty("fault-injection.web-ui-port", "0")));
      if (restore && hasCheckpoint()) {
        command.addAll(List.of("--restore-from", "latest"));
      }
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().put("WHATSAPP_ACCESS_TOKEN", TOKEN);
      pb.redirectErrorStream(true);
      output = dir.resolve("job-" + starts + ".out");
      pb.redirectOutput(output.toFile());
      process = pb.start();
      commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      starts++;
      lostTaskManagers = 0;
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** Kills the process; returns when it is certainly dead (a dying process may still send). */
    Instant kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      return Instant.now();
    }

    /** Shuts the TaskManager down; returns once it is gone (its tasks with it). */
    Instant loseTaskManager() throws Exception {
      commands.write(ChaosRun.LOSE_TASK_MANAGER + "\n");
      commands.flush();
      lostTaskManagers++;
      String done = "task manager " + lostTaskManagers + " lost";
      long until = System.currentTimeMillis() + 60_000;
      while (!Files.readString(output).contains(done)) {
        if (System.currentTimeMillis() > until || !process.isAlive()) {
          throw new IllegalStateException("the task manager was not lost; see " + output);
        }
        Thread.sleep(20);
      }
      return Instant.now();
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
