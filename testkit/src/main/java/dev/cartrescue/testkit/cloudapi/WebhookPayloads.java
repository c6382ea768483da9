package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies Meta posts to a webhook, in its shape: one notification holds an entry per WhatsApp
 * Business Account, each with its changes ({@code field} and {@code value}).
 */
final class WebhookPayloads {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The quick reply's text, as the business's approved template writes it. */
  static final String ADVISOR_BUTTON_TEXT = "Chat with an advisor";

  /** STOP as a user would write it, by the template's language. */
  private static final Map<String, String> STOP_WORDS =
      Map.of("en", "STOP", "fr", "ARRET", "de", "STOPP", "es", "BAJA", "pt", "PARAR", "it", "STOP");

  /** A few calling codes and their regions, for business-scoped user ids ({@code FR.1234...}). */
  private static final Map<String, String> REGIONS =
      Map.ofEntries(
          Map.entry("1", "US"),
          Map.entry("31", "NL"),
          Map.entry("32", "BE"),
          Map.entry("33", "FR"),
          Map.entry("34", "ES"),
          Map.entry("39", "IT"),
          Map.entry("41", "CH"),
          Map.entry("44", "GB"),
          Map.entry("49", "DE"),
          Map.entry("52", "MX"),
          Map.entry("55", "BR"),
          Map.entry("91", "IN"),
          Map.entry("351", "PT"));

  private WebhookPayloads() {}

  /** What a notification about one accepted send needs to know. */
  record Recipient(
      String phoneNumberId,
      String displayPhoneNumber,
      String waId,
      String userId,
      String profileName,
      String messageId,
      String bizOpaqueCallbackData,
      String language,
      String advisorPayload) {

    static Recipient of(ReceivedMessage message, String wabaId, String displayPhoneNumber) {
      JsonNode body = message.body();
      JsonNode data = body.get("biz_opaque_callback_data");
      JsonNode components = body.path("template").path("components");
      String firstName = components.path(0).path("parameters").path(0).path("text").asText("");
      return new Recipient(
          message.phoneNumberId(),
          displayPhoneNumber,
          message.to().substring(1),
          WebhookPayloads.userId(wabaId, message.to()),
          firstName.isBlank() ? "WhatsApp user" : firstName,
          message.messageId(),
          data != null && data.isTextual() ? data.textValue() : null,
          body.path("template").path("language").path("code").asText("en"),
          message.quickReplyPayload());
    }
  }

  /**
   * A stable fake business-scoped user id, as Meta writes them ({@code US.13491208655302741918}):
   * the number's region, a dot, 20 digits derived from the account and the number.
   */
  static String userId(String wabaId, String to) {
    String digits = to.startsWith("+") ? to.substring(1) : to;
    String region = "ZZ";
    for (int length = 3; length >= 1; length--) {
      if (digits.length() > length && REGIONS.containsKey(digits.substring(0, length))) {
        region = REGIONS.get(digits.substring(0, length));
        break;
      }
    }
    byte[] hash = Arrays.copyOf(WebhookScenario.sha256("bsuid|" + wabaId + "|" + digits), 8);
    String number = new BigInteger(1, hash).toString();
    return region + "." + "0".repeat(20 - number.length()) + number;
  }

  /** The word STOP in the template's language ({@code fr}, {@code pt_BR}, ...), else STOP. */
  static String stopWord(String language) {
    String base = language.toLowerCase(Locale.ROOT).split("[_-]", 2)[0];
    return STOP_WORDS.getOrDefault(base, "STOP");
  }

  /**
   * A {@code messages} change with one status. A failed one carries its error and, as Meta writes
   * it for a message sent to a phone number, no contacts, no {@code recipient_user_id} and no
   * pricing (nothing is billed).
   */
  static ObjectNode status(Recipient to, String status, long epochSeconds, Integer errorCode) {
    boolean failed = status.equals("failed");
    ObjectNode value = value(to);
    if (!failed) {
      contact(value.putArray("contacts"), to, false);
    }
    ObjectNode item = value.putArray("statuses").addObject();
    item.put("id", to.messageId());
    item.put("status", status);
    item.put("timestamp", Long.toString(epochSeconds));
    item.put("recipient_id", to.waId());
    if (!failed) {
      item.put("recipient_user_id", to.userId());
    }
    if (to.bizOpaqueCallbackData() != null) {
      item.put("biz_opaque_callback_data", to.bizOpaqueCallbackData());
    }
    if (failed) {
      ObjectNode error = item.putArray("errors").addObject();
      error.put("code", errorCode);
      String title =
          errorCode == 131049
              ? "This message was not delivered to maintain healthy ecosystem engagement."
              : "Message undeliverable";
      error.put("title", title);
      error.put("message", title);
      error
          .putObject("error_data")
          .put(
              "details",
              errorCode == 131049
                  ? "In order to maintain a healthy ecosystem engagement, the message failed to be"
                      + " delivered."
                  : "Message Undeliverable.");
    } else {
      ObjectNode pricing = item.putObject("pricing");
      pricing.put("billable", true);
      pricing.put("pricing_model", "PMP");
      pricing.put("category", "marketing");
      pricing.put("type", "regular");
    }
    return change("messages", value);
  }

