package dev.cartrescue.local;

import dev.cartrescue.testkit.KafkaBroker;
import dev.cartrescue.testkit.KafkaBrokerProcess;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private static final String TOKEN = "fault-token";
  private static final int CARTS_PER_SECOND = 2;
  private static final Duration LATENCY = Duration.ofMillis(300);

  /**
   * {@code long-broker}: Kafka stopped for this long, with checkpoints timing out after {@link
   * #LONG_OUTAGE_CHECKPOINT_TIMEOUT}: four failed checkpoints (three are tolerated) restart the job
   * while Kafka is still away.
   */
  private static final Duration LONG_OUTAGE = Duration.ofSeconds(75);

  private static final String LONG_OUTAGE_CHECKPOINT_TIMEOUT = "10 s";

  /** Room for the ledger write after the answer, on a loaded machine. */
  private static final Duration WINDOW_MARGIN = Duration.ofSeconds(1);

  /** The faults the test injects, in turns. */
  enum Fault {
    KILL("kill"),
    TASK_FAILURE("task-failure"),
    BROKER("broker"),
    LONG_BROKER("long-broker"),
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
        CloudApiSimulator cloudApi = CloudApiSimulator.start(0, TOKEN);
        JobProcess job =
            new JobProcess(
                temp,
                TOKEN,
                List.of(
                    "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "--rule.abandon-after", "PT3S",
                    // Larger than the 1.5 s in which an outage of Kafka is noticed
                    // (docs/event-time.md).
                    "--watermark.out-of-orderness", "PT3S",
                    "--watermark.idle-advance", "PT5S",
                    "--whatsapp.base-url", cloudApi.baseUrl(),
                    "--whatsapp.phone-number-id", "42",
                    "--checkpoint.interval", "PT1S",
                    "--parallelism", "2",
                    "--web-ui.port", System.getProperty("fault-injection.web-ui-port", "0")))) {
      // Slow answers keep sends in flight when a crash comes.
      cloudApi.setLatency(LATENCY);
      kafka.createTopics(
          2,
          "clickstream",
          "contacts",
          "whatsapp-cart-recovery-capping",
          "cart-recovery-outcomes",
          "cart-recovery-dead-letter",
          "whatsapp-webhooks");

      Shoppers shoppers = new Shoppers(kafka);
      Thread shopping = new Thread(shoppers, "shoppers");
      shopping.start();

      if (kinds.contains(Fault.LONG_BROKER)) {
        job.withFlinkOption("execution.checkpointing.timeout", LONG_OUTAGE_CHECKPOINT_TIMEOUT);
      }
      job.start(false);
      Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
      List<Instant> crashes = new ArrayList<>();
      List<CrashAudit.Span> outages = new ArrayList<>();
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
          case LONG_BROKER -> {
            // A message accepted just before may still have its ledger write on the way.
            Instant from = Instant.now().minus(LATENCY.plus(WINDOW_MARGIN));
            kafka.stop();
            Thread.sleep(LONG_OUTAGE.toMillis());
            kafka.restart();
            outages.add(new CrashAudit.Span(from, Instant.now()));
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

      CrashAudit.awaitOutcomes(kafka, carts);
      job.kill();

      CrashAudit audit =
          new CrashAudit(
              carts, cloudApi, kafka, crashes, LATENCY.plus(WINDOW_MARGIN), outages, temp);
      System.out.printf(
          "fault injection: failures=%d %s %s (%s)%n", failures, injected, audit.figures(), temp);
      audit.assertEveryCartSentOnceWithOneOutcome();
    }
  }

  private static void awaitNewMessage(CloudApiSimulator cloudApi, JobProcess job)
      throws InterruptedException {
    int before = cloudApi.received().size();
    long until = System.currentTimeMillis() + 120_000;
    while (cloudApi.received().size() == before) {
      if (System.currentTimeMillis() > until || !job.isAlive()) {
        throw new IllegalStateException("the job sends nothing; see " + job.output());
      }
      Thread.sleep(50);
    }
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
}
