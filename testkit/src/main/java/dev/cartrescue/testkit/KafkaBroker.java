package dev.cartrescue.testkit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What tests need of a Kafka broker, whichever way it runs: inside the JVM ({@link EmbeddedKafka})
 * or as a process of its own that a test can stop ({@link KafkaBrokerProcess}). The clients are the
 * same for both; a broker only says how it starts and stops.
 */
public abstract class KafkaBroker implements AutoCloseable {

  private final String bootstrapServers;

  /** The producer and the admin and consumer settings every test client uses. */
  final KafkaClients clients;

  KafkaBroker(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    this.clients = new KafkaClients(bootstrapServers);
  }

  public final String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates the topics that do not exist yet (replication factor 1) and waits until every partition
   * has a leader. Existing topics are left as they are, whatever their partition count.
   */
  public final void createTopics(int partitions, String... topics) {
    clients.createTopics(partitions, topics);
  }

  /** Writes one record and waits until the broker has it; a null value writes a tombstone. */
  public final void send(String topic, String key, String value) {
    clients.send(new ProducerRecord<>(topic, key, value));
  }

  /** Like {@link #send(String, String, String)}, with the record's Kafka timestamp. */
  public final void send(String topic, String key, String value, long timestampMillis) {
    clients.send(new ProducerRecord<>(topic, null, timestampMillis, key, value));
  }

  /**
   * Hands the record to a producer and returns at once; the producer keeps it (and retries) through
   * a broker outage of up to 5 minutes; order per partition is kept. The future completes when the
   * broker has the record, or exceptionally when it never will.
   */
  public final CompletableFuture<Void> sendAsync(
      String topic, String key, String value, long timestampMillis) {
    return clients.sendAsync(new ProducerRecord<>(topic, null, timestampMillis, key, value));
  }

  /**
   * Every committed record of a topic, from the beginning up to the end offsets at the time of the
   * call, ordered by partition then offset. Reads with {@code isolation.level=read_committed}, as
   * the readers of a transactional writer do, so aborted and still open transactions are not seen.
   */
  public final List<ConsumerRecord<String, String>> readAll(String topic) {
    return clients.readAll(topic);
  }

  @Override
  public abstract void close();
}
