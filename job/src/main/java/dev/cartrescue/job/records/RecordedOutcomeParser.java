package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;

/**
 * Reads an outcome back from the outcomes topic (docs/contract.md §3); its time is the deadline.
 */
public class RecordedOutcomeParser implements RecordParser<RecordedOutcome> {
  @Override
  public Parsed<RecordedOutcome> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    ObjectNode json = Json.readObject(value);
    RecordedOutcome o = new RecordedOutcome();
    o.contactId =
        FieldLimits.check("contact_id", Json.requiredText(json, "contact_id"), FieldLimits.ID);
    o.cartId = FieldLimits.check("cart_id", Json.optionalText(json, "cart_id"), FieldLimits.ID);
    // Only to match status webhooks: an id too long to be Meta's matches none, and is left out.
    String messageId = Json.optionalText(json, "message_id");
    o.messageId = messageId != null && messageId.length() <= FieldLimits.ID ? messageId : null;
    o.deadline = EventTimes.plausible("deadline", Json.requiredTimestamp(json, "deadline"));
    o.outcome = FieldLimits.check("outcome", Json.requiredText(json, "outcome"), FieldLimits.ID);
    o.reason = FieldLimits.check("reason", Json.optionalText(json, "reason"), FieldLimits.ID);
    Long code = Json.optionalLong(json, "error_code");
    o.errorCode = code == null ? null : code.intValue();
    return Parsed.of(o, o.deadline);
  }
}
