package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/contract.md §2: what the job reads, and what becomes a dead letter. */
class RecordParsersTest {
  private static final long KAFKA_TIME = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();

  @Test
  void aClickTimestampIsIsoWithAnOffsetOrEpochMillis() throws Exception {
    assertThat(
            click(
                    "{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":\"2026-11-22T11:00:00+01:00\"}")
                .timestamp)
        .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
    assertThat(
            click("{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":1763805600000}")
                .timestamp)
        .isEqualTo(1763805600000L);
  }

  @Test
  void anAddToCartReadsItsCartAndProduct() throws Exception {
    ClickEvent e =
        click(
            "{\"event_id\":\"e-1\",\"type\":\"add_to_cart\",\"contact_id\":\"c-42\","
                + "\"timestamp\":\"2026-11-22T10:00:00Z\",\"cart_id\":\"k-9\",\"cart_url\":\"u\","
                + "\"product\":{\"id\":\"sku-1\",\"name\":\"Trail shoe\",\"price\":89.90,"
                + "\"currency\":\"EUR\",\"quantity\":2},\"unknown\":{\"fields\":[1,2]}}");
    assertThat(e.eventId).isEqualTo("e-1");
    assertThat(e.cartId).isEqualTo("k-9");
    assertThat(e.productId).isEqualTo("sku-1");
    assertThat(e.productName).isEqualTo("Trail shoe");
    assertThat(e.quantity).isEqualTo(2);
  }

  @Test
  void otherTypesAreValidAndIgnoredByTheRule() throws Exception {
    ClickEvent e =
        click("{\"type\":\"page_view\",\"contact_id\":\"c\",\"timestamp\":1763805600000}");
    assertThat(e.mattersToTheRule()).isFalse();
  }

  @Test
  void unreadableClicksAreDeadLettersWithAReason() {
    assertDead("not json", "not JSON");
    assertDead("{\"contact_id\":\"c\",\"timestamp\":1763805600000}", "type");
    assertDead("{\"type\":\"purchase\",\"timestamp\":1763805600000}", "contact_id");
    assertDead("{\"type\":\"purchase\",\"contact_id\":\"c\"}", "timestamp");
    assertDead(
        "{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":\"yesterday\"}", "timestamp");
    assertDead(
        "{\"type\":\"purchase\",\"contact_id\":7,\"timestamp\":1763805600000}", "contact_id");
    assertDead(
        "{\"type\":\"add_to_cart\",\"contact_id\":\"c\",\"timestamp\":1763805600000}", "cart_id");
    assertDead("{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":1763805600}", "2000");
    assertDead(
        "{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":"
            + (System.currentTimeMillis() + 2 * 3_600_000L)
            + "}",
        "future");
    assertDead(
        "{\"type\":\"purchase\",\"contact_id\":\""
            + "x".repeat(300)
            + "\",\"timestamp\":1763805600000}",
        "longer than");
  }

  @Test
  void aProfileTakesEffectAtUpdatedAtElseAtTheRecordsTime() throws Exception {
    ContactProfileParser parser = new ContactProfileParser();
    Parsed<ContactProfile> withTime =
        parser.parse(
            null,
            bytes(
                "{\"contact_id\":\"c\",\"whatsapp_code\":33,\"phone_number\":\"06\",\"whatsapp_consent\":true,\"updated_at\":\"2026-11-20T08:00:00Z\"}"),
            KAFKA_TIME);
    assertThat(withTime.eventTime).isEqualTo(Instant.parse("2026-11-20T08:00:00Z").toEpochMilli());
    assertThat(withTime.value.whatsappCode).isEqualTo("33");
    Parsed<ContactProfile> without =
        parser.parse(null, bytes("{\"contact_id\":\"c\"}"), KAFKA_TIME);
    assertThat(without.eventTime).isEqualTo(KAFKA_TIME);
  }

  @Test
  void aTombstoneErasesTheContactOfItsKey() throws Exception {
    Parsed<ContactProfile> erasure =
        new ContactProfileParser().parse(bytes("c-42"), null, KAFKA_TIME);
    assertThat(erasure.value.erased).isTrue();
    assertThat(erasure.value.contactId).isEqualTo("c-42");
    assertThatThrownBy(() -> new ContactProfileParser().parse(null, null, KAFKA_TIME))
        .isInstanceOf(InvalidRecordException.class);
  }

  @Test
  void consentMustBeABoolean() {
    assertThatThrownBy(
            () ->
                new ContactProfileParser()
                    .parse(
                        null,
                        bytes("{\"contact_id\":\"c\",\"whatsapp_consent\":\"yes\"}"),
                        KAFKA_TIME))
        .isInstanceOf(InvalidRecordException.class);
  }

  @Test
  void anotherSystemsCappingEventNeedsOnlyContactAndTimestamp() throws Exception {
    Parsed<CappingEvent> c =
        new CappingEventParser()
            .parse(
                null,
                bytes("{\"contact_id\":\"c\",\"timestamp\":\"2026-11-22T10:00:00Z\"}"),
                KAFKA_TIME);
    assertThat(c.value.contactId).isEqualTo("c");
    assertThat(c.eventTime).isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
  }

  @Test
  void fuzzedValuesAreEitherReadOrRefusedNeverAnythingElse() {
    List<RecordParser<?>> parsers =
        List.of(
            new ClickEventParser(),
            new ContactProfileParser(),
            new CappingEventParser(),
            new RecordedOutcomeParser());
    List<byte[]> values = FuzzedRecords.values(42, 3000);
    for (RecordParser<?> parser : parsers) {
      int refused = 0;
      for (byte[] value : values) {
        try {
          Parsed<?> parsed = parser.parse(null, value, KAFKA_TIME);
          assertThat(parsed.isValid()).isTrue();
        } catch (InvalidRecordException e) {
          assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
          refused++;
        }
      }
      // Most values are broken for every reader; some are click-shaped JSON that a profile or
      // capping reader may legitimately accept.
      assertThat(refused).as(parser.getClass().getSimpleName()).isGreaterThan(values.size() / 2);
    }
  }

  private static ClickEvent click(String json) throws InvalidRecordException {
    return new ClickEventParser().parse(null, bytes(json), KAFKA_TIME).value;
  }

  private static void assertDead(String json, String reasonMentions) {
    assertThatThrownBy(() -> new ClickEventParser().parse(null, bytes(json), KAFKA_TIME))
        .as(json.length() > 80 ? json.substring(0, 80) : json)
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining(reasonMentions);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
