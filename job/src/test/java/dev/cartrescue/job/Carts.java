package dev.cartrescue.job;

import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEvent.Kind;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.WebhookEvent;
import java.time.Duration;
import java.time.Instant;

/** Test fixtures that read like the rule: named instants and factories for each record. */
public final class Carts {
  public static final String ANNA = "c-anna";
  public static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
  public static final long ONE_MS = 1;
  public static final long ONE_HOUR = Duration.ofHours(1).toMillis();
  public static final long ONE_DAY = Duration.ofDays(1).toMillis();
  public static final long THREE_DAYS = Duration.ofDays(3).toMillis();
  public static final long ONE_HOUR_LATER = T0 + ONE_HOUR;

  private Carts() {}

  public static ClickEvent addToCart(String contact, long at) {
    return addToCart(contact, at, "sku-1", "Trail shoe");
  }

  public static ClickEvent addToCart(String contact, long at, String productId, String name) {
    ClickEvent e = event(Kind.ADD_TO_CART, contact, at);
    e.cartId = "k-" + contact;
    e.cartUrl = "https://shop.example/cart/" + e.cartId;
    e.productId = productId;
    e.productName = name;
    e.quantity = 1;
    return e;
  }

  public static ClickEvent removeFromCart(String contact, long at, String productId) {
    ClickEvent e = event(Kind.REMOVE_FROM_CART, contact, at);
    e.productId = productId;
    return e;
  }

  public static ClickEvent purchase(String contact, long at) {
    return event(Kind.PURCHASE, contact, at);
  }

  public static ClickEvent event(Kind kind, String contact, long at) {
    return event(kind.wireName, contact, at);
  }

  public static ClickEvent event(String type, String contact, long at) {
    ClickEvent e = new ClickEvent();
    e.eventId = type + "-" + contact + "-" + at;
    e.type = type;
    e.contactId = contact;
    e.timestamp = at;
    return e;
  }

  /** A French contact who said yes to WhatsApp, known since well before T0. */
  public static ContactProfile consentingProfile(String contact) {
    return profile(contact, "33", "06 12 34 56 78", true, T0 - 10 * ONE_DAY);
  }

  public static ContactProfile profile(
      String contact, String code, String number, Boolean consent, long updatedAt) {
    ContactProfile p = new ContactProfile();
    p.contactId = contact;
    p.whatsappCode = code;
    p.phoneNumber = number;
    p.whatsappConsent = consent;
    p.firstName = "Anna";
    p.language = "fr";
    p.updatedAt = updatedAt;
    return p;
  }

  /** A customer's text message from a WhatsApp number (digits, as Meta's {@code wa_id}). */
  public static WebhookEvent textFrom(String waId, String text, long at) {
    WebhookEvent e = webhookEvent(WebhookEvent.Kind.TEXT, at);
    e.messageId = "wamid.in-" + waId + "-" + at;
    e.waId = waId;
    e.text = text;
    return e;
  }

  /**
   * A tap on "Chat with an advisor" from a WhatsApp number on the message {@code replyTo} (null for
   * none), with the payload the job sends for {@code cartId}.
   */
  public static WebhookEvent tapFrom(String waId, String replyTo, String cartId, long at) {
    WebhookEvent e = webhookEvent(WebhookEvent.Kind.BUTTON, at);
    e.messageId = "wamid.tap-" + waId + "-" + at;
    e.waId = waId;
    e.contextMessageId = replyTo;
    e.payload = "advisor:" + cartId;
    e.text = "Chat with an advisor";
    return e;
  }

  /** A marketing preference, {@code stop} or {@code resume}. */
  public static WebhookEvent preferenceOf(String waId, String value, long at) {
    WebhookEvent e = webhookEvent(WebhookEvent.Kind.PREFERENCE, at);
    e.waId = waId;
    e.preference = value;
    return e;
  }

  /** A message's status webhook; {@code callbackData} as the job sent it, or null. */
  public static WebhookEvent status(String messageId, String status, long at, String callbackData) {
    WebhookEvent e = webhookEvent(WebhookEvent.Kind.STATUS, at);
    e.messageId = messageId;
    e.status = status;
    e.callbackData = callbackData;
    return e;
  }

  private static WebhookEvent webhookEvent(WebhookEvent.Kind kind, long at) {
    WebhookEvent e = new WebhookEvent();
    e.kind = kind;
    e.timestamp = at;
    return e;
  }

  public static CappingEvent capping(String contact, long at) {
    return new CappingEvent(contact, at);
  }

  public static AbandonedCart abandonedCart(String contact, long deadline) {
    return abandonedCart(contact, "k-" + contact, deadline);
  }

  public static AbandonedCart abandonedCart(String contact, String cartId, long deadline) {
    return new AbandonedCart(contact, cartId, "https://shop.example/cart/" + cartId, deadline);
  }
}
