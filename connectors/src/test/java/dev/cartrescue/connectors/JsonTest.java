package dev.cartrescue.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static final long NOV_22_10H = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  @Test
  void readsTimestampsWrittenAsIsoWithZone() throws Exception {
    assertThat(Json.requiredTimestamp(object("{\"t\": \"2026-11-22T10:00:00Z\"}"), "t"))
        .isEqualTo(NOV_22_10H);
    assertThat(Json.requiredTimestamp(object("{\"t\": \"2026-11-22T11:00:00+01:00\"}"), "t"))
        .isEqualTo(NOV_22_10H);
    assertThat(Json.requiredTimestamp(object("{\"t\": \"2026-11-22T10:00:00.250Z\"}"), "t"))
        .isEqualTo(NOV_22_10H + 250);
  }

  @Test
  void readsTimestampsWrittenAsEpochMillis() throws Exception {
    assertThat(Json.requiredTimestamp(object("{\"t\": " + NOV_22_10H + "}"), "t"))
        .isEqualTo(NOV_22_10H);
    assertThat(Json.optionalTimestamp(object("{\"t\": 0}"), "t")).isZero();
  }

  @Test
  void refusesTimestampsWithoutZoneOrOfAnotherShape() {
    for (String t :
        new String[] {
          "\"2026-11-22T10:00:00\"",
          "\"2026-11-22\"",
          "\"yesterday\"",
          "\"1763805600000\"",
          "1763805600000.5",
          "-1",
          "true",
          "{}",
          "[]",
          "\"+999999999-12-31T23:59:59Z\"",
          "99999999999999999999"
        }) {
      assertInvalid(() -> Json.requiredTimestamp(object("{\"t\": " + t + "}"), "t"))
          .as(t)
          .hasMessage("field t is not a timestamp");
    }
  }

  @Test
  void treatsMissingNullOrAbsentTimestampsAsMissing() throws Exception {
    assertInvalid(() -> Json.requiredTimestamp(object("{}"), "t")).hasMessage("missing field t");
    assertInvalid(() -> Json.requiredTimestamp(object("{\"t\": null}"), "t"))
        .hasMessage("missing field t");
    assertThat(Json.optionalTimestamp(object("{\"t\": null}"), "t")).isNull();
  }

  @Test
  void readsRequiredTextAndCallsBlankMissing() throws Exception {
    assertThat(Json.requiredText(object("{\"id\": \"c-42\"}"), "id")).isEqualTo("c-42");
    assertInvalid(() -> Json.requiredText(object("{}"), "id")).hasMessage("missing field id");
    assertInvalid(() -> Json.requiredText(object("{\"id\": null}"), "id"))
        .hasMessage("missing field id");
    assertInvalid(() -> Json.requiredText(object("{\"id\": \"  \"}"), "id"))
        .hasMessage("missing field id");
  }

  @Test
  void refusesTextOfTheWrongType() {
    for (String v : new String[] {"42", "true", "{}", "[\"a\"]"}) {
      assertInvalid(() -> Json.requiredText(object("{\"id\": " + v + "}"), "id"))
          .hasMessage("field id is not a string");
      assertInvalid(() -> Json.optionalText(object("{\"id\": " + v + "}"), "id"))
          .hasMessage("field id is not a string");
    }
  }

  @Test
  void readsOptionalTextAsNullWhenAbsent() throws Exception {
    assertThat(Json.optionalText(object("{}"), "name")).isNull();
    assertThat(Json.optionalText(object("{\"name\": null}"), "name")).isNull();
    assertThat(Json.optionalText(object("{\"name\": \"Anna\"}"), "name")).isEqualTo("Anna");
  }

  @Test
  void readsBooleansStrictly() throws Exception {
    assertThat(Json.optionalBoolean(object("{\"ok\": true}"), "ok")).isTrue();
    assertThat(Json.optionalBoolean(object("{\"ok\": false}"), "ok")).isFalse();
    assertThat(Json.optionalBoolean(object("{}"), "ok")).isNull();
    assertInvalid(() -> Json.optionalBoolean(object("{\"ok\": \"true\"}"), "ok"))
        .hasMessage("field ok is not a boolean");
    assertInvalid(() -> Json.optionalBoolean(object("{\"ok\": 1}"), "ok"))
        .hasMessage("field ok is not a boolean");
  }

  @Test
  void readsNumbersExactlyFromNumbersAndNumericStrings() throws Exception {
    assertThat(Json.optionalNumber(object("{\"p\": 89.90}"), "p"))
        .isEqualTo(new BigDecimal("89.90"));
    assertThat(Json.optionalNumber(object("{\"p\": 3}"), "p")).isEqualTo(new BigDecimal("3"));
    assertThat(Json.optionalNumber(object("{\"p\": \"0.1\"}"), "p"))
        .isEqualTo(new BigDecimal("0.1"));
    assertThat(Json.optionalNumber(object("{}"), "p")).isNull();
  }

  @Test
  void refusesNaNInfinityAndOtherNonNumbers() {
    for (String v :
        new String[] {
          "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"12 EUR\"", "true", "{}", "\"1e99999\""
        }) {
      assertInvalid(() -> Json.optionalNumber(object("{\"p\": " + v + "}"), "p"))
          .as(v)
          .hasMessage("field p is not a number");
    }
    // Bare NaN is not JSON at all.
    assertInvalid(() -> Json.readObject(utf8("{\"p\": NaN}"))).hasMessage("not JSON");
  }

  @Test
  void readsIntegersThatFitALong() throws Exception {
    assertThat(Json.optionalLong(object("{\"q\": 2}"), "q")).isEqualTo(2L);
    assertThat(Json.optionalLong(object("{}"), "q")).isNull();
    for (String v : new String[] {"1.5", "\"2\"", "99999999999999999999"}) {
      assertInvalid(() -> Json.optionalLong(object("{\"q\": " + v + "}"), "q"))
          .hasMessage("field q is not an integer");
    }
  }

  @Test
  void readsOnlyJsonObjects() {
    assertInvalid(() -> Json.readObject(null)).hasMessage("empty value");
    assertInvalid(() -> Json.readObject(new byte[0])).hasMessage("empty value");
    assertInvalid(() -> Json.readObject(utf8("   "))).hasMessage("empty value");
    assertInvalid(() -> Json.readObject(utf8("hello"))).hasMessage("not JSON");
    assertInvalid(() -> Json.readObject(utf8("{\"a\": 1"))).hasMessage("not JSON");
    assertInvalid(() -> Json.readObject(utf8("{\"a\": 1} trailing"))).hasMessage("not JSON");
    assertInvalid(() -> Json.readObject(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
        .hasMessage("not JSON");
    assertInvalid(() -> Json.readObject(utf8("[1, 2]"))).hasMessage("not a JSON object");
    assertInvalid(() -> Json.readObject(utf8("\"text\""))).hasMessage("not a JSON object");
    assertInvalid(() -> Json.readObject(utf8("null"))).hasMessage("not a JSON object");
  }

  @Test
  void refusesDuplicateKeys() {
    assertInvalid(() -> Json.readObject(utf8("{\"id\": \"a\", \"id\": \"b\"}")))
        .hasMessage("not JSON");
  }

  @Test
  void refusesDeepNesting() throws Exception {
    assertThat(Json.readObject(utf8(nested(64)))).isNotNull();
    assertInvalid(() -> Json.readObject(utf8(nested(65))))
        .hasMessage("not JSON: nested deeper than 64");
  }

  @Test
  void refusesHugeStrings() throws Exception {
    String justRight = "a".repeat(Json.MAX_STRING_LENGTH);
    assertThat(Json.readObject(utf8("{\"s\": \"" + justRight + "\"}")).get("s").textValue())
        .hasSize(Json.MAX_STRING_LENGTH);
    assertInvalid(() -> Json.readObject(utf8("{\"s\": \"" + justRight + "a\"}")))
        .hasMessage("not JSON: string longer than 1048576 characters");
  }

  @Test
  void writesCompactJson() {
    ObjectNode node = Json.MAPPER.createObjectNode().put("a", 1).put("b", "x");
    assertThat(Json.write(node)).isEqualTo("{\"a\":1,\"b\":\"x\"}");
    assertThat(Json.write(new OutputRecord("t", "k", "v")))
        .isEqualTo("{\"topic\":\"t\",\"key\":\"k\",\"value\":\"v\"}");
  }

  @Test
  void readsTheRecordInsideAKafkaConnectEnvelope() throws Exception {
    String envelope =
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\","
            + "\"optional\":false,\"field\":\"contact_id\"}],\"optional\":false},"
            + "\"payload\":{\"contact_id\":\"c-42\"}}";
    assertThat(Json.readRecord(utf8(envelope)).get("contact_id").textValue()).isEqualTo("c-42");
    // Schemaless Connect data still has the envelope, with a null schema.
    assertThat(Json.readRecord(utf8("{\"schema\":null,\"payload\":{\"a\":1}}")).get("a").intValue())
        .isEqualTo(1);
  }

  @Test
  void anObjectThatIsNotExactlyAnEnvelopeIsTheRecordItself() throws Exception {
    for (String json :
        new String[] {
          "{\"schema\":{},\"payload\":{},\"contact_id\":\"c\"}",
          "{\"schema\":{},\"payload\":\"text\"}",
          "{\"schema\":{},\"payload\":null}",
          "{\"payload\":{},\"other\":1}",
          "{\"payload\":{}}"
        }) {
      assertThat(Json.readRecord(utf8(json))).as(json).isEqualTo(object(json));
    }
    assertInvalid(() -> Json.readRecord(utf8("[{\"schema\":{},\"payload\":{}}]")))
        .hasMessage("not a JSON object");
  }

  /** An object nested {@code depth} levels deep, counting the outermost. */
  private static String nested(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  private static ObjectNode object(String json) throws InvalidRecordException {
    return Json.readObject(utf8(json));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private interface Call {
    void run() throws Exception;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(Call call) {
    return assertThatThrownBy(call::run).isInstanceOf(InvalidRecordException.class);
  }
}
