package dev.cartrescue.sinks.whatsapp;

import java.util.Objects;

/** The final result of sending one message (after retries). Flink POJO. */
public class SendResult {

  public enum Status {
    SENT,
    FAILED
  }

  /** The Cloud API answered with a code that must not be retried. */
  public static final String PERMANENT_ERROR = "permanent_error";

  /**
   * The user stopped marketing messages from the business (131050): the caller should treat it as a
   * withdrawn consent.
   */
  public static final String OPTED_OUT = "opted_out";

  /** Retryable errors went on until {@link CloudApiSettings#retryFor()} had passed. */
  public static final String RETRIES_EXHAUSTED = "retries_exhausted";

  /** The operator's timeout ended the send before the Cloud API gave a final answer. */
  public static final String TIMEOUT = "timeout";

  /** The Cloud API answered in a shape it never uses, e.g. HTTP 200 without a message id. */
  public static final String INVALID_RESPONSE = "invalid_response";

  /**
   * The access token was refused or lacks a permission. The sender pauses on such an answer instead
   * of failing the message, so this is only the reason of a single attempt.
   */
  public static final String UNAUTHORIZED = "unauthorized";

  /** No request could be built: the message factory failed or left a required field empty. */
  public static final String INVALID_REQUEST = "invalid_request";

  public Status status;

  /** The Cloud API's message id ({@code wamid....}) when SENT. */
  public String messageId;

  /** The Cloud API's error code when it gave one. */
  public Integer errorCode;

  /** Short machine-readable cause when FAILED, one of the constants above. */
  public String reason;

  /** HTTP requests made for this message. */
  public int attempts;

  public SendResult() {}

  public static SendResult sent(String messageId, int attempts) {
    SendResult result = new SendResult();
    result.status = Status.SENT;
    result.messageId = messageId;
    result.attempts = attempts;
    return result;
  }

  public static SendResult failed(String reason, Integer errorCode, int attempts) {
    SendResult result = new SendResult();
    result.status = Status.FAILED;
    result.reason = reason;
    result.errorCode = errorCode;
    result.attempts = attempts;
    return result;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SendResult that
        && status == that.status
        && Objects.equals(messageId, that.messageId)
        && Objects.equals(errorCode, that.errorCode)
        && Objects.equals(reason, that.reason)
        && attempts == that.attempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, messageId, errorCode, reason, attempts);
  }

  @Override
  public String toString() {
    return status == Status.SENT
        ? "SENT " + messageId + " after " + attempts + " attempt(s)"
        : "FAILED " + reason + " (code " + errorCode + ") after " + attempts + " attempt(s)";
  }
}
