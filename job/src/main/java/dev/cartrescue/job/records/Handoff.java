package dev.cartrescue.job.records;

/**
 * A customer who answered a cart's message, for a human advisor: a tap on "Chat with an advisor" or
 * a text reply, with who they are and what is in their cart. One record per tap or reply on the
 * hand-offs topic (docs/contract.md §3), however often Meta re-delivers it.
 */
public class Handoff {
  /** The id of the customer's own message (the tap or the reply): the same when re-delivered. */
  public String handoffId;

  public String contactId;

  /** E.164. */
  public String phone;

  public String firstName;

  /** The language the cart's message was sent in. */
  public String language;

  public String cartId;
  public String cartUrl;
  public CartItem[] items;

  /** The cart's message the customer answered. */
  public String messageId;

  /** Meta's time for the tap or reply. */
  public long tappedAt;

  /** The customer's words, for a text reply; null for a tap. */
  public String text;

  public Handoff() {}

  @Override
  public String toString() {
    return "handoff(" + handoffId + " " + contactId + " " + cartId + ")";
  }
}
