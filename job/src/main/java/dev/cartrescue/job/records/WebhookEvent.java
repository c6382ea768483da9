package dev.cartrescue.job.records;

/**
 * One thing a WhatsApp webhook notification tells: a message's status, a customer's message (a
 * text, a quick-reply tap, an interactive reply) or a marketing preference. One notification
 * carries many ({@link WebhookNotification}); each is read on its own, tied back to its cart and
 * contact by what it carries: the callback data, a message id, the WhatsApp number, the
 * business-scoped user id.
 */
public class WebhookEvent {
  /** What the event is. */
  public enum Kind {
    /** {@code statuses[]}: sent, delivered, read or failed. */
    STATUS,
    /** {@code messages[]} of type {@code text}. */
    TEXT,
    /** {@code messages[]} of type {@code button} (a template quick reply) or interactive reply. */
    BUTTON,
    /** {@code user_preferences[]}: a marketing {@code stop} or {@code resume}. */
    PREFERENCE
  }

  public Kind kind;

  /** Epoch milliseconds (Meta sends seconds). */
  public long timestamp;

  /**
   * The status's message ({@code statuses[].id}), or the customer's own message ({@code
   * messages[].id}); null for a preference.
   */
  public String messageId;

  /** For a customer's message: the message it answers ({@code context.id}), when it has one. */
  public String contextMessageId;

  /**
   * The customer's WhatsApp number, digits only ({@code recipient_id}, {@code from}, {@code
   * wa_id}).
   */
  public String waId;

  /** The business-scoped user id ({@code recipient_user_id}, {@code user_id}), when given. */
  public String userId;

  // STATUS

  /** {@code sent}, {@code delivered}, {@code read} or {@code failed}. */
  public String status;

  /** {@code biz_opaque_callback_data}: the decision id the job sent, echoed. */
  public String callbackData;

  public Integer errorCode;
  public String errorTitle;

  /** {@code pricing.category}. */
  public String pricingCategory;

  // TEXT and BUTTON

  /** A text's body, a button's text or an interactive reply's title. */
  public String text;

  /** A quick reply's payload or an interactive reply's id. */
  public String payload;

  // PREFERENCE

  /** {@code stop} or {@code resume}. */
  public String preference;

  public WebhookEvent() {}

  @Override
  public String toString() {
    return kind
        + (status == null ? "" : "/" + status)
        + (preference == null ? "" : "/" + preference)
        + "("
        + (messageId != null ? messageId : contextMessageId)
        + " @"
        + timestamp
        + ")";
  }
}
