package dev.cartrescue.job.records;

/**
 * A contact's WhatsApp consent, changed by what the contact did on WhatsApp: a STOP, a marketing
 * preference, a send refused because they stopped marketing messages. The job applies it at once
 * and writes it to the consent-changes topic for the CRM (docs/contract.md §3).
 */
public class ConsentChange {
  /** Where a change came from: the record's {@code source}. */
  public static final String USER_PREFERENCES = "user_preferences";

  public static final String STOP_REPLY = "stop_reply";
  public static final String SEND_REFUSED = "send_refused_131050";

  public String contactId;

  /** E.164 with its {@code +}, or null when Meta named the user only by their user id. */
  public String phone;

  public boolean whatsappConsent;
  public String source;

  /** When the contact made the change (Meta's time), or the failed send's deadline. */
  public long timestamp;

  public ConsentChange() {}

  public static ConsentChange of(
      String contactId, String phone, boolean consent, String source, long timestamp) {
    ConsentChange c = new ConsentChange();
    c.contactId = contactId;
    c.phone = phone;
    c.whatsappConsent = consent;
    c.source = source;
    c.timestamp = timestamp;
    return c;
  }

  @Override
  public String toString() {
    return "consent("
        + contactId
        + " "
        + whatsappConsent
        + " by "
        + source
        + " @"
        + timestamp
        + ")";
  }
}
