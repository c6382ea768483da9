package dev.cartrescue.job.records;

import dev.cartrescue.connectors.InvalidRecordException;

/**
 * Longest values the job accepts. An identifier becomes a key, state and part of every output
 * record: one of a megabyte would make an outcome too large for Kafka and stop the sink.
 */
final class FieldLimits {
  static final int ID = 256;
  static final int TEXT = 1024;
  static final int URL = 2048;

  /** Most lines one event may carry: each goes into state; no real cart change comes near it. */
  static final int LINES = 200;

  private FieldLimits() {}

  static String check(String field, String value, int max) throws InvalidRecordException {
    if (value != null && value.length() > max) {
      throw new InvalidRecordException("field " + field + " is longer than " + max + " characters");
    }
    return value;
  }
}
