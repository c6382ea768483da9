package dev.cartrescue.connectors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A durable record of things the job did outside Kafka and Flink, keyed by a deterministic id: a
 * Kafka topic written synchronously (acks=all, idempotent producer), outside any Flink checkpoint.
 *
 * <p>Flink's checkpoints cannot cover an action on another system: after a restore, the records
 * since the last checkpoint are replayed and in-flight async requests are issued again. Writing
 * "done: key -> result" here the moment the action succeeds, and looking the key up before acting,
 * makes the action happen once across crashes, except in the window between the action and the
 * write's acknowledgement.
 *
 * <p>A ledger loads, when it opens, the entries written within its look-back window (older actions
 * can no longer be repeated), and adds its own writes; it is safe to use from several threads.
 */
public final class KafkaLedger implements AutoCloseable {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, String> entries = new ConcurrentHashMap<>();

  /**
   * Hands the writes to the producer, in order. {@code KafkaProducer.send} blocks its caller (up to
   * a minute) while it has no leader for the topic, as during a broker outage; callers of {@link
   * #putAsync} are HTTP client threads, which must never wait for Kafka: a blocked one holds back
   * the answers of other requests until they time out and are retried, which sends them twice.
   */
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "send-ledger-writer");
            thread.setDaemon(true);
            return thread;
          });

  private KafkaLedger(String topic, KafkaProducer<byte[], byte[]> producer) {
    this.topic = topic;
    this.producer = producer;
  }

  /**
   * Creates the ledger topic if it does not exist: compacted (one entry per key) and deleted after
   * {@code retention}.
   *
   * @throws IllegalArgumentException when the topic cannot be created or checked
   */
  public static void ensureTopic(KafkaSettings settings, String topic, Duration retention) {
    try (Admin admin = Admin.create(settings.clientProperties())) {
      if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      NewTopic newTopic =
          new NewTopic(topic, 1, (short) -1)
              .configs(
                  Map.of(
                      TopicConfig.CLEANUP_POLICY_CONFIG,
                      TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                      TopicConfig.RETENTION_MS_CONFIG,
                      String.valueOf(retention.toMillis())));
      admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalArgumentException(
            "cannot create the ledger topic " + topic + ": " + e.getCause().getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalArgumentException("interrupted while creating the ledger topic " + topic);
    } catch (TimeoutException e) {
      throw new IllegalArgumentException(
          "cannot reach Kafka to check the ledger topic " + topic + " (30 s)");
    }
  }

  /** Opens the ledger with every entry written since {@code now - lookBack}. */
  public static KafkaLedger open(KafkaSettings settings, String topic, Duration lookBack) {
    KafkaLedger ledger = new KafkaLedger(topic, producer(settings));
    try {
      ledger.load(settings, System.currentTimeMillis() - lookBack.toMillis());
      // Fetched now, so that no write ever waits for it.
      ledger.producer.partitionsFor(topic);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    return ledger;
  }

  /** The value recorded for {@code key}, or null. */
  public String get(String key) {
    return entries.get(key);
  }

  /**
   * Records {@code key -> value} and returns once Kafka has it on every in-sync replica.
   *
   * @throws LedgerWriteException when Kafka did not acknowledge the write in time
   */
  public void put(String key, String value) {
    try {
      putAsync(key, value).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerWriteException(topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new LedgerWriteException(topic, e);
    }
  }

  /**
   * Records {@code key -> value} without ever blocking the caller; the future completes once Kafka
   * has it on every in-sync replica, or exceptionally. Concurrent writes go out in one batch, so a
   * burst is recorded as fast as one.
   */
  public CompletableFuture<Void> putAsync(String key, String value) {
    entries.put(key, value);
    CompletableFuture<Void> written = new CompletableFuture<>();
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    try {
      writer.execute(
          () -> {
            try {
              producer.send(
                  record,
                  (metadata, error) -> {
                    if (error == null) {
                      written.complete(null);
                    } else {
                      written.completeExceptionally(new LedgerWriteException(topic, error));
                    }
                  });
            } catch (RuntimeException e) {
              written.completeExceptionally(new LedgerWriteException(topic, e));
            }
          });
    } catch (RejectedExecutionException closed) {
      written.completeExceptionally(new LedgerWriteException(topic, closed));
    }
    return written;
  }

  /** How many entries the ledger holds in memory. */
  public int size() {
    return entries.size();
  }

  @Override
  public void close() {
    // The writes handed over so far still reach the producer, which gets 5 s to deliver them.
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }

  private void load(KafkaSettings settings, long since) {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> searchFrom = new HashMap<>();
      partitions.forEach(p -> searchFrom.put(p, since));
      Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(searchFrom);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp from = start.get(p);
        consumer.seek(p, from == null ? end.get(p) : from.offset());
      }
      long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
      while (!caughtUp(consumer, end)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("ledger " + topic + " did not load within 5 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.value() != null) {
            entries.put(
                new String(r.key(), StandardCharsets.UTF_8),
                new String(r.value(), StandardCharsets.UTF_8));
          }
        }
      }
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaSettings settings) {
    Properties props = settings.clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** Kafka did not acknowledge a ledger write. */
  public static final class LedgerWriteException extends RuntimeException {
    LedgerWriteException(String topic, Throwable cause) {
      super("ledger " + topic + " write not acknowledged: " + cause.getMessage(), cause);
    }
  }
}
