package dev.cartrescue.job.feedback;

import dev.cartrescue.job.message.CartMessage;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.CartItem;

/**
 * A cart whose message went out, as {@link Handoffs} keeps it for the replies to that message: the
 * customer, the cart, and the replies already handed off.
 */
public class SentCart {
  public String messageId;
  public String contactId;
  public String cartId;
  public String cartUrl;
  public long deadline;
  public String phone;
  public String firstName;
  public String language;
  public CartItem[] items;

  /** The ids of the customer's messages already handed off (Meta re-delivers them). */
  public String[] handedOff = new String[0];

  /** Meta's time for the newest answer handed off; 0 before the first. */
  public long lastAnswer;

  /** Whether a text reply that did not quote the message was handed off already. */
  public boolean unquotedTextHandedOff;

  public SentCart() {}

  public static SentCart of(CartDecision cart, String messageId, String defaultLanguage) {
    SentCart sent = new SentCart();
    sent.messageId = messageId;
    sent.contactId = cart.contactId;
    sent.cartId = cart.cartId;
    sent.cartUrl = cart.cartUrl;
    sent.deadline = cart.deadline;
    sent.phone = cart.phoneE164;
    sent.firstName = cart.greetingName;
    sent.language = CartMessage.languageSent(cart.language, defaultLanguage);
    sent.items = cart.items == null ? new CartItem[0] : cart.items;
    return sent;
  }

  /** {@link NumberSignal#numberKey} of the number the message went to. */
  public String numberKey() {
    return NumberSignal.numberKey(phone);
  }

  boolean handedOff(String replyId) {
    for (String id : handedOff) {
      if (id.equals(replyId)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "sent(" + messageId + " " + contactId + " " + cartId + ")";
  }
}
