package dev.cartrescue.job.records;

/**
 * A version of a contact's profile (docs/contract.md §2), valid from {@link #updatedAt} in event
 * time. An erasure (a Kafka tombstone) is a profile with {@link #erased} set.
 */
public class ContactProfile {
  public String contactId;
  public String phoneNumber;
  public String whatsappCode;
  public Boolean whatsappConsent;
  public String firstName;
  public String language;
  public long updatedAt;
  public boolean erased;

  public ContactProfile() {}

  public static ContactProfile erasure(String contactId, long at) {
    ContactProfile p = new ContactProfile();
    p.contactId = contactId;
    p.updatedAt = at;
    p.erased = true;
    return p;
  }

  @Override
  public String toString() {
    return erased ? "erasure(" + contactId + ")" : "profile(" + contactId + " @" + updatedAt + ")";
  }
}
