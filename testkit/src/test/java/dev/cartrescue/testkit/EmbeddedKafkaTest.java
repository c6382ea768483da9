package dev.cartrescue.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void readsBackWhatWasSentInPartitionThenOffsetOrder() {
    kafka.createTopics(3, "orders");
    for (int i = 0; i < 12; i++) {
      kafka.send("orders", "key-" + i, "value-" + i);
    }

    List<ConsumerRecord<String, String>> records = kafka.readAll("orders");

    assertThat(records).hasSize(12);
    assertThat(records).extracting(ConsumerRecord::value).contains("value-0", "value-11");
    assertThat(records)
        .isSortedAccordingTo(
            (a, b) ->
                a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
    assertThat(records).extracting(ConsumerRecord::partition).containsAnyOf(1, 2);
  }

  @Test
  void keepsTheGivenTimestamp() {
    kafka.createTopics(1, "stamped");

    kafka.send("stamped", "k", "v", 1_763_805_600_000L);

    assertThat(kafka.readAll("stamped"))
        .singleElement()
        .satisfies(r -> assertThat(r.timestamp()).isEqualTo(1_763_805_600_000L));
  }

  @Test
  void deliversAsyncSendsInTheOrderTheyWereMade() throws Exception {
    kafka.createTopics(1, "async");

    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sends.add(kafka.sendAsync("async", "k", "v" + i, 1_000L + i));
    }
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

    assertThat(kafka.readAll("async"))
        .extracting(ConsumerRecord::value, ConsumerRecord::timestamp)
        .containsExactly(
            IntStream.range(0, 10).mapToObj(i -> tuple("v" + i, 1_000L + i)).toArray(Tuple[]::new));
  }

  @Test
  void writesTombstonesAsNullValues() {
    kafka.createTopics(1, "profiles");

    kafka.send("profiles", "c-42", "{}");
    kafka.send("profiles", "c-42", null);

    assertThat(kafka.readAll("profiles"))
        .extracting(ConsumerRecord::key, ConsumerRecord::value)
        .containsExactly(tuple("c-42", "{}"), tuple("c-42", null));
  }

  @Test
  void createsTopicsIdempotently() throws Exception {
    kafka.createTopics(2, "twice");
    kafka.createTopics(5, "twice", "once");

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      var topics = admin.describeTopics(List.of("twice", "once")).allTopicNames().get();
      assertThat(topics.get("twice").partitions()).hasSize(2);
      assertThat(topics.get("once").partitions()).hasSize(5);
    }
  }

  @Test
  void readsAnEmptyTopicAsNoRecords() {
    kafka.createTopics(2, "empty");

    assertThat(kafka.readAll("empty")).isEmpty();
  }

  @Test
  void refusesToReadATopicThatDoesNotExist() {
    assertThatThrownBy(() -> kafka.readAll("nowhere"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nowhere");
  }

  @Test
  void deletesItsLogDirectoriesOnClose() {
    // Its own directory only: other brokers of other runs may come and go in the same temp dir.
    EmbeddedKafka second = EmbeddedKafka.start();
    Path directory = second.baseDirectory();
    second.createTopics(1, "t");
    second.send("t", "k", "v");
    assertThat(directory).isNotEmptyDirectory();

    second.close();

    assertThat(directory).doesNotExist();
  }
}
