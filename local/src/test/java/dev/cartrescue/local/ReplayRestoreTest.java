package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.KafkaBrokerProcess;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replay that crashes finishes with the outcomes of one that did not. The topics are filled
 * before the job starts: {@value #CARTS} carts of consenting contacts whose deadlines are hours
 * old, and a later page view of every contact that carries event time past every deadline. The job
 * reads them from the earliest offsets and sends at {@value #RATE} messages a second, and is killed
 * twice:
 *
 * <ol>
 *   <li>after its first checkpoints, once it has read everything but before it decides anything
 *       (the contacts and capping inputs hold event time back until they are idle): the restored
 *       job has nothing more to read, so only the event time kept in the checkpoint can fire the
 *       deadlines;
 *   <li>while it works through the burst of sends: checkpoints must have completed meanwhile, and
 *       the restored job sends the rest without sending any cart twice outside the window of a
 *       crash.
 * </ol>
 *
 * With {@code idle-advance off}, what a replay uses; {@code -Dreplay-restore.idle-advance=PT5S}
 * runs it with idle-advance on, {@code -Dreplay-restore.carts=200 -Dreplay-restore.rate=8} as the
 * issue's run.
 */
class ReplayRestoreTest {
  private static final String TOKEN = "replay-token";
  private static final int CARTS = Integer.getInteger("replay-restore.carts", 100);
  private static final int RATE = Integer.getInteger("replay-restore.rate", 10);
  private static final Duration LATENCY = Duration.ofMillis(100);

  /** The simulator's answer plus room for the ledger write on a loaded machine. */
  private static final Duration WINDOW = LATENCY.plusSeconds(1);

  @Test
  void aReplayKilledBeforeAndDuringItsBurstEndsWithEveryOutcome() throws Exception {
    String idleAdvance = System.getProperty("replay-restore.idle-advance", "off");
    Path dir =
        Path.of("target", "replay-restore", System.currentTimeMillis() + "-" + idleAdvance)
            .toAbsolutePath();
    Files.createDirectories(dir);
    try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(dir.resolve("kafka"));
        CloudApiSimulator cloudApi = CloudApiSimulator.start(0, TOKEN);
        JobProcess job =
            new JobProcess(
                dir,
                TOKEN,
                List.of(
                    "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "--kafka.starting-offsets", "earliest",
                    "--watermark.idle-advance", idleAdvance,
                    "--rule.max-send-delay", "off",
                    "--whatsapp.rate-limit", String.valueOf(RATE),
                    "--whatsapp.base-url", cloudApi.baseUrl(),
                    "--whatsapp.phone-number-id", "42",
                    "--checkpoint.interval", "PT1S",
                    "--parallelism", "2",
                    "--web-ui.port", "0"))) {
      cloudApi.setLatency(LATENCY);
      kafka.createTopics(
          2,
          "clickstream",
          "contacts",
          CrashAudit.CAPPING,
          CrashAudit.OUTCOMES,
          "cart-recovery-dead-letter",
          "whatsapp-webhooks");
      long now = System.currentTimeMillis();
      long firstCart = now - Duration.ofHours(3).toMillis();
      for (int n = 0; n < CARTS; n++) {
        String contact = "c-" + n;
        ShopRecords.Profile profile =
            ShopRecords.profile(contact)
                .phone("33", "06%08d".formatted(12_000_000 + n))
                .consent(true)
                .updatedAt(firstCart - 60_000);
        kafka.send("contacts", contact, profile.json(), firstCart - 60_000);
        long at = firstCart + n * 1000L;
        kafka.send(
            "clickstream",
            contact,
            ShopRecords.addToCart(contact, "k-" + n, at)
                .eventId("add-" + n)
                .product("sku-1", "Trail shoe")
                .epochMillis()
                .json(),
            at);
      }
      long later = now - Duration.ofMinutes(30).toMillis();
      for (int n = 0; n < CARTS; n++) {
        String contact = "c-" + n;
        kafka.send(
            "clickstream",
            contact,
            ShopRecords.pageView(contact, later).eventId("view-" + n).epochMillis().json(),
            later);
      }

      List<Instant> crashes = new ArrayList<>();

      // 1. Everything read and checkpointed, nothing decided yet.
      job.start(false);
      awaitCheckpoints(job, 3, Duration.ofSeconds(45));
      assertThat(cloudApi.received()).as("messages before the first kill").isEmpty();
      crashes.add(job.kill());
      job.start(true);
      Instant restarted = Instant.now();

      // 2. In the middle of the burst, after a checkpoint taken while the sender had a backlog.
      awaitMessages(cloudApi, job, CARTS / 4, Duration.ofMinutes(3));
      Instant burst = cloudApi.received().get(0).at();
      awaitMessages(cloudApi, job, CARTS / 2, Duration.ofMinutes(1));
      File checkpoint = job.latestCheckpoint().orElseThrow();
      Instant checkpointed = Instant.ofEpochMilli(checkpoint.lastModified());
      crashes.add(job.kill());
      int sentBeforeTheKill = cloudApi.received().size();
      job.start(true);

      CrashAudit.awaitOutcomes(kafka, CARTS);
      job.kill();
      CrashAudit audit = new CrashAudit(CARTS, cloudApi, kafka, crashes, WINDOW, List.of(), dir);
      System.out.printf(
          "replay restore: idle-advance=%s rate=%d %s; first message %d ms after the first"
              + " restart; sent before the second kill %d; newest checkpoint %d ms after the first"
              + " message (%s)%n",
          idleAdvance,
          RATE,
          audit.figures(),
          Duration.between(restarted, burst).toMillis(),
          sentBeforeTheKill,
          Duration.between(burst, checkpointed).toMillis(),
          dir);
      assertThat(checkpointed)
          .as("a checkpoint completed while the sender worked through its backlog")
          .isAfter(burst);
      audit.assertEveryCartSentOnceWithOneOutcome();
    }
  }

  private static void awaitCheckpoints(JobProcess job, int count, Duration timeout)
      throws Exception {
    long until = System.currentTimeMillis() + timeout.toMillis();
    while (job.latestCheckpoint().map(f -> checkpointNumber(f) < count).orElse(true)) {
      if (System.currentTimeMillis() > until || !job.isAlive()) {
        throw new IllegalStateException(
            "no checkpoint " + count + " in " + timeout + "; see " + job.output());
      }
      Thread.sleep(100);
    }
  }

  private static int checkpointNumber(File metadata) {
    return Integer.parseInt(metadata.getParentFile().getName().substring("chk-".length()));
  }

  private static void awaitMessages(
      CloudApiSimulator cloudApi, JobProcess job, int count, Duration timeout) throws Exception {
    long until = System.currentTimeMillis() + timeout.toMillis();
    while (cloudApi.received().size() < count) {
      if (System.currentTimeMillis() > until || !job.isAlive()) {
        throw new IllegalStateException(
            cloudApi.received().size()
                + " messages of "
                + count
                + " expected in "
                + timeout
                + "; see "
                + job.output());
      }
      Thread.sleep(20);
    }
  }
}
