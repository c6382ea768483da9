package dev.cartrescue.job.records;

/**
 * What the eligibility function decided for an abandoned cart at its deadline: either suppressed
 * with a reason, or to be sent with everything the message needs.
 */
public class CartDecision {
  public String contactId;
  public String cartId;
  public String cartUrl;
  public long deadline;

  /** Null when the cart is to be sent. */
  public String suppressionReason;

  // For a send only.
  public String phoneE164;
  public String language;
  public String greetingName;
  public String itemsSummary;

  /** The cart's lines at the deadline, for the advisor a reply reaches. */
  public CartItem[] items;

  public CartDecision() {}

  public boolean isSend() {
    return suppressionReason == null;
  }

  /** Identifies this decision everywhere: the Cloud API's callback data, the capping event id. */
  public String decisionId() {
    return contactId + ":" + cartId + ":" + deadline;
  }

  @Override
  public String toString() {
    return "decision(" + decisionId() + " " + (isSend() ? "send" : suppressionReason) + ")";
  }
}