  /** A {@code messages} change with the user's text reply STOP to the template. */
  static ObjectNode stopReply(Recipient to, long epochSeconds, String replyId) {
    ObjectNode message = userMessage(to, epochSeconds, replyId, "text");
    message.putObject("text").put("body", stopWord(to.language()));
    return userMessageChange(to, message);
  }

  /**
   * A {@code messages} change with the user's tap on the template's quick reply "Chat with an
   * advisor": a {@code button} message quoting the template, with the payload the business set.
   */
  static ObjectNode advisorTap(Recipient to, long epochSeconds, String replyId) {
    ObjectNode message = userMessage(to, epochSeconds, replyId, "button");
    ObjectNode button = message.putObject("button");
    button.put("payload", to.advisorPayload());
    button.put("text", ADVISOR_BUTTON_TEXT);
    return userMessageChange(to, message);
  }

  /**
   * A {@code user_preferences} change: the user stopped marketing messages. Its timestamp is a
   * number, where statuses and messages write a string.
   */
  static ObjectNode preferenceStop(Recipient to, long epochSeconds) {
    ObjectNode value = value(to);
    contact(value.putArray("contacts"), to, false);
    ObjectNode preference = value.putArray("user_preferences").addObject();
    preference.put("wa_id", to.waId());
    preference.put("user_id", to.userId());
    preference.put("detail", "User requested to stop marketing messages");
    preference.put("category", "marketing_messages");
    preference.put("value", "stop");
    preference.put("timestamp", epochSeconds);
    return change("user_preferences", value);
  }

  /** {@code {"object":"whatsapp_business_account","entry":[{"id":...,"changes":[...]}]}}. */
  static ObjectNode notification(String wabaId, List<ObjectNode> changes) {
    ObjectNode root = NODES.objectNode();
    root.put("object", "whatsapp_business_account");
    ObjectNode entry = root.putArray("entry").addObject();
    entry.put("id", wabaId);
    ArrayNode array = entry.putArray("changes");
    changes.forEach(array::add);
    return root;
  }

  /** A message from the user quoting (in its {@code context}) the template they got. */
  private static ObjectNode userMessage(
      Recipient to, long epochSeconds, String replyId, String type) {
    ObjectNode message = NODES.objectNode();
    message.put("from", to.waId());
    message.put("from_user_id", to.userId());
    message.put("id", replyId);
    message.put("timestamp", Long.toString(epochSeconds));
    message.put("type", type);
    ObjectNode context = message.putObject("context");
    context.put("from", to.displayPhoneNumber());
    context.put("id", to.messageId());
    return message;
  }

  private static ObjectNode userMessageChange(Recipient to, ObjectNode message) {
    ObjectNode value = value(to);
    contact(value.putArray("contacts"), to, true);
    value.putArray("messages").add(message);
    return change("messages", value);
  }

  private static ObjectNode value(Recipient to) {
    ObjectNode value = NODES.objectNode();
    value.put("messaging_product", "whatsapp");
    ObjectNode metadata = value.putObject("metadata");
    metadata.put("display_phone_number", to.displayPhoneNumber());
    metadata.put("phone_number_id", to.phoneNumberId());
    return value;
  }

  private static void contact(ArrayNode contacts, Recipient to, boolean withProfile) {
    ObjectNode contact = contacts.addObject();
    if (withProfile) {
      contact.putObject("profile").put("name", to.profileName());
    }
    contact.put("wa_id", to.waId());
    contact.put("user_id", to.userId());
  }

  private static ObjectNode change(String field, ObjectNode value) {
    ObjectNode change = NODES.objectNode();
    change.set("value", value);
    change.put("field", field);
    return change;
  }
}
