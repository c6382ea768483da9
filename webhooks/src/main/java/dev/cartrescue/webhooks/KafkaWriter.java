package dev.cartrescue.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes each accepted notification as one record and waits for the broker's ack: the receiver
 * answers 200 only once the payload is safe in Kafka. Idempotent, {@code acks=all}; every wait is
 * bounded to a few seconds, so that a Kafka that cannot take the record gives a 503 well within
 * Meta's timeout, and Meta delivers it again later.
 */
final class KafkaWriter implements AutoCloseable {
  /** The record header holding the time the receiver got the POST, epoch milliseconds as text. */
  static final String RECEIVED_AT_HEADER = "received-at";

  /** Metadata and buffer space: how long {@code send} itself may block. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(2);

  /** One produce request to the broker. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** From {@code send} to the ack or the failure, retries included. */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(4);

  /**
   * Meta's largest payload (3 MB) with room for the record's overhead. Topics have {@code
   * max.message.bytes} of 1 MB by default: docs/webhooks.md says what to set.
   */
  static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Our settings; a {@code kafka.property} may override them, except the serializers. */
  private static final Map<String, String> DEFAULTS =
      Map.of(
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
          ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK.toMillis()),
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(REQUEST_TIMEOUT.toMillis()),
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY_TIMEOUT.toMillis()),
          ProducerConfig.LINGER_MS_CONFIG, "1",
          // JSON shrinks several times, which keeps large batches of statuses under the limit.
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_REQUEST_BYTES),
          ProducerConfig.CLIENT_ID_CONFIG, "cart-rescue-webhooks");

  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Duration wait;

  KafkaWriter(String bootstrapServers, Map<String, String> properties, String topic) {
    this.topic = topic;
    Properties props = new Properties();
    props.putAll(DEFAULTS);
    props.putAll(properties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // A caller waits at most for the send and the delivery, as the producer counts them.
    wait =
        duration(props, ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK)
            .plus(duration(props, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT))
            .plusSeconds(1);
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Learns the topic's partitions now, so that the first POST does not wait for them.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka cannot say within the send's bound
   */
  void warmUp() {
    producer.partitionsFor(topic);
  }

  /**
   * Writes {@code body} (its first {@code length} bytes, unchanged) with no key, and waits for the
   * broker's ack.
   *
   * @return the nanoseconds from handing the record to the producer to the ack
   * @throws NotWritten when Kafka did not take it: a timeout, an error, or an interrupted wait
   */
  long write(byte[] body, int length, long receivedAtMillis) throws NotWritten {
    byte[] value = length == body.length ? body : Arrays.copyOf(body, length);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            null,
            receivedAtMillis,
            null,
            value,
            List.of(
                new RecordHeader(
                    RECEIVED_AT_HEADER,
                    Long.toString(receivedAtMillis).getBytes(StandardCharsets.UTF_8))));
    long start = System.nanoTime();
    try {
      Future<RecordMetadata> sent = producer.send(record);
      sent.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return System.nanoTime() - start;
    } catch (ExecutionException e) {
      throw new NotWritten(e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      throw new NotWritten(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotWritten(e);
    } catch (RuntimeException e) {
      // send itself: no metadata within max.block.ms, a record too large, a closed producer.
      throw new NotWritten(e);
    }
  }

  /** Sends what the producer still holds, waiting a few seconds at most, then closes it. */
  @Override
  public void close() {
    producer.close(CLOSE_TIMEOUT);
  }

  /** Kafka did not take a record; the cause says why, and holds no record data. */
  static final class NotWritten extends Exception {
    NotWritten(Throwable cause) {
      super(cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()), cause);
    }

    /** The kind of failure, as the log's rate limit groups them. */
    String kind() {
      return getCause().getClass().getSimpleName();
    }
  }

  private static Duration duration(Properties props, String name, Duration otherwise) {
    Object value = props.get(name);
    try {
      return value == null ? otherwise : Duration.ofMillis(Long.parseLong(value.toString()));
    } catch (NumberFormatException e) {
      // The producer refuses it with its own message when it is created.
      return otherwise;
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
