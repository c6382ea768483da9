package dev.cartrescue.job.records;

/**
 * Everything the eligibility function hears about a contact, on one keyed stream: exactly one of
 * the fields is set.
 */
public class ContactSignal {
  public ClickEvent click;
  public ContactProfile profile;
  public CappingEvent capping;
  public AbandonedCart abandonedCart;

  /** A failed send read back from the outcomes topic (an opt-out among them). */
  public RecordedOutcome failedSend;

  /** An opt-out or opt-in the contact made on WhatsApp (a STOP, a marketing preference). */
  public ConsentChange consentChange;

  public ContactSignal() {}

  public static ContactSignal of(ClickEvent click) {
    ContactSignal s = new ContactSignal();
    s.click = click;
    return s;
  }

  public static ContactSignal of(ContactProfile profile) {
    ContactSignal s = new ContactSignal();
    s.profile = profile;
    return s;
  }

  public static ContactSignal of(CappingEvent capping) {
    ContactSignal s = new ContactSignal();
    s.capping = capping;
    return s;
  }

  public static ContactSignal of(AbandonedCart cart) {
    ContactSignal s = new ContactSignal();
    s.abandonedCart = cart;
    return s;
  }

  public static ContactSignal of(RecordedOutcome failedSend) {
    ContactSignal s = new ContactSignal();
    s.failedSend = failedSend;
    return s;
  }

  public static ContactSignal of(ConsentChange consentChange) {
    ContactSignal s = new ContactSignal();
    s.consentChange = consentChange;
    return s;
  }

  public String contactId() {
    if (click != null) {
      return click.contactId;
    }
    if (profile != null) {
      return profile.contactId;
    }
    if (capping != null) {
      return capping.contactId;
    }
    if (failedSend != null) {
      return failedSend.contactId;
    }
    if (consentChange != null) {
      return consentChange.contactId;
    }
    return abandonedCart.contactId;
  }
}
