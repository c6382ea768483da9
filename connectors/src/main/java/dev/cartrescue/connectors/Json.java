package dev.cartrescue.connectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * JSON reading helpers shared by parsers. Every failure is an {@link InvalidRecordException} whose
 * reason names the field, so a dead letter tells its producer what to fix.
 */
public final class Json {

  /** Deepest nesting of objects and arrays accepted in a value. */
  public static final int MAX_NESTING_DEPTH = 64;

  /** Longest string accepted in a value, in characters. */
  public static final int MAX_STRING_LENGTH = 1024 * 1024;

  /** Latest timestamp accepted: the end of year 9999, the last one ISO-8601 writes plainly. */
  private static final long MAX_TIMESTAMP =
      Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

  /**
   * Rejects duplicate keys (which copy of a field wins differs between readers, so a record that
   * has two is ambiguous), trailing garbage after the value, and inputs whose nesting or string
   * sizes would let one record cost much memory. Floats are read as BigDecimal, exactly as written:
   * 89.90 stays 89.90.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxStringLength(MAX_STRING_LENGTH)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private Json() {}

  /** Reads a value that must be one JSON object. */
  public static ObjectNode readObject(byte[] value) throws InvalidRecordException {
    if (value == null || value.length == 0) {
      throw new InvalidRecordException("empty value");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (StreamConstraintsException e) {
      throw new InvalidRecordException("not JSON: " + constraintReason(e));
    } catch (IOException e) {
      throw new InvalidRecordException("not JSON");
    }
    if (node == null || node.isMissingNode()) {
      // Only whitespace.
      throw new InvalidRecordException("empty value");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new InvalidRecordException("not a JSON object");
    }
    return object;
  }

  /**
   * Reads an input record: one JSON object, or a Kafka Connect JsonConverter envelope around one
   * ({@code {"schema": ..., "payload": {...}}}, exactly those two keys), which is what Connect and
   * Debezium write with {@code value.converter.schemas.enable=true}. The envelope's schema says
   * nothing a parser needs: the payload is the record.
   */
  public static ObjectNode readRecord(byte[] value) throws InvalidRecordException {
    ObjectNode object = readObject(value);
    if (object.size() == 2
        && object.has("schema")
        && object.get("payload") instanceof ObjectNode payload) {
      return payload;
    }
    return object;
  }

  /** A string field that must be present and not blank. */
  public static String requiredText(JsonNode n, String field) throws InvalidRecordException {
    String text = optionalText(n, field);
    if (text == null) {
      throw new InvalidRecordException("missing field " + field);
    }
    return text;
  }

  /** A string field, or null when absent, JSON null or blank. */
  public static String optionalText(JsonNode n, String field) throws InvalidRecordException {
    JsonNode node = present(n, field);
    if (node == null) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidRecordException("field " + field + " is not a string");
    }
    String text = node.textValue();
    return text.isBlank() ? null : text;
  }

  /**
   * A timestamp in epoch milliseconds, written either as ISO-8601 with an offset or {@code Z}
   * ({@code 2026-11-22T10:00:00Z}, {@code 2026-11-22T11:00:00.250+01:00}) or as an integral number
   * of epoch milliseconds. A date-time without an offset is refused rather than guessed at.
   */
  public static long requiredTimestamp(JsonNode n, String field) throws InvalidRecordException {
    Long timestamp = optionalTimestamp(n, field);
    if (timestamp == null) {
      throw new InvalidRecordException("missing field " + field);
    }
    return timestamp;
  }

  /** Like {@link #requiredTimestamp}, or null when absent or JSON null. */
  public static Long optionalTimestamp(JsonNode n, String field) throws InvalidRecordException {
    JsonNode node = present(n, field);
    if (node == null) {
      return null;
    }
    long millis;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      millis = node.longValue();
    } else if (node.isTextual()) {
      try {
        millis =
            OffsetDateTime.parse(node.textValue().trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        throw notATimestamp(field);
      }
    } else {
      throw notATimestamp(field);
    }
    // Before 1970 or after 9999 is a bug upstream (seconds for millis, a sentinel value), not an
    // event; such values would also drag event time to either end of its range.
    if (millis < 0 || millis > MAX_TIMESTAMP) {
      throw notATimestamp(field);
    }
    return millis;
  }

  /** A JSON boolean, or null when absent or JSON null; {@code "true"} as a string is refused. */
  public static Boolean optionalBoolean(JsonNode n, String field) throws InvalidRecordException {
    JsonNode node = present(n, field);
    if (node == null) {
      return null;
    }
    if (!node.isBoolean()) {
      throw new InvalidRecordException("field " + field + " is not a boolean");
    }
    return node.booleanValue();
  }

  /**
   * A decimal number, written as a JSON number or as a string holding one ({@code "89.90"}), or
   * null when absent or JSON null. NaN, infinities and absurd exponents are refused.
   */
  public static BigDecimal optionalNumber(JsonNode n, String field) throws InvalidRecordException {
    JsonNode node = present(n, field);
    if (node == null) {
      return null;
    }
    BigDecimal number;
    if (node.isIntegralNumber() || node.isBigDecimal()) {
      number = node.decimalValue();
    } else if (node.isTextual()) {
      try {
        number = new BigDecimal(node.textValue().trim());
      } catch (NumberFormatException e) {
        throw notANumber(field);
      }
    } else {
      // Includes doubles, which only appear (as NaN or infinity) if the mapper is reconfigured.
      throw notANumber(field);
    }
    // A scale this far out (1e-999999999) is no price or quantity, and makes arithmetic explode.
    if (Math.abs(number.scale()) > 1000) {
      throw notANumber(field);
    }
    return number;
  }

  /** An integral JSON number that fits a long, or null when absent or JSON null. */
  public static Long optionalLong(JsonNode n, String field) throws InvalidRecordException {
    JsonNode node = present(n, field);
    if (node == null) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new InvalidRecordException("field " + field + " is not an integer");
    }
    return node.longValue();
  }

  /** Compact JSON of a node or a POJO. */
  public static String write(Object pojoOrNode) {
    try {
      return MAPPER.writeValueAsString(pojoOrNode);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write " + pojoOrNode.getClass().getName() + " as JSON", e);
    }
  }

  /** The field's node, or null when the field is absent, JSON null or n is not an object. */
  private static JsonNode present(JsonNode n, String field) {
    if (n == null) {
      return null;
    }
    JsonNode node = n.get(field);
    return node == null || node.isNull() ? null : node;
  }

  private static InvalidRecordException notATimestamp(String field) {
    return new InvalidRecordException("field " + field + " is not a timestamp");
  }

  private static InvalidRecordException notANumber(String field) {
    return new InvalidRecordException("field " + field + " is not a number");
  }

  private static String constraintReason(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("nesting depth")) {
      return "nested deeper than " + MAX_NESTING_DEPTH;
    }
    if (message.contains("String value length")) {
      return "string longer than " + MAX_STRING_LENGTH + " characters";
    }
    return "too large";
  }
}
