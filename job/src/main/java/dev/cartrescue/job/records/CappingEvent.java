package dev.cartrescue.job.records;

/**
 * A recovery message was sent to the contact at {@link #timestamp} (the cart's deadline): no other
 * one for the capping period. Written by this job, possibly by other systems too.
 */
public class CappingEvent {
  public static final String TYPE = "capping_whatsapp_cart_recovery";

  public String eventId;
  public String contactId;
  public long timestamp;
  public String cartId;
  public String messageId;

  public CappingEvent() {}

  public CappingEvent(String contactId, long timestamp) {
    this.contactId = contactId;
    this.timestamp = timestamp;
  }

  @Override
  public String toString() {
    return "capping(" + contactId + " @" + timestamp + ")";
  }
}
