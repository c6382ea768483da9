package dev.cartrescue.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the class: a start costs seconds, a restart after a kill ten more. */
class KafkaBrokerProcessTest {

  /** Kept when a test fails: the broker's settings, data and one log file per start. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path directory;

  private static KafkaBrokerProcess broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBrokerProcess.start(directory);
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void keepsEveryRecordWrittenBeforeAKillAndComesBackOnTheSamePort() {
    String bootstrapServers = broker.bootstrapServers();
    broker.createTopics(2, "before-kill");
    List<String> values = values("v", 20);
    values.forEach(v -> broker.send("before-kill", "key-" + v, v));

    broker.kill();
    assertThat(broker.isRunning()).isFalse();
    broker.restart();

    assertThat(broker.isRunning()).isTrue();
    assertThat(broker.bootstrapServers()).isEqualTo(bootstrapServers);
    assertThat(broker.readAll("before-kill"))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrderElementsOf(values);
    broker.send("before-kill", "after", "after");
    assertThat(broker.readAll("before-kill")).hasSize(21);
  }

  @Test
  void keepsEveryRecordWrittenBeforeAStop() {
    String bootstrapServers = broker.bootstrapServers();
    broker.createTopics(2, "before-stop");
    List<String> values = values("v", 20);
    values.forEach(v -> broker.send("before-stop", "key-" + v, v));

    broker.stop();
    assertThat(broker.isRunning()).isFalse();
    broker.restart();

    assertThat(broker.bootstrapServers()).isEqualTo(bootstrapServers);
    assertThat(broker.readAll("before-stop"))
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrderElementsOf(values);
  }

  @Test
  void deliversAsyncSendsMadeWhileTheBrokerIsDownInOrderOnceItIsBack() throws Exception {
    // The producer has never written to this topic: while the broker is down it cannot learn the
    // partitions, and sendAsync must return all the same.
    broker.createTopics(2, "during-outage");
    broker.stop();

    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      sends.add(broker.sendAsync("during-outage", "key-" + i % 3, "v" + i, 1_000L + i));
    }
    assertThat(sends).noneMatch(CompletableFuture::isDone);

    broker.restart();
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

    Map<String, List<String>> valuesByKey =
        broker.readAll("during-outage").stream()
            .collect(
                Collectors.groupingBy(
                    ConsumerRecord::key,
                    Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
    assertThat(valuesByKey)
        .containsOnlyKeys("key-0", "key-1", "key-2")
        .allSatisfy(
            (key, values) -> {
              int first = Integer.parseInt(key.substring("key-".length()));
              List<String> sent =
                  IntStream.iterate(first, i -> i < 30, i -> i + 3).mapToObj(i -> "v" + i).toList();
              assertThat(values).containsExactlyElementsOf(sent);
            });
  }

  @Test
  void writesTheBrokersOutputToItsOwnLogFileForEachStart() throws Exception {
    assertThat(broker.logFile().getFileName().toString()).matches("broker-\\d+\\.log");
    assertThat(Files.readString(broker.logFile())).contains("Kafka Server started");
    assertThat(directory.resolve("broker-1.log")).content().contains("Formatting metadata");
  }

  @Test
  void refusesADirectoryThatHoldsABrokerAlready() {
    String bootstrapServers = broker.bootstrapServers();

    assertThatThrownBy(() -> KafkaBrokerProcess.start(directory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a broker already");
    assertThat(directory.resolve("server.properties"))
        .content()
        .contains(bootstrapServers.substring(bootstrapServers.indexOf(':')));
  }

  private static List<String> values(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }
}
