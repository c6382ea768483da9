package dev.cartrescue.sinks.whatsapp;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Meta's pair rate: one message per 6 seconds from the business number to the same user (more gets
 * 131056). Remembers, per number, when the next message may start; a start reserves the number for
 * 6 seconds plus 5% headroom, since what Meta counts is when requests arrive, not when they leave.
 *
 * <p>A reservation is given back when Meta refused the request (any error answer except 131056
 * itself): nothing reached the user, and the message's retry need not wait 6 seconds. Requests that
 * got no answer keep it, since they may have been delivered.
 *
 * <p>Not thread-safe: the {@link Pacer} uses it from its one thread. Numbers whose time has passed
 * are forgotten, so it holds at most the numbers of the last 6 seconds. The numbers are kept in the
 * order of their reservations, which is the order in which their times pass: forgetting looks only
 * at the oldest ones, so a start costs the same with 10 numbers reserved as with 10,000.
 */
final class RecipientSpacing {

  static final Duration PAIR_RATE_INTERVAL = Duration.ofSeconds(6);
  private static final double HEADROOM = 1.05;

  /** What a start reserved, to give it back if the request was refused. */
  record Reservation(String recipient, long until, long previous) {}

  private final long spacingNanos;
  private final Map<String, Long> nextStart = new LinkedHashMap<>();

  RecipientSpacing() {
    this(PAIR_RATE_INTERVAL);
  }

  RecipientSpacing(Duration interval) {
    this.spacingNanos = (long) Math.ceil(interval.toNanos() * HEADROOM);
  }

  Duration spacing() {
    return Duration.ofNanos(spacingNanos);
  }

  /** How long a message to {@code recipient} must still wait at {@code now}; 0 when it may go. */
  long waitNanos(String recipient, long now) {
    Long next = recipient == null ? null : nextStart.get(recipient);
    return next == null ? 0 : Math.max(0, next - now);
  }

  /** Marks a start to {@code recipient} at {@code now}; null for a message without a recipient. */
  Reservation reserve(String recipient, long now) {
    if (recipient == null) {
      return null;
    }
    forgetPassed(now);
    long until = now + spacingNanos;
    // Removed first, so that the number moves to the end of the order.
    Long previous = nextStart.remove(recipient);
    nextStart.put(recipient, until);
    return new Reservation(recipient, until, previous == null ? Long.MIN_VALUE : previous);
  }

  /**
   * Undoes a reservation, unless a later one replaced it. A previous time put back may pass before
   * newer ones: it is then forgotten a little later, which changes nothing, since a passed time
   * makes nobody wait.
   */
  void release(Reservation reservation) {
    Long current = nextStart.get(reservation.recipient());
    if (current == null || current != reservation.until()) {
      return;
    }
    if (reservation.previous() == Long.MIN_VALUE) {
      nextStart.remove(reservation.recipient());
    } else {
      nextStart.put(reservation.recipient(), reservation.previous());
    }
  }

  int size() {
    return nextStart.size();
  }

  private void forgetPassed(long now) {
    Iterator<Long> times = nextStart.values().iterator();
    while (times.hasNext() && times.next() - now <= 0) {
      times.remove();
    }
  }
}
