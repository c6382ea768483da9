package dev.cartrescue.testkit.cloudapi;

/**
 * What a {@link WebhookPoster} has done so far.
 *
 * <p>Requests: {@code posts} POSTs made (retries included), {@code answered} of them answered 200,
 * {@code refused} answered otherwise, {@code unreachable} without an answer; {@code gaveUp}
 * notifications dropped after their retries ran out. The kinds count the notifications the receiver
 * answered 200 for, each once (a re-delivery counts in {@code duplicates} only), so they are what a
 * receiver that loses nothing has seen; {@code advisorTaps} holds the scenario's taps and those
 * made on the phone page alike.
 */
public record WebhookCounts(
    long posts,
    long answered,
    long refused,
    long unreachable,
    long gaveUp,
    long sent,
    long delivered,
    long read,
    long failed,
    long stopReplies,
    long preferenceStops,
    long advisorTaps,
    long duplicates) {}
