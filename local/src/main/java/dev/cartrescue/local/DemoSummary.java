package dev.cartrescue.local;

import dev.cartrescue.job.rule.Reason;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The demo's counts as the job's output topics hold them: one outcome per abandoned cart, so {@code
 * carts = sent + suppressed + failed}; what WhatsApp told back, from the deliveries and
 * consent-changes topics; the customers who asked for an advisor, from the hand-offs topic.
 *
 * @param suppressedByReason count per reason code ({@code recent_purchase}, ...)
 * @param delivered carts whose message was reported delivered
 * @param read carts whose message was reported read
 * @param optOuts consent withdrawn (STOP replies, marketing-preference stops, 131050)
 * @param handoffs customers handed to an advisor (taps on "Chat with an advisor", questions)
 */
record DemoSummary(
    long carts,
    long sent,
    long suppressed,
    long failed,
    Map<String, Long> suppressedByReason,
    long deadLetters,
    long delivered,
    long read,
    long optOuts,
    long handoffs) {

  DemoSummary {
    suppressedByReason = Map.copyOf(suppressedByReason);
  }

  /** The last line of a demo (docs/contract.md §5). */
  String line() {
    return ("demo summary: carts=%d sent=%d suppressed=%d failed=%d delivered=%d read=%d"
            + " optouts=%d handoffs=%d")
        .formatted(carts, sent, suppressed, failed, delivered, read, optOuts, handoffs);
  }

  /**
   * {@code [00:35] carts 41 | sent 12 | suppressed 27 (recent_purchase 9, capped 4) | failed 2 |
   * dead letters 3 | delivered 10 | read 7 | opt-outs 1 | hand-offs 2}, reasons in the order the
   * rule checks them.
   */
  String progressLine(Duration elapsed) {
    StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
    for (Reason reason : Reason.values()) {
      long count = suppressedByReason.getOrDefault(reason.code(), 0L);
      if (count > 0) {
        reasons.add(reason.code() + " " + count);
      }
    }
    suppressedByReason.forEach(
        (code, count) -> {
          if (!isKnown(code)) {
            reasons.add(code + " " + count);
          }
        });
    return ("[%s] carts %d | sent %d | suppressed %d%s | failed %d | dead letters %d"
            + " | delivered %d | read %d | opt-outs %d | hand-offs %d")
        .formatted(
            clock(elapsed),
            carts,
            sent,
            suppressed,
            reasons,
            failed,
            deadLetters,
            delivered,
            read,
            optOuts,
            handoffs);
  }

  /** mm:ss, or h:mm:ss after an hour. */
  static String clock(Duration elapsed) {
    long seconds = elapsed.toSeconds();
    return seconds < 3600
        ? "%02d:%02d".formatted(seconds / 60, seconds % 60)
        : "%d:%02d:%02d".formatted(seconds / 3600, seconds / 60 % 60, seconds % 60);
  }

  private static boolean isKnown(String code) {
    for (Reason reason : Reason.values()) {
      if (reason.code().equals(code)) {
        return true;
      }
    }
    return false;
  }
}
