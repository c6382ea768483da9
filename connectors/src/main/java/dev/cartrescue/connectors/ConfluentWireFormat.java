package dev.cartrescue.connectors;

import java.util.Arrays;

/**
 * Confluent's JSON Schema serializer writes a magic byte 0x00 and a 4-byte schema id before the
 * JSON. Shops that produce through a schema registry send every record this way; read as JSON, each
 * would be a dead letter. JSON never starts with 0x00, so the prefix cannot be mistaken for data.
 */
public final class ConfluentWireFormat {
  private static final byte MAGIC_BYTE = 0x00;
  private static final int PREFIX_BYTES = 5;

  private ConfluentWireFormat() {}

  /**
   * The JSON of a value written with the prefix; any other value (a tombstone, plain JSON, or one
   * too short to hold a prefix, which the parser then refuses) as it is.
   */
  public static byte[] withoutPrefix(byte[] value) {
    if (value == null || value.length < PREFIX_BYTES || value[0] != MAGIC_BYTE) {
      return value;
    }
    return Arrays.copyOfRange(value, PREFIX_BYTES, value.length);
  }
}
