package dev.cartrescue.sinks.whatsapp;

/**
 * What one HTTP request to the Cloud API came to, classified for the retry decision.
 *
 * @param kind what to do next
 * @param messageId the message id when {@link Kind#ACCEPTED}
 * @param errorCode the Cloud API's error code when it gave one
 * @param reason a short machine-readable cause when not accepted: {@code permanent_error}, {@code
 *     opted_out}, {@code invalid_response}, {@code invalid_request}, {@code unauthorized}, {@code
 *     retryable_error}, {@code timeout} or {@code connection_error}
 * @param detail a human-readable explanation for logs (Meta's message, or the exception's type);
 *     never holds the token
 * @param httpStatus the status of the answer, or 0 when none came (timeout, connection failure) or
 *     no request was made
 */
public record AttemptResult(
    Kind kind, String messageId, Integer errorCode, String reason, String detail, int httpStatus) {

  public enum Kind {
    /** The Cloud API took the message: HTTP 200 with a message id. */
    ACCEPTED,
    /** Throttling, a passing outage, a dropped connection or no answer in time: try again. */
    RETRYABLE,
    /** Trying again would get the same answer. */
    PERMANENT,
    /** The token is refused or lacks a permission: an operator must act. */
    UNAUTHORIZED
  }

  static final String RETRYABLE_ERROR = "retryable_error";
  static final String CONNECTION_ERROR = "connection_error";

  static AttemptResult accepted(String messageId) {
    return new AttemptResult(Kind.ACCEPTED, messageId, null, null, null, 200);
  }

  /** A request that got no answer, or that could not be made. */
  static AttemptResult failed(Kind kind, Integer errorCode, String reason, String detail) {
    return new AttemptResult(kind, null, errorCode, reason, detail, 0);
  }

  static AttemptResult answered(
      Kind kind, Integer errorCode, String reason, String detail, int httpStatus) {
    return new AttemptResult(kind, null, errorCode, reason, detail, httpStatus);
  }

  /**
   * Whether the user may have got the message: it was accepted, or no answer came (it may have
   * arrived all the same), or Meta's pair-rate answer (131056) asks to leave the number alone. Any
   * other answer is a refusal, and refused requests do not count toward the pair rate.
   */
  boolean mayHaveReachedTheUser() {
    if (kind == Kind.ACCEPTED || httpStatus / 100 == 2) {
      return true;
    }
    if (httpStatus == 0) {
      return !SendResult.INVALID_REQUEST.equals(reason);
    }
    return errorCode != null && errorCode == CloudApiErrors.PAIR_RATE_LIMIT;
  }
}
