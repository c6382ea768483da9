package dev.cartrescue.job.records;

/** The one recorded outcome of an abandoned cart (docs/contract.md §3). */
public class Outcome {
  public static final String SENT = "sent";
  public static final String SUPPRESSED = "suppressed";
  public static final String FAILED = "failed";

  public String contactId;
  public String cartId;
  public long deadline;
  public String outcome;
  public String reason;
  public String messageId;
  public Integer errorCode;

  public Outcome() {}

  public static Outcome suppressed(CartDecision d) {
    return of(d, SUPPRESSED, d.suppressionReason, null, null);
  }

  public static Outcome sent(CartDecision d, String messageId) {
    return of(d, SENT, null, messageId, null);
  }

  public static Outcome failed(CartDecision d, String reason, Integer errorCode) {
    return of(d, FAILED, reason, null, errorCode);
  }

  private static Outcome of(
      CartDecision d, String outcome, String reason, String messageId, Integer errorCode) {
    Outcome o = new Outcome();
    o.contactId = d.contactId;
    o.cartId = d.cartId;
    o.deadline = d.deadline;
    o.outcome = outcome;
    o.reason = reason;
    o.messageId = messageId;
    o.errorCode = errorCode;
    return o;
  }

  @Override
  public String toString() {
    return outcome + (reason == null ? "" : "/" + reason) + "(" + contactId + " " + cartId + ")";
  }
}
