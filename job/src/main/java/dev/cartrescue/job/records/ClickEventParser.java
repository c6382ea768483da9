package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;

/** Reads a clickstream record (contract section 2); event time is its {@code timestamp}. */
public class ClickEventParser implements RecordParser<ClickEvent> {
  @Override
  public Parsed<ClickEvent> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    ObjectNode json = Json.readObject(value);
    ClickEvent e = new ClickEvent();
    e.type = FieldLimits.check("type", Json.requiredText(json, "type"), FieldLimits.ID);
    e.contactId =
        FieldLimits.check("contact_id", Json.requiredText(json, "contact_id"), FieldLimits.ID);
    e.timestamp = EventTimes.plausible("timestamp", Json.requiredTimestamp(json, "timestamp"));
    e.eventId = FieldLimits.check("event_id", Json.optionalText(json, "event_id"), FieldLimits.ID);
    if (e.isAddToCart()) {
      // The "View cart" button needs it.
      e.cartId = FieldLimits.check("cart_id", Json.requiredText(json, "cart_id"), FieldLimits.ID);
    } else {
      e.cartId = FieldLimits.check("cart_id", Json.optionalText(json, "cart_id"), FieldLimits.ID);
    }
    e.cartUrl = FieldLimits.check("cart_url", Json.optionalText(json, "cart_url"), FieldLimits.URL);
    if (e.isAddToCart() || e.isRemoveFromCart()) {
      readProduct(json, e);
    }
    return Parsed.of(e, e.timestamp);
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
    Long quantity = Json.optionalLong(product, "quantity");
    if (quantity != null) {
      if (quantity < 0 || quantity > 100_000) {
        throw new InvalidRecordException("field product.quantity is out of range");
      }
      e.quantity = quantity.intValue();
    }
  }
}
