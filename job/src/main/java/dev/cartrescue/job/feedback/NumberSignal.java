package dev.cartrescue.job.feedback;

import dev.cartrescue.job.records.WebhookEvent;

/**
 * Everything {@link ConsentByNumber} hears about one WhatsApp user, keyed by {@link #key}: which
 * contact owns the number (or the user id), or an event of the user. Exactly one of {@link #claim},
 * {@link #release} and {@link #event} is set.
 */
public class NumberSignal {
  /** {@code p:<digits>} for a WhatsApp number, {@code u:<user id>} for a business-scoped user. */
  public String key;

  /** This contact owns the key from {@link NumberOwner#since} on. */
  public NumberOwner claim;

  /** This contact no longer owns the key (another number, or erased). */
  public String release;

  public WebhookEvent event;

  public NumberSignal() {}

  /** The key of a WhatsApp number, from its digits (Meta's {@code wa_id}) or E.164. */
  public static String numberKey(String digitsOrE164) {
    return "p:" + (digitsOrE164.startsWith("+") ? digitsOrE164.substring(1) : digitsOrE164);
  }

  /** A WhatsApp id ({@code wa_id}: the number's digits) in E.164, or null for none. */
  public static String e164(String waId) {
    return waId == null ? null : "+" + waId;
  }

  public static String userKey(String userId) {
    return "u:" + userId;
  }

  /** Where a user's event goes: their number when Meta gives it, else their user id. */
  public static NumberSignal of(WebhookEvent event) {
    NumberSignal s = new NumberSignal();
    s.key = event.waId != null ? numberKey(event.waId) : userKey(event.userId);
    s.event = event;
    return s;
  }

  /** Whether this is a user's answer to a message: a tap on a button, or a text. */
  public boolean isAnswer() {
    return event != null
        && (event.kind == WebhookEvent.Kind.BUTTON || event.kind == WebhookEvent.Kind.TEXT);
  }

  public static NumberSignal claim(String key, NumberOwner owner) {
    NumberSignal s = new NumberSignal();
    s.key = key;
    s.claim = owner;
    return s;
  }

  public static NumberSignal release(String key, String contactId) {
    NumberSignal s = new NumberSignal();
    s.key = key;
    s.release = contactId;
    return s;
  }

  @Override
  public String toString() {
    return key + (claim != null ? " " + claim : release != null ? " released" : " " + event);
  }
}
