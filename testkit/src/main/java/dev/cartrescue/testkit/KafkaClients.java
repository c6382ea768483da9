package dev.cartrescue.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The clients behind every {@link KafkaBroker}: topic creation, one producer, and reading a topic
 * to its end. They know only the bootstrap servers, so they work the same against a broker in the
 * JVM and against one in a process of its own, and they outlive a restart of that broker.
 */
final class KafkaClients implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** How long a record may wait for the broker to come back, in the producer and on close. */
  private static final Duration OUTAGE = Duration.ofMinutes(5);

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final String bootstrapServers;
  private KafkaProducer<String, String> producer;

  /**
   * Hands records to the producer one at a time, in the order they were given: {@code
   * KafkaProducer.send} blocks while it does not know the topic's partitions, which it cannot learn
   * while the broker is down, and the caller of {@link #sendAsync} must not wait for that.
   */
  private ExecutorService handOver;

  KafkaClients(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  void createTopics(int partitions, String... topics) {
    try (Admin admin = Admin.create(properties())) {
      List<NewTopic> newTopics =
          Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList();
      for (var result : admin.createTopics(newTopics).values().values()) {
        try {
          result.get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      awaitLeaders(admin, List.of(topics));
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create topics " + Arrays.toString(topics), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  void send(ProducerRecord<String, String> record) {
    try {
      producer().send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write to " + record.topic(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
    }
  }

  CompletableFuture<Void> sendAsync(ProducerRecord<String, String> record) {
    HandOver task = new HandOver(producer(), record, new CompletableFuture<>());
    handOver().execute(task);
    return task.sent();
  }

  List<ConsumerRecord<String, String>> readAll(String topic) {
    Properties props = properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // The broker creates unknown topics on first use by default; reading must not do that.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      List<TopicPartition> partitions =
          infos.stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .sorted(Comparator.comparingInt(TopicPartition::partition))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed these are the last stable offsets: the end of what is committed.
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!reachedEnd(consumer, ends)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("could not read " + topic + " to its end in " + TIMEOUT);
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
            records.add(r);
          }
        }
      }
      records.sort(
          Comparator.<ConsumerRecord<String, String>>comparingInt(ConsumerRecord::partition)
              .thenComparingLong(ConsumerRecord::offset));
      return records;
    }
  }

  /**
   * Gives records not yet handed to the producer a moment to get there, then fails the rest; the
   * producer gets the same moment to deliver what it holds.
   */
  @Override
  public synchronized void close() {
    if (handOver != null) {
      handOver.shutdown();
      try {
        if (!handOver.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          failNotHandedOver();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failNotHandedOver();
      }
      handOver = null;
    }
    if (producer != null) {
      producer.close(CLOSE_TIMEOUT);
      producer = null;
    }
  }

  private void failNotHandedOver() {
    for (Runnable task : handOver.shutdownNow()) {
      ((HandOver) task)
          .sent()
          .completeExceptionally(
              new IllegalStateException("closed before the record reached the producer"));
    }
  }

  private Properties properties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  private synchronized KafkaProducer<String, String> producer() {
    if (producer == null) {
      Properties props = properties();
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      // Through an outage the producer keeps its records and retries; idempotence keeps the order.
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) OUTAGE.toMillis());
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, OUTAGE.toMillis());
      producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
    return producer;
  }

  private synchronized ExecutorService handOver() {
    if (handOver == null) {
      handOver =
          Executors.newSingleThreadExecutor(
              task -> {
                Thread thread = new Thread(task, "kafka-clients-hand-over");
                thread.setDaemon(true);
                return thread;
              });
    }
    return handOver;
  }

  private record HandOver(
      KafkaProducer<String, String> producer,
      ProducerRecord<String, String> record,
      CompletableFuture<Void> sent)
      implements Runnable {

    @Override
    public void run() {
      try {
        producer.send(
            record,
            (metadata, failure) -> {
              if (failure == null) {
                sent.complete(null);
              } else {
                sent.completeExceptionally(failure);
              }
            });
      } catch (RuntimeException e) {
        sent.completeExceptionally(e);
      }
    }
  }

  private static boolean reachedEnd(
      KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey(), TIMEOUT) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void awaitLeaders(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(topics).allTopicNames().get();
        Set<String> withoutLeader =
            descriptions.values().stream()
                .filter(d -> d.partitions().stream().anyMatch(p -> p.leader() == null))
                .map(TopicDescription::name)
                .collect(Collectors.toSet());
        if (withoutLeader.isEmpty()) {
          return;
        }
      } catch (ExecutionException e) {
        // Metadata reaches the broker shortly after the controller created the topic.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("topics " + topics + " got no leaders in " + TIMEOUT);
      }
      Thread.sleep(50);
    }
  }
}
