package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Parsed;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Meta's webhook notification read into the events the job acts on (docs/webhooks.md). */
class WebhookNotificationParserTest {
  private static final long KAFKA_TIME = 1_763_900_000_000L;

  private final WebhookNotificationParser parser = new WebhookNotificationParser();

  @Test
  void aFailedStatusKeepsItsCallbackDataErrorAndPricing() throws Exception {
    Parsed<WebhookNotification> parsed =
        parse(
            messages(
                """
                "statuses":[{"id":"wamid.HBg","status":"failed","timestamp":"1763805600",
                  "recipient_id":"33612345678","recipient_user_id":"FR.1349",
                  "biz_opaque_callback_data":"c-42:k-9:1763809200000",
                  "errors":[{"code":131049,"title":"Held back","message":"x"}],
                  "pricing":{"billable":false,"category":"marketing"}}]
                """));

    assertThat(parsed.eventTime).isEqualTo(1_763_805_600_000L);
    WebhookEvent e = parsed.value.events[0];
    assertThat(e.kind).isEqualTo(WebhookEvent.Kind.STATUS);
    assertThat(e.status).isEqualTo("failed");
    assertThat(e.messageId).isEqualTo("wamid.HBg");
    assertThat(e.waId).isEqualTo("33612345678");
    assertThat(e.userId).isEqualTo("FR.1349");
    assertThat(e.callbackData).isEqualTo("c-42:k-9:1763809200000");
    assertThat(e.errorCode).isEqualTo(131049);
    assertThat(e.errorTitle).isEqualTo("Held back");
    assertThat(e.pricingCategory).isEqualTo("marketing");
  }

  @Test
  void aTextReplyTakesItsUserIdFromTheContacts() throws Exception {
    WebhookEvent e =
        parse(
                messages(
                    """
                    "contacts":[{"profile":{"name":"Anna"},"wa_id":"33612345678","user_id":"FR.7"}],
                    "messages":[{"from":"33612345678","id":"wamid.in","timestamp":"1763805700",
                      "type":"text","text":{"body":"Arrêt"},"context":{"from":"1555","id":"wamid.HBg"}}]
                    """))
            .value
            .events[0];

    assertThat(e.kind).isEqualTo(WebhookEvent.Kind.TEXT);
    assertThat(e.text).isEqualTo("Arrêt");
    assertThat(e.waId).isEqualTo("33612345678");
    assertThat(e.userId).isEqualTo("FR.7");
    assertThat(e.contextMessageId).isEqualTo("wamid.HBg");
    assertThat(e.timestamp).isEqualTo(1_763_805_700_000L);
  }

  @Test
  void aQuickReplyAndAnInteractiveReplyAreButtons() throws Exception {
    WebhookEvent[] events =
        parse(
                messages(
                    """
                    "messages":[{"from":"336","id":"wamid.a","timestamp":"1763805700","type":"button",
                        "button":{"payload":"advisor:k-9","text":"Chat with an advisor"}},
                      {"from":"336","id":"wamid.b","timestamp":"1763805701","type":"interactive",
                        "interactive":{"type":"button_reply","button_reply":{"id":"yes","title":"Yes"}}},
                      {"from":"336","id":"wamid.c","timestamp":"1763805702","type":"image"}]
                    """))
            .value
            .events;

    assertThat(events)
        .extracting(e -> e.kind + " " + e.payload + " " + e.text)
        .containsExactly("BUTTON advisor:k-9 Chat with an advisor", "BUTTON yes Yes");
  }

  @Test
  void aMarketingPreferenceStopWithANumericTimestamp() throws Exception {
    Parsed<WebhookNotification> parsed =
        parse(
            envelope(
                """
                {"field":"user_preferences","value":{"messaging_product":"whatsapp",
                  "user_preferences":[{"wa_id":"33612345678","detail":"d",
                    "category":"marketing_messages","value":"stop","timestamp":1763805800}]}}
                """));

    WebhookEvent e = parsed.value.events[0];
    assertThat(e.kind).isEqualTo(WebhookEvent.Kind.PREFERENCE);
    assertThat(e.preference).isEqualTo("stop");
    assertThat(e.timestamp).isEqualTo(1_763_805_800_000L);
  }

  @Test
  void otherFieldsAndStatusesCarryNoEventAndTakeTheRecordsTime() throws Exception {
    Parsed<WebhookNotification> parsed =
        parse(
            envelope(
                """
                {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}},
                {"field":"messages","value":{"statuses":[
                  {"id":"wamid.x","status":"deleted","timestamp":"1763805600"}]}}
                """));

    assertThat(parsed.value.events).isEmpty();
    assertThat(parsed.eventTime).isEqualTo(KAFKA_TIME);
  }

  @Test
  void theEventTimeIsTheEarliestEventsSoThatNoneIsLate() throws Exception {
    Parsed<WebhookNotification> parsed =
        parse(
            messages(
                """
                "statuses":[{"id":"wamid.1","status":"read","timestamp":"1763805900"},
                  {"id":"wamid.1","status":"delivered","timestamp":"1763805800"}]
                """));

    assertThat(parsed.eventTime).isEqualTo(1_763_805_800_000L);
  }

  @Test
  void whatIsNotMetasNotificationIsADeadLetter() {
    assertRefused("{\"object\":\"page\",\"entry\":[]}", "field object is not");
    assertRefused("{\"object\":\"whatsapp_business_account\"}", "missing field entry");
    assertRefused(
        messages("\"statuses\":[{\"status\":\"read\",\"timestamp\":\"1763805900\"}]"),
        "missing field id");
    assertRefused(
        messages("\"statuses\":[{\"id\":\"w\",\"status\":\"read\",\"timestamp\":\"soon\"}]"),
        "field timestamp is not epoch seconds");
    assertRefused(
        messages("\"statuses\":[{\"id\":\"w\",\"status\":\"read\",\"timestamp\":\"1763805\"}]"),
        "before 2000");
    assertRefused(
        messages("\"messages\":[{\"id\":\"w\",\"type\":\"text\",\"timestamp\":\"1763805900\"}]"),
        "names no user");
  }

  private void assertRefused(String json, String reason) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining(reason);
  }

  private Parsed<WebhookNotification> parse(String json) throws InvalidRecordException {
    return parser.parse(null, json.getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
  }

  private static String messages(String valueFields) {
    return envelope(
        "{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"display_phone_number\":\"1555\",\"phone_number_id\":\"1065\"},"
            + valueFields
            + "}}");
  }

  private static String envelope(String changes) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1022\",\"changes\":["
        + changes
        + "]}]}";
  }
}
