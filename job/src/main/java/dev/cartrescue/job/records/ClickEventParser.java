package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.records.ClickEvent.Kind;
import java.util.Map;

/**
 * Reads a clickstream record (docs/contract.md §2); event time is its {@code timestamp}.
 *
 * <p>Besides the job's own form, it reads what shops already emit where that costs nothing: a
 * GA4-style {@code items} list, Segment's e-commerce event names, and a Segment track call as it is
 * (docs/producers.md). Each is turned into the job's own event here, so that nothing after the
 * parser knows of Segment or GA4.
 */
public class ClickEventParser implements RecordParser<ClickEvent> {
  private static final Map<String, String> SEGMENT_EVENTS =
      Map.of(
          "Product Added", Kind.ADD_TO_CART.wireName,
          "Product Removed", Kind.REMOVE_FROM_CART.wireName,
          "Order Completed", Kind.PURCHASE.wireName);

  private static final long MAX_QUANTITY = 100_000;

  @Override
  public Parsed<ClickEvent> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    ObjectNode json = Json.readRecord(value);
    ClickEvent e = isSegmentTrack(json) ? readSegmentTrack(json) : readNative(json);
    return Parsed.of(e, e.timestamp);
  }

  private static ClickEvent readNative(ObjectNode json) throws InvalidRecordException {
    ClickEvent e = new ClickEvent();
    String type = FieldLimits.check("type", Json.requiredText(json, "type"), FieldLimits.ID);
    e.type = SEGMENT_EVENTS.getOrDefault(type, type);
    e.contactId =
        FieldLimits.check("contact_id", Json.requiredText(json, "contact_id"), FieldLimits.ID);
    e.timestamp = EventTimes.plausible("timestamp", Json.requiredTimestamp(json, "timestamp"));
    e.eventId = FieldLimits.check("event_id", Json.optionalText(json, "event_id"), FieldLimits.ID);
    e.cartId = FieldLimits.check("cart_id", Json.optionalText(json, "cart_id"), FieldLimits.ID);
    if (e.kind() == Kind.ADD_TO_CART && e.cartId == null) {
      // The "View cart" button needs it.
      throw new InvalidRecordException("missing field cart_id");
    }
    e.cartUrl = FieldLimits.check("cart_url", Json.optionalText(json, "cart_url"), FieldLimits.URL);
    if (e.kind() == Kind.ADD_TO_CART || e.kind() == Kind.REMOVE_FROM_CART) {
      readProduct(json, e);
      e.items = readItems(json);
    }
    return e;
  }

  private static void readProduct(ObjectNode json, ClickEvent e) throws InvalidRecordException {
    JsonNode product = json.get("product");
    if (product == null || product.isNull()) {
      return;
    }
    if (!product.isObject()) {
      throw new InvalidRecordException("field product is not an object");
    }
    e.productId = FieldLimits.check("product.id", Json.optionalText(product, "id"), FieldLimits.ID);
    e.productName =
        FieldLimits.check("product.name", Json.optionalText(product, "name"), FieldLimits.TEXT);
    e.quantity = quantity(product, "product.quantity");
  }

  /** GA4's {@code items}: every entry is a line of its own. */
  private static CartLine[] readItems(ObjectNode json) throws InvalidRecordException {
    JsonNode items = json.get("items");
    if (items == null || items.isNull()) {
      return null;
    }
    if (!items.isArray()) {
      throw new InvalidRecordException("field items is not an array");
    }
    if (items.size() > FieldLimits.LINES) {
      throw new InvalidRecordException(
          "field items has more than " + FieldLimits.LINES + " entries");
    }
    if (items.isEmpty()) {
      return null;
    }
    CartLine[] lines = new CartLine[items.size()];
    for (int i = 0; i < lines.length; i++) {
      JsonNode item = items.get(i);
      String at = "items[" + i + "]";
      if (!item.isObject()) {
        throw new InvalidRecordException("field " + at + " is not an object");
      }
      lines[i] =
          new CartLine(
              FieldLimits.check(
                  at + ".item_id", Json.optionalText(item, "item_id"), FieldLimits.ID),
              FieldLimits.check(
                  at + ".item_name", Json.optionalText(item, "item_name"), FieldLimits.TEXT),
              quantity(item, at + ".quantity"));
    }
    return lines;
  }

  /** A Segment track call: {@code "type": "track"} and the event's name in {@code event}. */
  private static boolean isSegmentTrack(ObjectNode json) {
    JsonNode type = json.get("type");
    JsonNode event = json.get("event");
    return type != null
        && type.isTextual()
        && "track".equals(type.textValue())
        && event != null
        && event.isTextual();
  }

  private static ClickEvent readSegmentTrack(ObjectNode json) throws InvalidRecordException {
    ClickEvent e = new ClickEvent();
    // Other events are valid and move event time; their name is kept nowhere, so it has no limit.
    e.type = SEGMENT_EVENTS.getOrDefault(Json.requiredText(json, "event"), "track");
    e.contactId = FieldLimits.check("userId", Json.requiredText(json, "userId"), FieldLimits.ID);
    e.timestamp = EventTimes.plausible("timestamp", Json.requiredTimestamp(json, "timestamp"));
    e.eventId =
        FieldLimits.check("messageId", Json.optionalText(json, "messageId"), FieldLimits.ID);
    JsonNode properties = json.get("properties");
    if (properties != null && !properties.isNull() && !properties.isObject()) {
      throw new InvalidRecordException("field properties is not an object");
    }
    e.cartId =
        FieldLimits.check(
            "properties.cart_id", Json.optionalText(properties, "cart_id"), FieldLimits.ID);
    if (e.kind() == Kind.ADD_TO_CART && e.cartId == null) {
      throw new InvalidRecordException("missing field properties.cart_id");
    }
    e.cartUrl =
        FieldLimits.check(
            "properties.cart_url", Json.optionalText(properties, "cart_url"), FieldLimits.URL);
    if (e.kind() == Kind.ADD_TO_CART || e.kind() == Kind.REMOVE_FROM_CART) {
      String productId =
          FieldLimits.check(
              "properties.product_id", Json.optionalText(properties, "product_id"), FieldLimits.ID);
      String sku =
          FieldLimits.check("properties.sku", Json.optionalText(properties, "sku"), FieldLimits.ID);
      e.productId = productId != null ? productId : sku;
      e.productName =
          FieldLimits.check(
              "properties.name", Json.optionalText(properties, "name"), FieldLimits.TEXT);
      e.quantity = quantity(properties, "properties.quantity");
    }
    return e;
  }

  /** A line's quantity, 0 when absent. */
  private static int quantity(JsonNode line, String field) throws InvalidRecordException {
    Long quantity = Json.optionalLong(line, "quantity");
    if (quantity == null) {
      return 0;
    }
    if (quantity < 0 || quantity > MAX_QUANTITY) {
      throw new InvalidRecordException("field " + field + " is out of range");
    }
    return quantity.intValue();
  }
}
