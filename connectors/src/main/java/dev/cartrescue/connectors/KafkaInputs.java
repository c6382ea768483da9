package dev.cartrescue.connectors;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Kafka sources that turn records into {@link Parsed} values. */
public final class KafkaInputs {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private KafkaInputs() {}

  /**
   * A source that never fails on a record: unreadable ones become dead letters. It reads with
   * {@code isolation.level=read_committed} (whatever the settings say), so records of aborted or
   * open transactions never enter the job. Tombstones reach the parser with value null. Offsets are
   * committed to the settings' group on checkpoints, which the source uses to start from when there
   * is no checkpoint ({@link KafkaSettings.StartingOffsets#COMMITTED}).
   */
  public static <T> KafkaSource<Parsed<T>> source(
      KafkaSettings s, String topic, RecordParser<T> parser, TypeInformation<Parsed<T>> type) {
    return KafkaSource.<Parsed<T>>builder()
        .setProperties(s.clientProperties())
        .setBootstrapServers(s.bootstrapServers())
        .setGroupId(s.groupId())
        .setTopics(topic)
        // One prefix per topic: two sources of one job must not share Kafka client ids.
        .setClientIdPrefix(s.groupId() + "-" + topic)
        .setStartingOffsets(startingOffsets(s.startingOffsets()))
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setDeserializer(new ParsingDeserializer<>(parser, type))
        .build();
  }

  /**
   * The partition count of an existing topic.
   *
   * @throws IllegalArgumentException "topic x does not exist"
   * @throws IllegalStateException when Kafka does not answer within 30 s
   */
  public static int partitions(KafkaSettings s, String topic) {
    Properties props = s.clientProperties();
    props.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ADMIN_TIMEOUT.toMillis()));
    Admin admin = Admin.create(props);
    try {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return topics.get(topic).partitions().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      throw new IllegalStateException("could not describe topic " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at " + s.bootstrapServers() + " did not answer within " + ADMIN_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic, e);
    } finally {
      admin.close(Duration.ofSeconds(5));
    }
  }

  // The connector still takes Kafka's deprecated OffsetResetStrategy; nothing replaces it there.
  @SuppressWarnings("deprecation")
  private static OffsetsInitializer startingOffsets(KafkaSettings.StartingOffsets startingOffsets) {
    return switch (startingOffsets) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }
}
