package dev.cartrescue.job.records;

/** A cart whose last add_to_cart was followed by no activity for the abandon-after period. */
public class AbandonedCart {
  public String contactId;
  public String cartId;
  public String cartUrl;

  /** The last add_to_cart's timestamp plus abandon-after. */
  public long deadline;

  public AbandonedCart() {}

  public AbandonedCart(String contactId, String cartId, String cartUrl, long deadline) {
    this.contactId = contactId;
    this.cartId = cartId;
    this.cartUrl = cartUrl;
    this.deadline = deadline;
  }

  @Override
  public String toString() {
    return "abandoned(" + contactId + " " + cartId + " D=" + deadline + ")";
  }
}
