package dev.cartrescue.sinks.whatsapp;

import dev.cartrescue.sinks.whatsapp.AttemptResult.Kind;
import java.util.Set;

/**
 * Which Cloud API errors are worth another try. Meta asks clients to decide on the error code, not
 * on the HTTP status or the text; the status only decides for codes this table does not know (5xx:
 * retry, anything else: give up) and for answers without a code.
 */
final class CloudApiErrors {

  /**
   * Throughput and pair-rate throttling (4, 80007, 130429, 131056), passing outages (2, 131000,
   * 131016, 133004) and maintenance (131057).
   */
  private static final Set<Integer> RETRYABLE =
      Set.of(2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004);

  /**
   * Codes Meta documents as final, kept explicit so that an unusual HTTP status (a 5xx carrying
   * one) cannot make them retried: bad requests, template problems (132000-132016), opt-out
   * (131050), undeliverable (131026), outside the service window (131047), healthy-ecosystem hold
   * back (131049: Meta asks not to retry within 24 h), account restrictions, and the Marketing
   * Messages API's refusal (131055, "method not allowed": a template that is not a marketing one,
   * or a business that has not accepted that API's terms in Meta's tools; the same for every
   * message, so another try cannot help).
   */
  private static final Set<Integer> PERMANENT =
      Set.of(
          100, 368, 130403, 131008, 131009, 131026, 131031, 131047, 131049, 131050, 131055, 133010);

  /** The pair rate limit: one message per 6 s to the same user; Meta asks for 4^n s backoff. */
  static final int PAIR_RATE_LIMIT = 131056;

  /** The user stopped marketing messages from the business. */
  static final int OPTED_OUT = 131050;

  /** The template does not exist in the language asked for (or is not approved in it). */
  static final int TEMPLATE_NOT_IN_LANGUAGE = 132001;

  /**
   * Throughput limits: the business number's messages per second (130429), the WhatsApp Business
   * Account's rate (80007) and the app's call rate (4). Sending slower is the cure.
   */
  private static final Set<Integer> THROUGHPUT = Set.of(4, 80007, 130429);

  private CloudApiErrors() {}

  static Kind classify(int httpStatus, Integer code) {
    if (code == null) {
      if (httpStatus >= 500 || httpStatus == 429) {
        return Kind.RETRYABLE;
      }
      return httpStatus == 401 || httpStatus == 403 ? Kind.UNAUTHORIZED : Kind.PERMANENT;
    }
    if (isAuthorization(code)) {
      return Kind.UNAUTHORIZED;
    }
    if (RETRYABLE.contains(code)) {
      return Kind.RETRYABLE;
    }
    if (PERMANENT.contains(code) || isTemplateProblem(code)) {
      return Kind.PERMANENT;
    }
    return httpStatus >= 500 ? Kind.RETRYABLE : Kind.PERMANENT;
  }

  static boolean isThroughputLimit(Integer code) {
    return code != null && THROUGHPUT.contains(code);
  }

  /** 190 (token expired or invalid), 0, 3, 10 and 200-299 (missing permission). */
  private static boolean isAuthorization(int code) {
    return code == 190 || code == 0 || code == 3 || code == 10 || (code >= 200 && code <= 299);
  }

  private static boolean isTemplateProblem(int code) {
    return code >= 132000 && code <= 132016;
  }
}
