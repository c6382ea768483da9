package dev.cartrescue.advisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a hand-off the connector gives up as one dead letter, in the job's shape
 * (schemas/outputs/dead-letter.schema.json): the record's topic, partition and offset, the reason
 * (starting with {@value #REASON_PREFIX}, so that a reader knows who gave it up), and the raw
 * value, at most 64 KiB of UTF-8. Waits for the broker's ack: the offset is committed only after.
 */
final class DeadLetterWriter implements AutoCloseable {
  static final String REASON_PREFIX = "advisor: ";

  /** As the job's dead letters: at most this much of a raw value. */
  static final int MAX_VALUE_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  DeadLetterWriter(String bootstrapServers, Map<String, String> properties, String topic) {
    this.topic = topic;
    Properties props = new Properties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "cart-rescue-advisor-dead-letters");
    props.putAll(properties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * @throws Exception when Kafka did not take it in time: the caller waits and writes it again
   */
  void write(ConsumerRecord<byte[], byte[]> record, String reason) throws Exception {
    ObjectNode node = JSON.createObjectNode();
    node.put("topic", record.topic());
    node.put("partition", record.partition());
    node.put("offset", record.offset());
    node.put("reason", REASON_PREFIX + reason.replaceAll("\\R", " "));
    node.put("value", record.value() == null ? null : truncatedText(record.value()));
    try {
      producer
          .send(new ProducerRecord<>(topic, record.key(), JSON.writeValueAsBytes(node)))
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new Exception("the dead letter was not written: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new Exception("the dead letter was not written in " + WAIT, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** Decoded leniently (U+FFFD for malformed bytes), cut on a character boundary. */
  static String truncatedText(byte[] raw) {
    String text =
        new String(raw, 0, Math.min(raw.length, MAX_VALUE_BYTES + 4), StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(MAX_VALUE_BYTES);
    CharBuffer in = CharBuffer.wrap(text);
    // The encoder stops before a character that does not fit, never in the middle of a pair.
    StandardCharsets.UTF_8
        .newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
        .encode(in, out, true);
    return text.substring(0, in.position());
  }
}
