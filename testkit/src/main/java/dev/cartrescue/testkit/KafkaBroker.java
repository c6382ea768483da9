package dev.cartrescue.testkit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What tests need of a Kafka broker, whichever way it runs: inside the JVM ({@link EmbeddedKafka})
 * or as a process of its own that a test can stop ({@link KafkaBrokerProcess}).
 */
public interface KafkaBroker extends AutoCloseable {

  String bootstrapServers();

  /**
   * Creates the topics that do not exist yet (replication factor 1) and waits until every partition
   * has a leader. Existing topics are left as they are, whatever their partition count.
   */
  void createTopics(int partitions, String... topics);

  /** Writes one record and waits until the broker has it; a null value writes a tombstone. */
  void send(String topic, String key, String value);

  /** Like {@link #send(String, String, String)}, with the record's Kafka timestamp. */
  void send(String topic, String key, String value, long timestampMillis);

  /**
   * Hands the record to a producer and returns at once; the producer keeps it (and retries) through
   * a broker outage of up to 5 minutes; order per partition is kept. The future completes when the
   * broker has the record, or exceptionally when it never will.
   */
  CompletableFuture<Void> sendAsync(String topic, String key, String value, long timestampMillis);

  /**
   * Every committed record of a topic, from the beginning up to the end offsets at the time of the
   * call, ordered by partition then offset. Reads with {@code isolation.level=read_committed}, as
   * the readers of a transactional writer do, so aborted and still open transactions are not seen.
   */
  List<ConsumerRecord<String, String>> readAll(String topic);

  @Override
  void close();
}
