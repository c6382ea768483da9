package dev.cartrescue.connectors;

import java.io.Serializable;

/**
 * Turns one Kafka record into a value; throws InvalidRecordException with a short reason when it
 * cannot.
 */
public interface RecordParser<T> extends Serializable {

  /**
   * @param key the record's key, or null
   * @param value the record's value, or null for a tombstone; a parser that has no use for
   *     tombstones throws {@code InvalidRecordException("empty value")}
   * @param recordTimestamp the Kafka timestamp of the record, for parsers whose values carry none
   */
  Parsed<T> parse(byte[] key, byte[] value, long recordTimestamp) throws InvalidRecordException;
}
