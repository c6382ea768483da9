package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.Json;
import java.time.Instant;

/** The job's output records as docs/contract.md §3 describes them. */
public final class OutputJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OutputJson() {}

  public static String outcome(Outcome o) {
    ObjectNode json = NODES.objectNode();
    json.put("contact_id", o.contactId);
    json.put("cart_id", o.cartId);
    json.put("deadline", iso(o.deadline));
    json.put("outcome", o.outcome);
    json.put("reason", o.reason);
    json.put("message_id", o.messageId);
    json.put("error_code", o.errorCode);
    return Json.write(json);
  }

  public static String capping(CappingEvent c) {
    ObjectNode json = NODES.objectNode();
    json.put("event_id", c.eventId);
    json.put("type", CappingEvent.TYPE);
    json.put("contact_id", c.contactId);
    json.put("timestamp", iso(c.timestamp));
    json.put("cart_id", c.cartId);
    json.put("message_id", c.messageId);
    return Json.write(json);
  }

  public static String delivery(DeliveryStatus d) {
    ObjectNode json = NODES.objectNode();
    json.put("contact_id", d.contactId);
    json.put("cart_id", d.cartId);
    json.put("deadline", iso(d.deadline));
    json.put("message_id", d.messageId);
    json.put("status", d.status);
    json.put("timestamp", iso(d.timestamp));
    json.put("error_code", d.errorCode);
    json.put("error_title", d.errorTitle);
    json.put("pricing_category", d.pricingCategory);
    return Json.write(json);
  }

  public static String consentChange(ConsentChange c) {
    ObjectNode json = NODES.objectNode();
    json.put("contact_id", c.contactId);
    json.put("phone", c.phone);
    json.put("whatsapp_consent", c.whatsappConsent);
    json.put("source", c.source);
    json.put("timestamp", iso(c.timestamp));
    return Json.write(json);
  }

  public static String handoff(Handoff h) {
    ObjectNode json = NODES.objectNode();
    json.put("handoff_id", h.handoffId);
    json.put("contact_id", h.contactId);
    json.put("phone", h.phone);
    json.put("first_name", h.firstName);
    json.put("language", h.language);
    json.put("cart_id", h.cartId);
    json.put("cart_url", h.cartUrl);
    ArrayNode items = json.putArray("items");
    for (CartItem item : h.items) {
      items.addObject().put("name", item.name).put("quantity", item.quantity);
    }
    json.put("message_id", h.messageId);
    json.put("tapped_at", iso(h.tappedAt));
    if (h.text != null) {
      json.put("text", h.text);
    }
    return Json.write(json);
  }

  private static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
