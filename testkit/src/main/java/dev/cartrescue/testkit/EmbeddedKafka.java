package dev.cartrescue.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
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
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (one combined KRaft broker and controller) inside the JVM, for tests and the
 * demo. Apart from what a one-node cluster cannot do without (replication factor 1 for the internal
 * topics), the broker runs with stock settings, so that whatever works here also works against a
 * default broker: in particular {@code transaction.max.timeout.ms} stays at 15 minutes.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Path baseDirectory;
  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;
  private KafkaProducer<String, String> producer;

  private EmbeddedKafka(Path baseDirectory, KafkaClusterTestKit cluster) {
    this.baseDirectory = baseDirectory;
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /** Starts a broker and returns once it accepts clients. */
  public static EmbeddedKafka start() {
    Path baseDirectory;
    try {
      baseDirectory = Files.createTempDirectory("embedded-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setCombined(true)
              .setBaseDirectory(baseDirectory)
              .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
              .build();
      cluster =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              // The test kit turns unreleased protocol versions on; a stock broker has them off.
              .setConfigProp("unstable.api.versions.enable", "false")
              .setConfigProp("unstable.feature.versions.enable", "false")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(baseDirectory, cluster);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(cluster, e);
      deleteQuietly(baseDirectory, e);
      throw new IllegalStateException("the embedded Kafka broker did not start", e);
    }
  }

  /** Where the broker keeps its logs; deleted on close. */
  public Path baseDirectory() {
    return baseDirectory;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates the topics that do not exist yet (replication factor 1) and waits until every partition
   * has a leader. Existing topics are left as they are, whatever their partition count.
   */
  public void createTopics(int partitions, String... topics) {
    try (Admin admin = Admin.create(clientProperties())) {
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

  /** Writes one record and waits until the broker has it; a null value writes a tombstone. */
  public void send(String topic, String key, String value) {
    write(new ProducerRecord<>(topic, key, value));
  }

  /** Like {@link #send(String, String, String)}, with the record's Kafka timestamp. */
  public void send(String topic, String key, String value, long timestampMillis) {
    write(new ProducerRecord<>(topic, null, timestampMillis, key, value));
  }

  /**
   * Every committed record of a topic, from the beginning up to the end offsets at the time of the
   * call, ordered by partition then offset. Reads with {@code isolation.level=read_committed}, as
   * the readers of a transactional writer do, so aborted and still open transactions are not seen.
   */
  public List<ConsumerRecord<String, String>> readAll(String topic) {
    Properties props = clientProperties();
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

  /** Stops the broker and deletes its log directories. */
  @Override
  public void close() {
    Exception failure = null;
    synchronized (this) {
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
        producer = null;
      }
    }
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      failure = e;
    }
    try {
      Utils.delete(baseDirectory.toFile());
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw new IllegalStateException("the embedded Kafka broker did not stop cleanly", failure);
    }
  }

  private Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  private void write(ProducerRecord<String, String> record) {
    try {
      producer().send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write to " + record.topic(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
    }
  }

  private synchronized KafkaProducer<String, String> producer() {
    if (producer == null) {
      Properties props = clientProperties();
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
    return producer;
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

  private static void closeQuietly(KafkaClusterTestKit cluster, Exception failure) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static void deleteQuietly(Path directory, Exception failure) {
    try {
      Utils.delete(directory.toFile());
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
