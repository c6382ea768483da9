package dev.cartrescue.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.KafkaBrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaLedgerTest {
  private static EmbeddedKafka kafka;
  private static KafkaSettings settings;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    settings =
        new KafkaSettings(
            kafka.bootstrapServers(),
            "ledger-test",
            KafkaSettings.StartingOffsets.EARLIEST,
            Map.of());
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void whatIsRecordedSurvivesIntoTheNextLedger() {
    KafkaLedger.ensureTopic(settings, "ledger-a", Duration.ofDays(7));
    try (KafkaLedger first = KafkaLedger.open(settings, "ledger-a", Duration.ofHours(7))) {
      assertThat(first.get("c-1:k-1:1000")).isNull();
      first.put("c-1:k-1:1000", "wamid.1");
      assertThat(first.get("c-1:k-1:1000")).isEqualTo("wamid.1");
    }
    try (KafkaLedger second = KafkaLedger.open(settings, "ledger-a", Duration.ofHours(7))) {
      assertThat(second.get("c-1:k-1:1000")).isEqualTo("wamid.1");
      assertThat(second.size()).isEqualTo(1);
    }
  }

  @Test
  void entriesOlderThanTheLookBackAreNotLoaded() {
    KafkaLedger.ensureTopic(settings, "ledger-b", Duration.ofDays(7));
    long now = System.currentTimeMillis();
    kafka.send("ledger-b", "old", "wamid.old", now - Duration.ofHours(8).toMillis());
    kafka.send("ledger-b", "recent", "wamid.recent", now - Duration.ofHours(1).toMillis());
    try (KafkaLedger ledger = KafkaLedger.open(settings, "ledger-b", Duration.ofHours(7))) {
      assertThat(ledger.get("old")).isNull();
      assertThat(ledger.get("recent")).isEqualTo("wamid.recent");
    }
  }

  @Test
  void ensuringAnExistingTopicIsHarmless() {
    KafkaLedger.ensureTopic(settings, "ledger-c", Duration.ofDays(7));
    KafkaLedger.ensureTopic(settings, "ledger-c", Duration.ofDays(7));
    try (KafkaLedger ledger = KafkaLedger.open(settings, "ledger-c", Duration.ofHours(1))) {
      assertThat(ledger.size()).isZero();
    }
  }

  @Test
  void writesNeverBlockTheCallerWhileTheBrokerIsDown() throws Exception {
    Path dir = Files.createTempDirectory("ledger-outage-");
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir)) {
      KafkaSettings outage =
          new KafkaSettings(
              broker.bootstrapServers(),
              "ledger-outage",
              KafkaSettings.StartingOffsets.EARLIEST,
              Map.of());
      KafkaLedger.ensureTopic(outage, "ledger-d", Duration.ofDays(7));
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      try (KafkaLedger ledger = KafkaLedger.open(outage, "ledger-d", Duration.ofHours(7))) {
        writes.add(ledger.putAsync("before", "wamid.0"));
        broker.stop();
        // The producer loses the partition's leader; each call must still return at once.
        for (int i = 1; i <= 20; i++) {
          writes.add(ledger.putAsync("during-" + i, "wamid." + i));
          Thread.sleep(100);
        }
        assertThat(writes.subList(1, writes.size()))
            .as("handed over, not yet written, none failed")
            .allMatch(w -> !w.isDone());
        broker.restart();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
      }
      try (KafkaLedger next = KafkaLedger.open(outage, "ledger-d", Duration.ofHours(7))) {
        assertThat(next.size()).isEqualTo(21);
      }
    }
  }
}
