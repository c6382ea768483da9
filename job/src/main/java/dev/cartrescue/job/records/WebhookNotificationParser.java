package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads Meta's webhook notification (docs/webhooks.md): {@code entry[].changes[]} of field {@code
 * messages} (its {@code statuses[]} and {@code messages[]}) and {@code user_preferences}. Meta's
 * times are epoch seconds, as a string or a number; the notification's event time is its earliest
 * event's, so that its watermark never passes one of them, or the record's timestamp (when the
 * receiver wrote it) when it holds none.
 *
 * <p>A value that is not Meta's notification, or an event without the fields that identify it (an
 * id, a time), makes the record a dead letter: Meta never sends one, so it is a producer's mistake
 * worth seeing. Fields of other kinds, statuses other than the four of {@link #STATUSES} and
 * message types other than text and replies are valid and carry no event.
 */
public class WebhookNotificationParser implements RecordParser<WebhookNotification> {
  static final String OBJECT = "whatsapp_business_account";
  static final Set<String> STATUSES = Set.of("sent", "delivered", "read", "failed");
  private static final Set<String> PREFERENCES = Set.of("stop", "resume");

  @Override
  public Parsed<WebhookNotification> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    ObjectNode json = Json.readObject(value);
    if (!OBJECT.equals(Json.optionalText(json, "object"))) {
      throw new InvalidRecordException("field object is not " + OBJECT);
    }
    List<WebhookEvent> events = new ArrayList<>();
    for (JsonNode entry : array(json, "entry", true)) {
      for (JsonNode change : array(entry, "changes", false)) {
        String field = Json.requiredText(change, "field");
        JsonNode changeValue = change.get("value");
        if (!(changeValue instanceof ObjectNode v)) {
          throw new InvalidRecordException("missing field value");
        }
        if ("messages".equals(field)) {
          for (JsonNode status : array(v, "statuses", false)) {
            addIfKnown(events, status(status));
          }
          for (JsonNode message : array(v, "messages", false)) {
            addIfKnown(events, message(message, v));
          }
        } else if ("user_preferences".equals(field)) {
          for (JsonNode preference : array(v, "user_preferences", false)) {
            addIfKnown(events, preference(preference));
          }
        }
      }
    }
    long eventTime = recordTimestamp;
    if (!events.isEmpty()) {
      eventTime = Long.MAX_VALUE;
      for (WebhookEvent event : events) {
        eventTime = Math.min(eventTime, event.timestamp);
      }
    }
    return Parsed.of(WebhookNotification.of(events.toArray(new WebhookEvent[0])), eventTime);
  }

  private static WebhookEvent status(JsonNode status) throws InvalidRecordException {
    String name = Json.requiredText(status, "status");
    if (!STATUSES.contains(name)) {
      return null;
    }
    WebhookEvent e = new WebhookEvent();
    e.kind = WebhookEvent.Kind.STATUS;
    e.status = name;
    e.messageId = id(status, "id", true);
    e.timestamp = seconds(status, "timestamp");
    e.waId = id(status, "recipient_id", false);
    e.userId = id(status, "recipient_user_id", false);
    e.callbackData =
        FieldLimits.check(
            "biz_opaque_callback_data",
            Json.optionalText(status, "biz_opaque_callback_data"),
            FieldLimits.TEXT);
    JsonNode errors = status.get("errors");
    if (errors != null && errors.isArray() && !errors.isEmpty()) {
      JsonNode error = errors.get(0);
      Long code = Json.optionalLong(error, "code");
      e.errorCode = code == null ? null : code.intValue();
      e.errorTitle = shortened(Json.optionalText(error, "title"));
    }
    JsonNode pricing = status.get("pricing");
    if (pricing != null) {
      e.pricingCategory = id(pricing, "category", false);
    }
    return e;
  }

  private static WebhookEvent message(JsonNode message, JsonNode value)
      throws InvalidRecordException {
    String type = Json.requiredText(message, "type");
    WebhookEvent e = new WebhookEvent();
    switch (type) {
      case "text" -> {
        e.kind = WebhookEvent.Kind.TEXT;
        e.text = shortened(Json.optionalText(message.path("text"), "body"));
      }
      case "button" -> {
        e.kind = WebhookEvent.Kind.BUTTON;
        e.payload = id(message.path("button"), "payload", false);
        e.text = shortened(Json.optionalText(message.path("button"), "text"));
      }
      case "interactive" -> {
        JsonNode reply = message.path("interactive").path("button_reply");
        if (reply.isMissingNode()) {
          return null;
        }
        e.kind = WebhookEvent.Kind.BUTTON;
        e.payload = id(reply, "id", false);
        e.text = shortened(Json.optionalText(reply, "title"));
      }
      default -> {
        return null;
      }
    }
    e.messageId = id(message, "id", true);
    e.timestamp = seconds(message, "timestamp");
    e.waId = id(message, "from", false);
    e.userId = id(message, "from_user_id", false);
    if (e.userId == null) {
      e.userId = id(message, "user_id", false);
    }
    JsonNode context = message.get("context");
    if (context != null) {
      e.contextMessageId = id(context, "id", false);
    }
    if (e.userId == null || e.waId == null) {
      // The sender's ids may stand only in the change's contacts[].
      for (JsonNode contact : array(value, "contacts", false)) {
        String waId = id(contact, "wa_id", false);
        if (e.waId == null || e.waId.equals(waId)) {
          e.waId = e.waId != null ? e.waId : waId;
          e.userId = e.userId != null ? e.userId : id(contact, "user_id", false);
          break;
        }
      }
    }
    return e;
  }

  private static WebhookEvent preference(JsonNode preference) throws InvalidRecordException {
    String value = Json.requiredText(preference, "value");
    if (!PREFERENCES.contains(value)
        || !"marketing_messages".equals(Json.optionalText(preference, "category"))) {
      return null;
    }
    WebhookEvent e = new WebhookEvent();
    e.kind = WebhookEvent.Kind.PREFERENCE;
    e.preference = value;
    e.timestamp = seconds(preference, "timestamp");
    e.waId = id(preference, "wa_id", false);
    e.userId = id(preference, "user_id", false);
    return e;
  }

  private static void addIfKnown(List<WebhookEvent> events, WebhookEvent event)
      throws InvalidRecordException {
    if (event == null) {
      return;
    }
    if (event.kind != WebhookEvent.Kind.STATUS && event.waId == null && event.userId == null) {
      throw new InvalidRecordException("a " + event.kind + " event names no user (wa_id, user_id)");
    }
    events.add(event);
  }

  /** Meta's epoch seconds, as a string of digits or a number, in milliseconds. */
  private static long seconds(JsonNode n, String field) throws InvalidRecordException {
    JsonNode node = n.get(field);
    long seconds;
    if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
      seconds = node.longValue();
    } else if (node != null && node.isTextual() && node.textValue().matches("[0-9]{1,12}")) {
      seconds = Long.parseLong(node.textValue());
    } else if (node == null || node.isNull()) {
      throw new InvalidRecordException("missing field " + field);
    } else {
      throw new InvalidRecordException("field " + field + " is not epoch seconds");
    }
    return EventTimes.plausible(field, seconds * 1000);
  }

  private static String id(JsonNode n, String field, boolean required)
      throws InvalidRecordException {
    String id = required ? Json.requiredText(n, field) : Json.optionalText(n, field);
    return FieldLimits.check(field, id, FieldLimits.ID);
  }

  /** A customer's text is theirs to write long; the job needs its start only. */
  private static String shortened(String text) {
    return text == null || text.length() <= FieldLimits.TEXT
        ? text
        : text.substring(0, FieldLimits.TEXT);
  }

  private static Iterable<JsonNode> array(JsonNode n, String field, boolean required)
      throws InvalidRecordException {
    JsonNode node = n.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw new InvalidRecordException("missing field " + field);
      }
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidRecordException("field " + field + " is not an array");
    }
    return node;
  }
}
