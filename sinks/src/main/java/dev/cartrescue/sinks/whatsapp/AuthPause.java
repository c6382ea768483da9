package dev.cartrescue.sinks.whatsapp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds the sends of one subtask while the Cloud API refuses the access token, instead of failing
 * them: the held sends keep their place in the operator (so its capacity fills and backpressure
 * stops the input), and they go out again, in the order they were held, when sending resumes.
 *
 * <p>While paused, one held send at a time may go out as a probe ({@link #probe}), to notice a
 * problem fixed without a new token (a permission granted again in Meta's Business Manager).
 *
 * <p>Thread-safe: sends are held from the HTTP client's threads and the pacer's, and released from
 * the token check's.
 *
 * @param <S> a send
 */
final class AuthPause<S> {

  /** A send let go, and how long it was held. */
  record Released<S>(S send, long heldNanos) {}

  // Guarded by this.
  private final Map<S, Long> heldSince = new LinkedHashMap<>();
  private boolean paused;
  private long pausedSince;
  private boolean probeOut;
  private long lastProbe;

  synchronized boolean isPaused() {
    return paused;
  }

  synchronized int heldCount() {
    return heldSince.size();
  }

  /** How long the current pause has lasted; 0 when not paused. */
  synchronized long pausedNanos(long now) {
    return paused ? now - pausedSince : 0;
  }

  /** How long this send has been held; 0 when it is not held. */
  synchronized long heldNanos(S send, long now) {
    Long since = heldSince.get(send);
    return since == null ? 0 : now - since;
  }

  /**
   * Holds the send when sending is paused.
   *
   * @return whether it was held
   */
  synchronized boolean holdIfPaused(S send, long now) {
    if (!paused) {
      return false;
    }
    heldSince.putIfAbsent(send, now);
    return true;
  }

  /**
   * Pauses sending, unless it is paused already, and holds the send whose token was refused (a
   * probe that was refused too comes back here).
   *
   * @return whether this started a pause
   */
  synchronized boolean pause(S send, long now) {
    heldSince.putIfAbsent(send, now);
    if (probeOut) {
      // The probe was refused: the next one waits a whole interval from now.
      probeOut = false;
      lastProbe = now;
    }
    if (paused) {
      return false;
    }
    paused = true;
    pausedSince = now;
    lastProbe = now;
    return true;
  }

  /** Ends the pause and lets every held send go, oldest first. */
  synchronized List<Released<S>> resume(long now) {
    List<Released<S>> released = new ArrayList<>(heldSince.size());
    heldSince.forEach((send, since) -> released.add(new Released<>(send, now - since)));
    heldSince.clear();
    paused = false;
    probeOut = false;
    return released;
  }

  /**
   * Lets the oldest held send go alone, at most once per {@code intervalNanos} and one at a time,
   * to try the token again; its answer either {@link #resume}s sending or {@link #pause}s it again.
   *
   * @return the probe, or null when none is due
   */
  synchronized Released<S> probe(long now, long intervalNanos) {
    if (!paused || probeOut || heldSince.isEmpty() || now - lastProbe < intervalNanos) {
      return null;
    }
    Iterator<Map.Entry<S, Long>> oldest = heldSince.entrySet().iterator();
    Map.Entry<S, Long> first = oldest.next();
    oldest.remove();
    probeOut = true;
    lastProbe = now;
    return new Released<>(first.getKey(), now - first.getValue());
  }
}
