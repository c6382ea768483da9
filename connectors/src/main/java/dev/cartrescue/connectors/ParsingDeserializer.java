package dev.cartrescue.connectors;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs a {@link RecordParser} on each Kafka record and never throws: a record the parser refuses,
 * or one it fails on, becomes a dead letter that names where it came from. A job that stopped on a
 * bad record would stop again on it after every restart.
 *
 * <p>A value in Confluent's wire format reaches the parser without its prefix; its dead letter
 * keeps the value as it came, prefix included, so that a replay can send it back unchanged.
 */
final class ParsingDeserializer<T> implements KafkaRecordDeserializationSchema<Parsed<T>> {

  private static final long serialVersionUID = 1L;

  /** Larger values are refused unread: no event of ours comes near it, and parsing costs memory. */
  static final int MAX_VALUE_BYTES = 1024 * 1024;

  private final RecordParser<T> parser;
  private final TypeInformation<Parsed<T>> type;

  ParsingDeserializer(RecordParser<T> parser, TypeInformation<Parsed<T>> type) {
    this.parser = parser;
    this.type = type;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Parsed<T>> out) {
    out.collect(parse(record));
  }

  Parsed<T> parse(ConsumerRecord<byte[], byte[]> record) {
    byte[] value = record.value();
    String reason;
    if (value != null && value.length > MAX_VALUE_BYTES) {
      reason = "value larger than 1 MiB";
    } else {
      try {
        Parsed<T> parsed =
            parser.parse(
                record.key(), ConfluentWireFormat.withoutPrefix(value), record.timestamp());
        if (parsed != null) {
          return parsed;
        }
        reason = "parser returned nothing";
      } catch (InvalidRecordException e) {
        reason = e.reason();
      } catch (RuntimeException e) {
        // A parser bug must not stop the job; the dead letter keeps the record for a replay.
        reason = "parser failed: " + e;
      }
    }
    return Parsed.dead(
        new DeadLetter(record.topic(), record.partition(), record.offset(), reason, value));
  }

  @Override
  public TypeInformation<Parsed<T>> getProducedType() {
    return type;
  }
}
