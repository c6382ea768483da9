package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The schemas of what is still to come: the new clickstream forms and Meta's webhook notification.
 * Their parsers and writers are not here yet; these pin the shapes.
 */
class PlannedSchemasTest {
  private static final String CLICK = "inputs/clickstream-event";

  @Test
  void segmentNamesAndItemsInTheNativeForm() {
    RecordSchemas.assertValid(
        CLICK,
        "{\"type\":\"Product Added\",\"contact_id\":\"c\",\"timestamp\":1763805600000,\"cart_id\":\"k\","
            + "\"items\":[{\"item_id\":\"sku-1\",\"item_name\":\"Shoe\",\"quantity\":2,\"price\":9.5}]}");
    assertThat(
            RecordSchemas.problems(
                CLICK,
                "{\"type\":\"Product Added\",\"contact_id\":\"c\",\"timestamp\":1763805600000}"))
        .anyMatch(p -> p.contains("cart_id"));
    assertThat(
            RecordSchemas.problems(
                CLICK,
                "{\"type\":\"add_to_cart\",\"contact_id\":\"c\",\"timestamp\":1763805600000,\"cart_id\":\"k\","
                    + "\"items\":[{\"quantity\":100001}]}"))
        .isNotEmpty();
  }

  @Test
  void aSegmentTrackCallNeedsUserIdNotContactId() {
    RecordSchemas.assertValid(
        CLICK,
        "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"c\",\"messageId\":\"m-1\","
            + "\"timestamp\":\"2026-11-22T10:00:00.000Z\",\"anonymousId\":\"a\","
            + "\"properties\":{\"cart_id\":\"k\",\"product_id\":\"sku-1\",\"quantity\":1,\"price\":3}}");
    RecordSchemas.assertValid(
        CLICK,
        "{\"type\":\"track\",\"event\":\"Newsletter Opened\",\"userId\":\"c\",\"timestamp\":1763805600000}");
    assertThat(
            RecordSchemas.problems(
                CLICK,
                "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"c\",\"timestamp\":1763805600000,"
                    + "\"properties\":{}}"))
        .anyMatch(p -> p.contains("cart_id"));
    assertThat(
            RecordSchemas.problems(
                CLICK,
                "{\"type\":\"track\",\"event\":\"x\",\"contact_id\":\"c\",\"timestamp\":1763805600000}"))
        .anyMatch(p -> p.contains("userId"));
  }

  @Test
  void aConnectEnvelopeIsJudgedByItsPayload() throws Exception {
    var envelope =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"schema\":{\"type\":\"struct\"},\"payload\":"
                    + "{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":1763805600000}}");
    assertThat(RecordSchemas.problems(CLICK, envelope)).isNotEmpty();
    RecordSchemas.assertValid(CLICK, ParsersMatchSchemasTest.unwrapConnect(envelope));
  }

  @Test
  void anAdvisorHandoff() {
    String handoff =
        "{\"handoff_id\":\"h-1\",\"contact_id\":\"c-42\",\"phone\":\"+33612345678\",\"first_name\":\"Anna\","
            + "\"language\":\"fr\",\"cart_id\":\"k-9\",\"cart_url\":\"https://shop.example/cart/k-9\","
            + "\"items\":[{\"name\":\"Trail shoe\",\"quantity\":1}],\"message_id\":\"wamid.HBg\","
            + "\"tapped_at\":\"2026-11-22T11:05:00Z\"}";
    RecordSchemas.assertValid("outputs/advisor-handoff", handoff);
    RecordSchemas.assertValid(
        "outputs/advisor-handoff",
        handoff.substring(0, handoff.length() - 1) + ",\"text\":\"Is it waterproof?\"}");
    assertThat(
            RecordSchemas.problems(
                "outputs/advisor-handoff", handoff.replace("\"handoff_id\":\"h-1\",", "")))
        .isNotEmpty();
  }

  @Test
  void aWebhookNotificationWithStatusesMessagesAndPreferences() {
    String webhook =
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
          {"field":"messages","value":{"messaging_product":"whatsapp",
            "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
            "statuses":[{"id":"wamid.HBg","status":"failed","timestamp":"1763805600","recipient_id":"33612345678",
              "recipient_user_id":"US.13491208655302741918","biz_opaque_callback_data":"c-42:k-9:1763809200000",
              "errors":[{"code":131050,"title":"User has stopped marketing messages","message":"x",
                "error_data":{"details":"y"}}],"pricing":{"billable":true,"category":"marketing"}}],
            "messages":[{"from":"33612345678","user_id":"US.1","id":"wamid.r","timestamp":"1763805700",
              "type":"button","context":{"from":"15550783881","id":"wamid.HBg"},
              "button":{"payload":"advisor","text":"Chat with an advisor"}}]}},
          {"field":"user_preferences","value":{"messaging_product":"whatsapp",
            "user_preferences":[{"wa_id":"33612345678","detail":"d","category":"marketing_messages",
              "value":"stop","timestamp":1763805800}]}}]}]}
        """;
    RecordSchemas.assertValid("inputs/whatsapp-webhook", webhook);
    assertThat(
            RecordSchemas.problems("inputs/whatsapp-webhook", "{\"object\":\"page\",\"entry\":[]}"))
        .isNotEmpty();
    assertThat(
            RecordSchemas.problems(
                "inputs/whatsapp-webhook",
                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\"}]}]}"))
        .anyMatch(p -> p.contains("value"));
  }
}
