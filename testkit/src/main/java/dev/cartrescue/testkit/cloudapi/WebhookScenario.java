package dev.cartrescue.testkit.cloudapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link WebhookPoster} makes of each accepted send: which notifications Meta would post
 * for it, and when. Every choice is drawn from a hash of the recipient's number (and {@link
 * #seed}), so a run is reproducible: the same number always gets the same story.
 *
 * <p>For each accepted send: {@code sent} at once; then either {@code failed} (131026 or 131049)
 * after 1-3 s, for {@link #failedShare} of the numbers, or {@code delivered} after 1-2 s (left out
 * for {@link #deliveredSkippedShare}, as Meta may skip it) and {@code read} 1-5 s later for {@link
 * #readShare} ({@link #readBeforeDeliveredShare} get {@code read} posted before {@code delivered}).
 * Of the delivered, {@link #stopReplyShare} answer with a text STOP in the template's language, and
 * {@link #preferenceStopShare} stop marketing messages in WhatsApp's settings (a {@code
 * user_preferences} change). For {@link #duplicateShare}, one notification is posted a second time,
 * as Meta re-delivers. Notifications drawn for batching ({@link #batchShare}) wait up to 200 ms and
 * go out together, several changes in one POST. Every delay is multiplied by {@link #timeScale}
 * (tests use a small one).
 *
 * <p>Retries: a POST that is not answered 200 is tried again after {@link #initialBackoff},
 * doubling up to a minute, until {@link #retryFor} after its first attempt, then given up.
 *
 * @param wabaId the WhatsApp Business Account id of {@code entry[].id}
 * @param displayPhoneNumber the business number as Meta shows it, digits only
 */
public record WebhookScenario(
    String wabaId,
    String displayPhoneNumber,
    long seed,
    double failedShare,
    double deliveredSkippedShare,
    double readShare,
    double readBeforeDeliveredShare,
    double stopReplyShare,
    double preferenceStopShare,
    double advisorTapShare,
    double duplicateShare,
    double batchShare,
    double timeScale,
    Duration initialBackoff,
    Duration retryFor) {

  /** One kind of notification. */
  public enum Kind {
    SENT,
    DELIVERED,
    READ,
    FAILED,
    /** A text message from the user saying STOP in their language. */
    STOP_REPLY,
    /** A {@code user_preferences} change: the user stopped marketing messages. */
    PREFERENCE_STOP,
    /** A {@code button} message: the user tapped the template's "Chat with an advisor". */
    ADVISOR_TAP
  }

  /**
   * One notification of a plan.
   *
   * @param after its delay after the send was accepted, already scaled
   * @param repeatedAfter when it is posted a second time (after its first post), or null
   */
  public record Step(Kind kind, Duration after, Duration repeatedAfter) {}

  /**
   * What one accepted send gets.
   *
   * @param steps in the order they are due
   * @param failureCode 131026 or 131049 for a send that fails, else null
   */
  public record Plan(List<Step> steps, Integer failureCode) {
    public Plan {
      steps = List.copyOf(steps);
    }

    /** The kinds, in the order they are due (a repeated step counts once). */
    public List<Kind> kinds() {
      return steps.stream().map(Step::kind).toList();
    }
  }

  public WebhookScenario {
    Objects.requireNonNull(wabaId, "wabaId");
    Objects.requireNonNull(displayPhoneNumber, "displayPhoneNumber");
    for (double share :
        new double[] {
          failedShare,
          deliveredSkippedShare,
          readShare,
          readBeforeDeliveredShare,
          stopReplyShare,
          preferenceStopShare,
          advisorTapShare,
          duplicateShare,
          batchShare
        }) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("shares are between 0 and 1, got " + share);
      }
    }
    if (stopReplyShare + preferenceStopShare + advisorTapShare > 1) {
      throw new IllegalArgumentException(
          "stop replies, preference stops and advisor taps exceed all messages");
    }
    if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
      throw new IllegalArgumentException("timeScale must be positive: " + timeScale);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero() || retryFor.isNegative()) {
      throw new IllegalArgumentException(
          "need a positive initialBackoff and a retryFor >= 0: "
              + initialBackoff
              + ", "
              + retryFor);
    }
  }

  /**
   * Shares that show every kind in a short demo: 4% failed, 5% without {@code delivered}, 75% read
   * (5% of them before {@code delivered}), 6% STOP replies, 4% preference stops, 15% advisor taps,
   * 5% re-delivered, 30% batched; real time; retries from 1 s for 10 minutes.
   */
  public static WebhookScenario demo() {
    return new WebhookScenario(
        "102290129340398",
        "15550783881",
        0,
        0.04,
        0.05,
        0.75,
        0.05,
        0.06,
        0.04,
        0.15,
        0.05,
        0.3,
        1.0,
        Duration.ofSeconds(1),
        Duration.ofMinutes(10));
  }

  /** Every message sent, delivered and read, in that order, nothing else: the plainest story. */
  public static WebhookScenario everyMessageRead() {
    return demo().withShares(0, 0, 1, 0, 0, 0, 0, 0).withAdvisorTaps(0);
  }

  /** The same scenario with these shares (see the record's parameters). */
  public WebhookScenario withShares(
      double failed,
      double deliveredSkipped,
      double read,
      double readBeforeDelivered,
      double stopReply,
      double preferenceStop,
      double duplicate,
      double batch) {
    return new WebhookScenario(
        wabaId,
        displayPhoneNumber,
        seed,
        failed,
        deliveredSkipped,
        read,
        readBeforeDelivered,
        stopReply,
        preferenceStop,
        advisorTapShare,
        duplicate,
        batch,
        timeScale,
        initialBackoff,
        retryFor);
  }

  /** The same scenario with {@code share} of the delivered tapping "Chat with an advisor". */
  public WebhookScenario withAdvisorTaps(double share) {
    return new WebhookScenario(
        wabaId,
        displayPhoneNumber,
        seed,
        failedShare,
        deliveredSkippedShare,
        readShare,
        readBeforeDeliveredShare,
        stopReplyShare,
        preferenceStopShare,
        share,
        duplicateShare,
        batchShare,
        timeScale,
        initialBackoff,
        retryFor);
  }

  /** The same scenario with every delay multiplied by {@code scale} (retries excepted). */
  public WebhookScenario withTimeScale(double scale) {
    return new WebhookScenario(
        wabaId,
        displayPhoneNumber,
        seed,
        failedShare,
        deliveredSkippedShare,
        readShare,
        readBeforeDeliveredShare,
        stopReplyShare,
        preferenceStopShare,
        advisorTapShare,
        duplicateShare,
        batchShare,
        scale,
        initialBackoff,
        retryFor);
  }

  /** The same scenario retrying from {@code initial}, doubling, for {@code retryFor}. */
  public WebhookScenario withRetries(Duration initial, Duration retryFor) {
    return new WebhookScenario(
        wabaId,
        displayPhoneNumber,
        seed,
        failedShare,
        deliveredSkippedShare,
        readShare,
        readBeforeDeliveredShare,
        stopReplyShare,
        preferenceStopShare,
        advisorTapShare,
        duplicateShare,
        batchShare,
        timeScale,
        initial,
        retryFor);
  }

  /** The same shares drawn with another seed: another, equally reproducible, run. */
  public WebhookScenario withSeed(long seed) {
    return new WebhookScenario(
        wabaId,
        displayPhoneNumber,
        seed,
        failedShare,
        deliveredSkippedShare,
        readShare,
        readBeforeDeliveredShare,
        stopReplyShare,
        preferenceStopShare,
        advisorTapShare,
        duplicateShare,
        batchShare,
        timeScale,
        initialBackoff,
        retryFor);
  }

  /** The story of a send to {@code to} (E.164 with '+'): the same each time for one number. */
  public Plan planFor(String to) {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(Kind.SENT, Duration.ZERO, null));
    boolean duplicate = uniform(to, "duplicate") < duplicateShare;
    Duration repeat = duplicate ? millis(500 + 1500 * uniform(to, "duplicate-delay")) : null;
    if (uniform(to, "failed") < failedShare) {
      steps.add(new Step(Kind.FAILED, millis(1000 + 2000 * uniform(to, "failed-delay")), repeat));
      steps.sort(Comparator.comparing(Step::after));
      return new Plan(steps, uniform(to, "failure-code") < 0.5 ? 131026 : 131049);
    }
    Duration delivered = millis(1000 + 1000 * uniform(to, "delivered-delay"));
    boolean skipped = uniform(to, "delivered-skipped") < deliveredSkippedShare;
    boolean read = uniform(to, "read") < readShare;
    Duration readAt = delivered.plus(millis(1000 + 4000 * uniform(to, "read-delay")));
    if (read && !skipped && uniform(to, "read-first") < readBeforeDeliveredShare) {
      readAt = delivered;
      delivered = delivered.plus(millis(500));
    }
    if (!skipped) {
      steps.add(new Step(Kind.DELIVERED, delivered, repeat));
    }
    if (read) {
      steps.add(new Step(Kind.READ, readAt, skipped ? repeat : null));
    }
    double stop = uniform(to, "stop");
    Duration stopAt = millis(1000 + 3000 * uniform(to, "stop-delay"));
    if (stop < stopReplyShare) {
      steps.add(new Step(Kind.STOP_REPLY, (read ? readAt : delivered).plus(stopAt), null));
    } else if (stop < stopReplyShare + preferenceStopShare) {
      steps.add(new Step(Kind.PREFERENCE_STOP, delivered.plus(millis(1000)).plus(stopAt), null));
    } else if (stop < stopReplyShare + preferenceStopShare + advisorTapShare) {
      steps.add(new Step(Kind.ADVISOR_TAP, (read ? readAt : delivered).plus(stopAt), null));
    }
    if (skipped && !read && duplicate) {
      steps.set(0, new Step(Kind.SENT, Duration.ZERO, repeat));
    }
    steps.sort(Comparator.comparing(Step::after));
    return new Plan(steps, null);
  }

  /** Whether a notification of this kind to this number waits to go out with others. */
  boolean batched(String to, Kind kind) {
    return uniform(to, "batch-" + kind) < batchShare;
  }

  private Duration millis(double unscaled) {
    return Duration.ofNanos(Math.round(unscaled * timeScale * 1_000_000));
  }

  /** A number in [0, 1) drawn from the number, the seed and what it decides. */
  private double uniform(String to, String what) {
    byte[] digest = sha256(seed + "|" + what + "|" + to);
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }

  static byte[] sha256(String text) {
    return SHA_256.get().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has SHA-256", e);
            }
          });
}
