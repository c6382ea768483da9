package dev.cartrescue.advisor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Hand-off records as the job writes them, for the tests. */
final class Handoffs {
  static final Instant TAPPED_AT = Instant.parse("2026-12-02T21:05:00Z");

  private Handoffs() {}

  /** Marie's tap on the reminder of cart {@code cartId}. */
  static String tap(String handoffId, String contactId, String phone, String cartId) {
    return node(handoffId, contactId, phone, cartId).toString();
  }

  /** The same with the customer's text reply. */
  static String reply(String handoffId, String contactId, String phone, String text) {
    return node(handoffId, contactId, phone, "cart-9").put("text", text).toString();
  }

  static ObjectNode node(String handoffId, String contactId, String phone, String cartId) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("handoff_id", handoffId);
    node.put("contact_id", contactId);
    node.put("phone", phone);
    node.put("first_name", "Marie");
    node.put("language", "fr");
    node.put("cart_id", cartId);
    node.put("cart_url", "https://shop.example/cart/" + cartId);
    ObjectNode shirt = node.putArray("items").addObject();
    shirt.put("name", "Blue linen shirt");
    shirt.put("quantity", 2);
    node.withArray("items").addObject().putNull("name").put("quantity", 1);
    node.put("message_id", "wamid.HBgLMzM2MTIzNDU2NzgVAgARGBI" + cartId);
    node.put("tapped_at", TAPPED_AT.toString());
    return node;
  }
}
