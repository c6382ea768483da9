package dev.cartrescue.job.records;

/**
 * What became of a sent cart's message, as Meta's status webhooks tell it: one record per cart and
 * status on the deliveries topic (docs/contract.md §3), never twice.
 */
public class DeliveryStatus {
  public String contactId;
  public String cartId;
  public long deadline;
  public String messageId;

  /** {@code sent}, {@code delivered}, {@code read} or {@code failed}. */
  public String status;

  /** Meta's time for the status. */
  public long timestamp;

  public Integer errorCode;
  public String errorTitle;
  public String pricingCategory;

  public DeliveryStatus() {}

  @Override
  public String toString() {
    return status + "(" + contactId + " " + cartId + " " + messageId + ")";
  }
}
