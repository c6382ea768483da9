package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;

/** Reads an outcome back from the outcomes topic (contract section 3); its time is the deadline. */
public class RecordedOutcomeParser implements RecordParser<RecordedOutcome> {
  @Override
  public Parsed<RecordedOutcome> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    ObjectNode json = Json.readObject(value);
    RecordedOutcome o = new RecordedOutcome();
    o.contactId = Json.requiredText(json, "contact_id");
    o.deadline = EventTimes.plausible("deadline", Json.requiredTimestamp(json, "deadline"));
    o.outcome = Json.requiredText(json, "outcome");
    o.reason = Json.optionalText(json, "reason");
    Long code = Json.optionalLong(json, "error_code");
    o.errorCode = code == null ? null : code.intValue();
    return Parsed.of(o, o.deadline);
  }
}
