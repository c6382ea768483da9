package dev.cartrescue.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

  @Test
  void writesTheContractShapeInOrder() throws Exception {
    DeadLetter letter = new DeadLetter("clickstream", 3, 1234, "not JSON", utf8("oops"));

    assertThat(letter.toJson())
        .isEqualTo(
            "{\"topic\":\"clickstream\",\"partition\":3,\"offset\":1234,"
                + "\"reason\":\"not JSON\",\"value\":\"oops\"}");
  }

  @Test
  void escapesTheRawValueAsAJsonString() throws Exception {
    String raw = "{\"type\": \"add_to_cart\",\n \"quote\": \"\\\"\"";
    DeadLetter letter = new DeadLetter("t", 0, 0, "not JSON", utf8(raw));

    JsonNode json = Json.MAPPER.readTree(letter.toJson());

    assertThat(json.get("value").textValue()).isEqualTo(raw);
  }

  @Test
  void writesATombstoneAsNullValue() throws Exception {
    DeadLetter letter = new DeadLetter("contacts", 0, 7, "empty value", null);

    assertThat(Json.MAPPER.readTree(letter.toJson()).get("value").isNull()).isTrue();
  }

  @Test
  void keepsValuesUpTo64KiB() {
    String raw = "x".repeat(DeadLetter.MAX_VALUE_BYTES);

    assertThat(new DeadLetter("t", 0, 0, "r", utf8(raw)).value).isEqualTo(raw);
  }

  @Test
  void truncatesLargerValuesTo64KiB() {
    String raw = "x".repeat(DeadLetter.MAX_VALUE_BYTES + 10);

    assertThat(new DeadLetter("t", 0, 0, "r", utf8(raw)).value)
        .isEqualTo("x".repeat(DeadLetter.MAX_VALUE_BYTES));
  }

  @Test
  void truncatesAtACharacterBoundary() {
    // Two-, three- and four-byte characters across the cut, at every alignment.
    for (String c : List.of("é", "€", "😀")) {
      for (int pad = 0; pad < 4; pad++) {
        String raw = "x".repeat(pad) + c.repeat(DeadLetter.MAX_VALUE_BYTES);

        String value = new DeadLetter("t", 0, 0, "r", utf8(raw)).value;

        byte[] bytes = utf8(value);
        assertThat(bytes.length)
            .isLessThanOrEqualTo(DeadLetter.MAX_VALUE_BYTES)
            .isGreaterThan(DeadLetter.MAX_VALUE_BYTES - 4);
        assertThat(raw).startsWith(value);
        assertThat(value).doesNotContain("\uFFFD");
      }
    }
  }

  @Test
  void decodesMalformedUtf8LenientlyAndStaysWithinBounds() {
    byte[] raw = new byte[DeadLetter.MAX_VALUE_BYTES];
    Arrays.fill(raw, (byte) 0xFF); // never valid in UTF-8: each becomes a three-byte U+FFFD

    String value = new DeadLetter("t", 0, 0, "r", raw).value;

    assertThat(value).matches("\uFFFD+");
    assertThat(utf8(value).length).isLessThanOrEqualTo(DeadLetter.MAX_VALUE_BYTES);
    assertThat(new DeadLetter("t", 0, 0, "r", new byte[] {'a', (byte) 0xC3, 'b'}).value)
        .isEqualTo("a\uFFFDb");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
