package dev.cartrescue.advisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One hand-off as the job writes it to {@code topic.handoffs}
 * (schemas/outputs/advisor-handoff.schema.json): a customer who asked for an advisor on a cart
 * reminder, with what the advisor needs to help. {@link #handoffId()} is the same every time the
 * record is delivered again: it is what makes the note unique.
 */
record Handoff(
    String handoffId,
    String contactId,
    String phone,
    Optional<String> firstName,
    String language,
    String cartId,
    Optional<String> cartUrl,
    List<Item> items,
    String messageId,
    Instant tappedAt,
    Optional<String> text) {

  /** One line of the cart; a null name is a line the shop sent without one. */
  record Item(Optional<String> name, long quantity) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A record that is not a hand-off: the message is the dead letter's reason. */
  static final class Unreadable extends Exception {
    Unreadable(String reason) {
      super(reason);
    }
  }

  /**
   * Reads a record's value. Only what the note needs is checked; the phone number's form is
   * Chatwoot's to judge (it refuses what it cannot take with 422, and the hand-off is a dead letter
   * with Chatwoot's words).
   */
  static Handoff parse(byte[] value) throws Unreadable {
    if (value == null) {
      throw new Unreadable("a tombstone, not a hand-off");
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (IOException e) {
      throw new Unreadable("not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new Unreadable("not a JSON object");
    }
    List<Item> items = new ArrayList<>();
    JsonNode lines = root.get("items");
    if (lines == null || !lines.isArray()) {
      throw new Unreadable("missing field items (an array)");
    }
    for (JsonNode line : lines) {
      JsonNode quantity = line.get("quantity");
      if (!line.isObject() || quantity == null || !quantity.canConvertToLong()) {
        throw new Unreadable("field items: each line needs a whole quantity");
      }
      items.add(new Item(optionalText(line, "name"), quantity.asLong()));
    }
    String tapped = text(root, "tapped_at");
    Instant tappedAt;
    try {
      tappedAt = Instant.parse(tapped);
    } catch (DateTimeParseException e) {
      throw new Unreadable("field tapped_at is not an ISO-8601 UTC time");
    }
    return new Handoff(
        text(root, "handoff_id"),
        text(root, "contact_id"),
        text(root, "phone"),
        optionalText(root, "first_name"),
        text(root, "language"),
        text(root, "cart_id"),
        optionalText(root, "cart_url"),
        List.copyOf(items),
        text(root, "message_id"),
        tappedAt,
        optionalText(root, "text"));
  }

  private static String text(JsonNode root, String field) throws Unreadable {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new Unreadable("missing field " + field);
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw new Unreadable("field " + field + " is not a non-empty string");
    }
    return node.textValue();
  }

  private static Optional<String> optionalText(JsonNode root, String field) throws Unreadable {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new Unreadable("field " + field + " is not a string");
    }
    return node.textValue().isBlank() ? Optional.empty() : Optional.of(node.textValue());
  }
}
