package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.connectors.DeadLetter;
import dev.cartrescue.job.rule.Reason;
import dev.cartrescue.sinks.whatsapp.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What OutputJson and DeadLetter write is what schemas/outputs/ describe, and no more. */
class OutputSchemasTest {
  private static final long DEADLINE = Instant.parse("2026-11-22T11:00:00.250Z").toEpochMilli();

  @Test
  void everyOutcomeTheJobWritesValidates() {
    RecordSchemas.assertValid(
        "outputs/outcome", OutputJson.outcome(Outcome.sent(decision(), "wamid.HBg")));
    for (Reason reason : Reason.values()) {
      CartDecision d = decision();
      d.suppressionReason = reason.code();
      RecordSchemas.assertValid("outputs/outcome", OutputJson.outcome(Outcome.suppressed(d)));
    }
    for (String reason :
        List.of(
            SendResult.PERMANENT_ERROR,
            SendResult.OPTED_OUT,
            SendResult.RETRIES_EXHAUSTED,
            SendResult.TIMEOUT,
            SendResult.INVALID_RESPONSE,
            SendResult.UNAUTHORIZED,
            SendResult.INVALID_REQUEST)) {
      RecordSchemas.assertValid(
          "outputs/outcome", OutputJson.outcome(Outcome.failed(decision(), reason, 131026)));
      RecordSchemas.assertValid(
          "outputs/outcome", OutputJson.outcome(Outcome.failed(decision(), reason, null)));
    }
  }

  @Test
  void theOutcomeSchemaIsAsStrictAsTheJob() {
    assertThat(
            RecordSchemas.problems(
                "outputs/outcome", OutputJson.outcome(Outcome.sent(decision(), null))))
        .isNotEmpty();
    CartDecision unknown = decision();
    unknown.suppressionReason = "bad_weather";
    assertThat(
            RecordSchemas.problems(
                "outputs/outcome", OutputJson.outcome(Outcome.suppressed(unknown))))
        .isNotEmpty();
    assertThat(
            RecordSchemas.problems(
                "outputs/outcome",
                OutputJson.outcome(Outcome.failed(decision(), Reason.CAPPED.code(), null))))
        .isNotEmpty();
  }

  @Test
  void theJobsCappingEventValidatesAsOursAndAsAnyWritersOne() {
    CappingEvent c = new CappingEvent("c-42", DEADLINE);
    c.eventId = "capping:" + decision().decisionId();
    c.cartId = "k-9";
    c.messageId = "wamid.HBg";
    RecordSchemas.assertValid("outputs/capping-event", OutputJson.capping(c));
    RecordSchemas.assertValid("inputs/capping-event", OutputJson.capping(c));
  }

  @Test
  void deadLettersValidateEvenForTombstonesAndHugeBinaryValues() {
    byte[] huge = new byte[200_000];
    new java.util.Random(7).nextBytes(huge);
    for (byte[] raw : new byte[][] {"{\"a\":".getBytes(StandardCharsets.UTF_8), null, huge}) {
      RecordSchemas.assertValid(
          "outputs/dead-letter",
          new DeadLetter("clickstream", 3, 12345, "missing field cart_id", raw).toJson());
    }
  }

  @Test
  void aSendLedgerEntryIsTheDecisionIdAndTheMessageId() {
    RecordSchemas.assertValid(
        "outputs/send-ledger-entry",
        ledgerEntry(
            new dev.cartrescue.job.message.CartMessage(null, null).idempotencyKey(decision()),
            "wamid.HBg"));
  }

  /** A send-ledger record as outputs/send-ledger-entry describes it: its key and value as text. */
  public static String ledgerEntry(String key, String value) {
    return dev.cartrescue.connectors.Json.write(java.util.Map.of("key", key, "value", value));
  }

  @Test
  void aDeliveryStatusValidatesWithAndWithoutAnError() {
    DeliveryStatus d = new DeliveryStatus();
    d.contactId = "c-42";
    d.cartId = "k-9";
    d.deadline = DEADLINE;
    d.messageId = "wamid.HBg";
    d.status = "read";
    d.timestamp = DEADLINE + 65_000;
    d.pricingCategory = "marketing";
    RecordSchemas.assertValid("outputs/delivery-status", OutputJson.delivery(d));
    d.status = "failed";
    d.errorCode = 131049;
    d.errorTitle = "This message was not delivered to maintain healthy ecosystem engagement.";
    RecordSchemas.assertValid("outputs/delivery-status", OutputJson.delivery(d));
    d.status = "deleted";
    assertThat(RecordSchemas.problems("outputs/delivery-status", OutputJson.delivery(d)))
        .isNotEmpty();
  }

  @Test
  void aHandOffValidatesForATapAndForATextReply() {
    Handoff h = new Handoff();
    h.handoffId = "wamid.tap-1";
    h.contactId = "c-42";
    h.phone = "+33612345678";
    h.language = "pt_BR";
    h.cartId = "k-9";
    h.items = new CartItem[] {new CartItem("Trail shoe", 2), new CartItem(null, 1)};
    h.messageId = "wamid.HBg";
    h.tappedAt = DEADLINE + 65_000;
    RecordSchemas.assertValid("outputs/advisor-handoff", OutputJson.handoff(h));
    h.firstName = "Anna";
    h.cartUrl = "https://shop.example/cart/k-9";
    h.text = "Is it waterproof?";
    RecordSchemas.assertValid("outputs/advisor-handoff", OutputJson.handoff(h));
    h.phone = "0612345678";
    assertThat(RecordSchemas.problems("outputs/advisor-handoff", OutputJson.handoff(h)))
        .isNotEmpty();
  }

  @Test
  void aConsentChangeValidatesWithAPhoneOrWithout() {
    ConsentChange c =
        ConsentChange.of("c-42", "+33612345678", false, ConsentChange.STOP_REPLY, DEADLINE);
    RecordSchemas.assertValid("outputs/consent-change", OutputJson.consentChange(c));
    c.phone = null;
    c.source = ConsentChange.USER_PREFERENCES;
    c.whatsappConsent = true;
    RecordSchemas.assertValid("outputs/consent-change", OutputJson.consentChange(c));
    c.source = ConsentChange.SEND_REFUSED;
    RecordSchemas.assertValid("outputs/consent-change", OutputJson.consentChange(c));
  }

  @Test
  void everySchemaHasAnIdTitleAndDescription() {
    assertThat(RecordSchemas.names()).hasSize(11);
    for (String name : RecordSchemas.names()) {
      var schema = RecordSchemas.document(name);
      assertThat(schema.path("$schema").asText())
          .as(name)
          .isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.path("$id").asText())
          .as(name)
          .isEqualTo("https://cart-rescue.dev/schemas/" + name + ".schema.json");
      assertThat(schema.path("title").asText()).as(name).isNotBlank();
      assertThat(schema.path("description").asText()).as(name).isNotBlank();
    }
  }

  private static CartDecision decision() {
    CartDecision d = new CartDecision();
    d.contactId = "c-42";
    d.cartId = "k-9";
    d.deadline = DEADLINE;
    return d;
  }
}
