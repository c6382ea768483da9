package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * Reads a contact profile upsert (docs/contract.md §2). Its event time is {@code updated_at}, or
 * the Kafka record's timestamp when absent. A tombstone (null value) erases the contact of its key.
 */
public class ContactProfileParser implements RecordParser<ContactProfile> {
  @Override
  public Parsed<ContactProfile> parse(byte[] key, byte[] value, long recordTimestamp)
      throws InvalidRecordException {
    if (value == null) {
      if (key == null || key.length == 0) {
        throw new InvalidRecordException("tombstone without a key");
      }
      String contactId =
          FieldLimits.check("key", new String(key, StandardCharsets.UTF_8), FieldLimits.ID);
      return Parsed.of(ContactProfile.erasure(contactId, recordTimestamp), recordTimestamp);
    }
    ObjectNode json = Json.readRecord(value);
    ContactProfile p = new ContactProfile();
    p.contactId =
        FieldLimits.check("contact_id", Json.requiredText(json, "contact_id"), FieldLimits.ID);
    p.phoneNumber =
        FieldLimits.check("phone_number", textOrDigits(json, "phone_number"), FieldLimits.ID);
    p.whatsappCode =
        FieldLimits.check("whatsapp_code", textOrDigits(json, "whatsapp_code"), FieldLimits.ID);
    p.whatsappConsent = Json.optionalBoolean(json, "whatsapp_consent");
    p.firstName =
        FieldLimits.check("first_name", Json.optionalText(json, "first_name"), FieldLimits.TEXT);
    p.language = FieldLimits.check("language", Json.optionalText(json, "language"), FieldLimits.ID);
    Long updatedAt = Json.optionalTimestamp(json, "updated_at");
    p.updatedAt =
        EventTimes.plausible("updated_at", updatedAt != null ? updatedAt : recordTimestamp);
    return Parsed.of(p, p.updatedAt);
  }

  /** Numbers and codes are strings, but a producer writing {@code "whatsapp_code": 33} means it. */
  private static String textOrDigits(ObjectNode json, String field) throws InvalidRecordException {
    JsonNode node = json.get(field);
    if (node != null && node.isIntegralNumber()) {
      return node.asText();
    }
    return Json.optionalText(json, field);
  }
}
