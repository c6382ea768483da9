package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;

/** Reads a capping event, ours or another system's: only contact and timestamp are required. */
public class CappingEventParser implements RecordParser<CappingEvent> {
  @Override
  public Parsed<CappingEvent> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    ObjectNode json = Json.readRecord(value);
    CappingEvent c = new CappingEvent();
    c.contactId =
        FieldLimits.check("contact_id", Json.requiredText(json, "contact_id"), FieldLimits.ID);
    c.timestamp = EventTimes.plausible("timestamp", Json.requiredTimestamp(json, "timestamp"));
    c.eventId = FieldLimits.check("event_id", Json.optionalText(json, "event_id"), FieldLimits.ID);
    c.cartId = FieldLimits.check("cart_id", Json.optionalText(json, "cart_id"), FieldLimits.ID);
    c.messageId =
        FieldLimits.check("message_id", Json.optionalText(json, "message_id"), FieldLimits.ID);
    return Parsed.of(c, c.timestamp);
  }
}
