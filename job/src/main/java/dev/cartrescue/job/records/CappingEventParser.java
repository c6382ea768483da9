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
    ObjectNode json = Json.readObject(value);
    CappingEvent c = new CappingEvent();
    c.contactId = Json.requiredText(json, "contact_id");
    c.timestamp = EventTimes.plausible("timestamp", Json.requiredTimestamp(json, "timestamp"));
    c.eventId = Json.optionalText(json, "event_id");
    c.cartId = Json.optionalText(json, "cart_id");
    c.messageId = Json.optionalText(json, "message_id");
    return Parsed.of(c, c.timestamp);
  }
}
