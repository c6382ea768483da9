package dev.cartrescue.connectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An input record that could not be read (docs/contract.md §3): where it was, why it failed, and
 * its raw value as text, at most {@link #MAX_VALUE_BYTES} bytes of UTF-8 so that a huge or binary
 * record still fits in a dead-letter record.
 */
public class DeadLetter {

  /** 64 KiB: the most of a raw value that a dead letter keeps. */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  public String topic;
  public int partition;
  public long offset;
  public String reason;

  /**
   * The raw value decoded as UTF-8 (malformed bytes become U+FFFD), truncated; null for a
   * tombstone.
   */
  public String value;

  public DeadLetter() {}

  public DeadLetter(String topic, int partition, long offset, String reason, byte[] rawValue) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.reason = reason;
    this.value = rawValue == null ? null : truncatedText(rawValue);
  }

  /** {"topic","partition","offset","reason","value"}, in that order. */
  public String toJson() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("topic", topic);
    node.put("partition", partition);
    node.put("offset", offset);
    node.put("reason", reason);
    node.put("value", value);
    return Json.write(node);
  }

  /**
   * Decodes leniently and keeps whole characters only, so that the text never ends in half a
   * character and its UTF-8 form stays within bounds even where malformed bytes grew into
   * three-byte U+FFFD characters.
   */
  static String truncatedText(byte[] raw) {
    // Decoding never shrinks: each character's UTF-8 form is at least as long as the bytes it came
    // from. So the first MAX_VALUE_BYTES bytes of output come from at most that many input bytes,
    // and the few extra bytes decoded here only keep a cut character from ending the text as
    // U+FFFD.
    String text = decode(raw, Math.min(raw.length, MAX_VALUE_BYTES + 4));
    return fitsInBytes(text, MAX_VALUE_BYTES);
  }

  private static String decode(byte[] raw, int length) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      return decoder.decode(ByteBuffer.wrap(raw, 0, length)).toString();
    } catch (CharacterCodingException e) {
      // REPLACE never throws; keep the compiler and the reader sure of it.
      throw new IllegalStateException(e);
    }
  }

  private static String fitsInBytes(String text, int maxBytes) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
    ByteBuffer out = ByteBuffer.allocate(maxBytes);
    CharBuffer in = CharBuffer.wrap(text);
    // The encoder stops before a character that does not fit, never in the middle of a pair.
    encoder.encode(in, out, true);
    return text.substring(0, in.position());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter other
        && partition == other.partition
        && offset == other.offset
        && Objects.equals(topic, other.topic)
        && Objects.equals(reason, other.reason)
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset, reason, value);
  }

  @Override
  public String toString() {
    return "DeadLetter[" + topic + "-" + partition + "@" + offset + ": " + reason + "]";
  }
}
