package dev.cartrescue.connectors;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an {@link OutputRecord} to its own topic, key and value as UTF-8. The Kafka timestamp is
 * the record's Flink timestamp when it has one, as Flink's own Kafka serializers do.
 */
final class OutputRecordSerializer implements KafkaRecordSerializationSchema<OutputRecord> {

  private static final long serialVersionUID = 1L;

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      OutputRecord element, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        element.topic,
        null,
        timestamp == null || timestamp < 0 ? null : timestamp,
        utf8(element.key),
        utf8(element.value));
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
