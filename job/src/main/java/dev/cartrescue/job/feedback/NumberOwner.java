package dev.cartrescue.job.feedback;

/** The contact a WhatsApp number or user id belongs to, as of {@link #since}. */
public class NumberOwner {
  public String contactId;

  /** E.164, or null when only the user id is known. */
  public String phone;

  /** The profile's language, for the words that mean STOP; may be null. */
  public String language;

  public long since;

  public NumberOwner() {}

  public static NumberOwner of(String contactId, String phone, String language, long since) {
    NumberOwner o = new NumberOwner();
    o.contactId = contactId;
    o.phone = phone;
    o.language = language;
    o.since = since;
    return o;
  }

  @Override
  public String toString() {
    return "owner(" + contactId + " since " + since + ")";
  }
}
