package dev.cartrescue.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ParsingDeserializerTest {

  private static final RecordParser<String> TEXT =
      (key, value, timestamp) -> {
        var json = Json.readObject(value);
        return Parsed.of(Json.requiredText(json, "text"), timestamp);
      };

  @Test
  void passesParsedValuesOn() throws Exception {
    assertThat(deserialize(TEXT, record("{\"text\": \"hi\"}")))
        .containsExactly(Parsed.of("hi", 1_000L));
  }

  @Test
  void turnsRefusedRecordsIntoDeadLettersThatSayWhereTheyCameFrom() throws Exception {
    assertThat(deserialize(TEXT, record("{}")))
        .containsExactly(
            Parsed.dead(new DeadLetter("in", 2, 17, "missing field text", utf8("{}"))));
  }

  @Test
  void handsTombstonesToTheParser() throws Exception {
    RecordParser<String> tombstones =
        (key, value, timestamp) ->
            Parsed.of(
                value == null ? "erase " + new String(key, StandardCharsets.UTF_8) : "keep", 0);

    assertThat(deserialize(tombstones, record((String) null)))
        .containsExactly(Parsed.of("erase c-42", 0L));
    assertThat(deserialize(TEXT, record((String) null)).get(0).deadLetter.reason)
        .isEqualTo("empty value");
  }

  @Test
  void neverThrowsWhenTheParserFails() throws Exception {
    RecordParser<String> buggy =
        (key, value, timestamp) -> {
          throw new IllegalStateException("bug");
        };

    assertThat(deserialize(buggy, record("{}")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.deadLetter.reason)
                    .isEqualTo("parser failed: java.lang.IllegalStateException: bug"));
  }

  @Test
  void refusesValuesOverOneMebibyteUnread() throws Exception {
    RecordParser<String> mustNotBeCalled =
        (key, value, timestamp) -> {
          throw new AssertionError("parsed a huge value");
        };
    byte[] huge = new byte[ParsingDeserializer.MAX_VALUE_BYTES + 1];

    List<Parsed<String>> out =
        deserialize(mustNotBeCalled, new ConsumerRecord<>("in", 2, 17, null, huge));

    assertThat(out.get(0).deadLetter.reason).isEqualTo("value larger than 1 MiB");
    assertThat(out.get(0).deadLetter.value).hasSize(DeadLetter.MAX_VALUE_BYTES);
  }

  @Test
  void readsValuesInConfluentsWireFormat() throws Exception {
    byte[] prefixed = confluent(17, "{\"text\": \"hi\"}");

    assertThat(deserialize(TEXT, record(prefixed))).containsExactly(Parsed.of("hi", 1_000L));
  }

  @Test
  void aRefusedValueInConfluentsWireFormatIsADeadLetterWithItsPrefix() throws Exception {
    byte[] prefixed = confluent(17, "{}");

    Parsed<String> dead = deserialize(TEXT, record(prefixed)).get(0);
    assertThat(dead.deadLetter.reason).isEqualTo("missing field text");
    assertThat(dead.deadLetter.value).isEqualTo(new String(prefixed, StandardCharsets.UTF_8));
  }

  @Test
  void aZeroByteTooShortForAPrefixReachesTheParserAsItIs() throws Exception {
    assertThat(deserialize(TEXT, record(new byte[] {0, 0, 1})).get(0).deadLetter.reason)
        .isEqualTo("not JSON");
    assertThat(deserialize(TEXT, record(confluent(3, ""))).get(0).deadLetter.reason)
        .isEqualTo("empty value");
  }

  /** A value as Confluent's JSON Schema serializer writes it: 0x00, the schema id, the JSON. */
  private static byte[] confluent(int schemaId, String json) {
    return ByteBuffer.allocate(5 + utf8(json).length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(utf8(json))
        .array();
  }

  private static List<Parsed<String>> deserialize(
      RecordParser<String> parser, ConsumerRecord<byte[], byte[]> record) throws Exception {
    var deserializer = new ParsingDeserializer<>(parser, Parsed.typeInfo(Types.STRING));
    List<Parsed<String>> out = new ArrayList<>();
    deserializer.deserialize(
        record,
        new Collector<>() {
          @Override
          public void collect(Parsed<String> parsed) {
            out.add(parsed);
          }

          @Override
          public void close() {}
        });
    return out;
  }

  private static ConsumerRecord<byte[], byte[]> record(String value) {
    return record(value == null ? null : utf8(value));
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>(
        "in",
        2,
        17,
        1_000L,
        TimestampType.CREATE_TIME,
        0,
        0,
        utf8("c-42"),
        value,
        new RecordHeaders(),
        Optional.empty());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
