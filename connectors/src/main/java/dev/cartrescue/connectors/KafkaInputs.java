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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Kafka sources that turn records into {@link Parsed} values. */
public final class KafkaInputs {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

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
   * <p>Every failure is bad configuration, whose message is the one line the user sees: the job
   * cannot start without its topics.
   *
   * @throws IllegalArgumentException "topic x does not exist", Kafka does not answer within 15 s,
   *     or the bootstrap servers do not resolve
   */
  public static int partitions(KafkaSettings s, String topic) {
    Properties props = s.clientProperties();
    String timeout = String.valueOf(ADMIN_TIMEOUT.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new IllegalArgumentException(
          "cannot connect to Kafka at " + s.bootstrapServers() + ": " + oneLine(e));
    }
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
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw notAnswering(s);
      }
      throw new IllegalArgumentException(
          "could not describe topic "
              + topic
              + " on Kafka at "
              + s.bootstrapServers()
              + ": "
              + oneLine(e.getCause()));
    } catch (TimeoutException e) {
      throw notAnswering(s);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic, e);
    } finally {
      admin.close(Duration.ofSeconds(5));
    }
  }

  private static IllegalArgumentException notAnswering(KafkaSettings s) {
    return new IllegalArgumentException(
        "Kafka at "
            + s.bootstrapServers()
            + " did not answer within "
            + ADMIN_TIMEOUT.toSeconds()
            + " s (option --kafka.bootstrap-servers)");
  }

  /** An exception's message, and its cause's when it has one, on one line. */
  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e.getCause() != null && e.getCause().getMessage() != null) {
      message += ": " + e.getCause().getMessage();
    }
    return message.replaceAll("\\s+", " ");
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
