package dev.cartrescue.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.job.config.CartRescueOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts what the job has committed to its output topics (outcomes, dead letters, delivery
 * statuses, consent changes, hand-offs), reading them as their consumers do ({@code
 * isolation.level=read_committed}): an outcome counts once its checkpoint is complete, never
 * before. Each {@link #catchUp} reads on from where the last one stopped. Not thread-safe: one
 * thread reads.
 */
final class OutcomeTally implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String outcomesTopic;
  private final String deadLetterTopic;
  private final String deliveriesTopic;
  private final String handoffsTopic;
  private final KafkaConsumer<String, String> consumer;
  private final Admin admin;
  private final List<TopicPartition> partitions = new ArrayList<>();

  private long sent;
  private long suppressed;
  private long failed;
  private long unreadable;
  private final Map<String, Long> suppressedByReason = new HashMap<>();
  private long deadLetters;
  private long delivered;
  private long read;
  private long optOuts;
  private long handoffs;

  OutcomeTally(String bootstrapServers, CartRescueOptions job) {
    this.outcomesTopic = job.outcomesTopic;
    this.deadLetterTopic = job.deadLetterTopic;
    this.deliveriesTopic = job.deliveriesTopic;
    this.handoffsTopic = job.handoffsTopic;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "cart-rescue-demo-tally");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    for (String topic :
        List.of(
            outcomesTopic,
            deadLetterTopic,
            deliveriesTopic,
            job.consentChangesTopic,
            handoffsTopic)) {
      for (PartitionInfo p : consumer.partitionsFor(topic, TIMEOUT)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads up to what is committed now and returns the counts so far. */
  DemoSummary catchUp() {
    // With read_committed these are the last stable offsets: the end of what is committed.
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!reached(ends)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("could not read the outcomes to their end in " + TIMEOUT);
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        count(r);
      }
    }
    return summary();
  }

  /**
   * Waits, at most {@code max}, until no transaction is open or half-committed on its topics: a
   * commit returns before the broker has written its markers, and only the markers make the records
   * readable. Used once the job is gone, so that the final counts are final.
   */
  void awaitNoOpenTransactions(Duration max) throws InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Map<TopicPartition, Long> committedEnds = consumer.endOffsets(partitions, TIMEOUT);
      boolean settled;
      try {
        var ends =
            admin
                .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        settled =
            ends.entrySet().stream()
                .allMatch(e -> e.getValue().offset() == committedEnds.get(e.getKey()));
      } catch (ExecutionException | TimeoutException e) {
        settled = false;
      }
      if (settled) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Outcomes whose value could not be read: none, unless the job broke the contract. */
  long unreadableOutcomes() {
    return unreadable;
  }

  private void count(ConsumerRecord<String, String> record) {
    if (record.topic().equals(deadLetterTopic)) {
      deadLetters++;
      return;
    }
    if (record.topic().equals(handoffsTopic)) {
      handoffs++;
      return;
    }
    JsonNode value;
    try {
      value = JSON.readTree(record.value());
    } catch (IOException | IllegalArgumentException e) {
      unreadable++;
      return;
    }
    if (record.topic().equals(deliveriesTopic)) {
      switch (value.path("status").asText()) {
        case "delivered" -> delivered++;
        case "read" -> read++;
        default -> {
          // sent and failed are in the outcomes already.
        }
      }
      return;
    }
    if (!record.topic().equals(outcomesTopic)) {
      if (!value.path("whatsapp_consent").asBoolean(true)) {
        optOuts++;
      }
      return;
    }
    JsonNode outcome = value;
    switch (outcome.path("outcome").asText()) {
      case "sent" -> sent++;
      case "suppressed" -> {
        suppressed++;
        suppressedByReason.merge(outcome.path("reason").asText("unknown"), 1L, Long::sum);
      }
      case "failed" -> failed++;
      default -> unreadable++;
    }
  }

  private DemoSummary summary() {
    return new DemoSummary(
        sent + suppressed + failed,
        sent,
        suppressed,
        failed,
        suppressedByReason,
        deadLetters,
        delivered,
        read,
        optOuts,
        handoffs);
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey(), TIMEOUT) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    consumer.close();
    admin.close();
  }
}
