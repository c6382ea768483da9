package dev.cartrescue.advisor;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A Chatwoot call that did not succeed, and what the connector does about it: wait and try the
 * hand-off again ({@link Kind#retried()}), or give the hand-off up to the dead-letter topic.
 */
final class ChatwootError extends Exception {
  enum Kind {
    /** No answer: a refused connection, a timeout, a reset. Retried. */
    IO,
    /** 429. Retried, after {@code Retry-After} when Chatwoot gives one. */
    THROTTLED,
    /** 5xx. Retried. */
    SERVER,
    /**
     * 401 or 403: the token is wrong or lacks the right (every hand-off would fail alike). Retried,
     * until an operator fixes the token; never a dead letter.
     */
    AUTH,
    /** Any other 4xx: Chatwoot refuses this hand-off for good. A dead letter. */
    REFUSED;

    boolean retried() {
      return this != REFUSED;
    }

    /** The {@code cause} label of the retry metric. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
  private final int status;
  private final transient Optional<Duration> retryAfter;

  ChatwootError(Kind kind, int status, String message, Optional<Duration> retryAfter) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  static ChatwootError of(int status, String message, Optional<Duration> retryAfter) {
    Kind kind;
    if (status == 429) {
      kind = Kind.THROTTLED;
    } else if (status >= 500) {
      kind = Kind.SERVER;
    } else if (status == 401 || status == 403) {
      kind = Kind.AUTH;
    } else {
      kind = Kind.REFUSED;
    }
    return new ChatwootError(kind, status, message, retryAfter);
  }

  Kind kind() {
    return kind;
  }

  /** The HTTP status; 0 when there was no answer. */
  int status() {
    return status;
  }

  Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
