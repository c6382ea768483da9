package dev.cartrescue.job.records;

/**
 * An outcome as the job wrote it to the outcomes topic, read back: the kind that matters is a
 * failed send, which releases the capping period its decision reserved, and among those an opt-out,
 * a send that failed because the user stopped marketing messages (Cloud API 131050).
 */
public class RecordedOutcome {
  /** The reason of a failed outcome for Cloud API error 131050. */
  public static final String OPTED_OUT = "opted_out";

  public String contactId;
  public String cartId;
  public long deadline;
  public String outcome;
  public String reason;
  public Integer errorCode;

  /** A sent outcome's message: what ties Meta's status webhooks back to the cart. */
  public String messageId;

  public RecordedOutcome() {}

  public static RecordedOutcome optOut(String contactId, long deadline) {
    RecordedOutcome o = new RecordedOutcome();
    o.contactId = contactId;
    o.deadline = deadline;
    o.outcome = Outcome.FAILED;
    o.reason = OPTED_OUT;
    o.errorCode = 131050;
    return o;
  }

  /** A send the Cloud API took, with its message id. */
  public boolean isSent() {
    return Outcome.SENT.equals(outcome) && messageId != null;
  }

  /** A send the Cloud API did not take: its capping reservation must be released. */
  public boolean isFailedSend() {
    return Outcome.FAILED.equals(outcome);
  }

  /** The contact withdrew consent to marketing messages, as of {@link #deadline}. */
  public boolean isOptOut() {
    return Outcome.FAILED.equals(outcome) && OPTED_OUT.equals(reason);
  }

  @Override
  public String toString() {
    return outcome + (reason == null ? "" : "/" + reason) + "(" + contactId + " @" + deadline + ")";
  }
}
