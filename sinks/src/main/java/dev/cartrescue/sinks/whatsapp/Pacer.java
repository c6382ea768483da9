package dev.cartrescue.sinks.whatsapp;

import dev.cartrescue.sinks.whatsapp.RecipientSpacing.Reservation;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts tasks one at a time, evenly spaced: never two closer than {@code 1 / rate} (measured when
 * they actually start, so a late start cannot be made up by a burst), first come, first served. The
 * spacing carries 5% headroom: what the rate limit counts is when requests reach the server, and
 * the time in transit varies by some milliseconds from one to the next.
 *
 * <p>Two more limits shape the pace:
 *
 * <ul>
 *   <li>The rate slows down when the Cloud API answers a throughput error ({@link #throttled}) and
 *       recovers slowly ({@link AdaptiveRate}).
 *   <li>Tasks to the same recipient start no closer than the pair rate allows ({@link
 *       RecipientSpacing}). A task whose recipient must still wait steps out of the queue until its
 *       time and does not hold up the tasks behind it.
 * </ul>
 *
 * <p>Everything runs on one thread that also serves delayed submissions, so the queue and the
 * limits need no lock.
 */
final class Pacer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pacer.class);
  private static final double HEADROOM = 1.05;

  /** Something to start when the pace allows; starting must not block. */
  interface Task {
    /** A cancelled task leaves the queue without using a turn. */
    boolean isCancelled();

    /** Tasks to one recipient are spaced by the pair rate; null for none. */
    String recipient();

    /**
     * @param waitedNanos how long the task waited for its turn, since it was (re)submitted
     * @param reservation what it reserved of its recipient's pair rate, to give back with {@link
     *     Pacer#release} when the Cloud API refused the request; null without a recipient
     * @return whether it used its turn; a task that made no request gives it back
     */
    boolean start(long waitedNanos, Reservation reservation);
  }

  private final AdaptiveRate rate;
  private final RecipientSpacing recipients;
  private final ScheduledThreadPoolExecutor executor;
  private final String name;

  // Confined to the executor's thread.
  private final Queue<Waiting> ready = new ArrayDeque<>();
  private long lastStart;
  private boolean wakeUpPending;

  /** The pace of the last start, for the gauge. */
  private volatile double currentPerSecond;

  Pacer(double permitsPerSecond, String threadName) {
    this(permitsPerSecond, new RecipientSpacing(), threadName);
  }

  Pacer(double permitsPerSecond, RecipientSpacing recipients, String threadName) {
    this.rate = new AdaptiveRate(permitsPerSecond);
    this.recipients = recipients;
    this.name = threadName;
    this.currentPerSecond = permitsPerSecond;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.lastStart = System.nanoTime() - spacingNanos(System.nanoTime());
  }

  /** The time between two starts at the configured rate. */
  Duration spacing() {
    return Duration.ofNanos((long) Math.ceil(1e9 * HEADROOM / rate.configuredPerSecond()));
  }

  /** The rate this pacer allows now, slowed down or not. */
  double currentPerSecond() {
    return currentPerSecond;
  }

  /** Queues the task to start as soon as the pace allows. */
  void submit(Task task) {
    long now = System.nanoTime();
    execute(() -> enqueue(new Waiting(task, now)), Duration.ZERO);
  }

  /** Queues the task after the delay; it then waits its turn like any other. */
  void submitAfter(Duration delay, Task task) {
    execute(() -> enqueue(new Waiting(task, System.nanoTime())), delay);
  }

  /** The Cloud API answered a throughput error to a request started at {@code attemptStarted}. */
  void throttled(long attemptStarted) {
    execute(
        () -> {
          long now = System.nanoTime();
          if (rate.throttled(attemptStarted, now)) {
            currentPerSecond = rate.perSecond(now);
            LOG.info(
                "{}: the Cloud API answered that messages go too fast; slowing down to {}"
                    + " messages per second for now",
                name,
                String.format(Locale.ROOT, "%.1f", currentPerSecond));
          }
        },
        Duration.ZERO);
  }

  /** Gives a recipient's pair-rate reservation back: the Cloud API refused the request. */
  void release(Reservation reservation) {
    if (reservation != null) {
      execute(() -> recipients.release(reservation), Duration.ZERO);
    }
  }

  private void execute(Runnable action, Duration delay) {
    try {
      executor.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      LOG.debug("Pacer is closed; a task was dropped");
    }
  }

  private void enqueue(Waiting waiting) {
    ready.add(waiting);
    drain();
  }

  private void drain() {
    while (!ready.isEmpty()) {
      Waiting head = ready.peek();
      if (head.task.isCancelled()) {
        ready.remove();
        continue;
      }
      long now = System.nanoTime();
      String recipient = head.task.recipient();
      long recipientWait = recipients.waitNanos(recipient, now);
      if (recipientWait > 0) {
        // Steps aside until its recipient may get a message, then queues again with its wait.
        ready.remove();
        executor.schedule(() -> enqueue(head), recipientWait, TimeUnit.NANOSECONDS);
        continue;
      }
      long wait = lastStart + spacingNanos(now) - now;
      if (wait > 0) {
        if (!wakeUpPending) {
          wakeUpPending = true;
          executor.schedule(this::wakeUp, wait, TimeUnit.NANOSECONDS);
        }
        return;
      }
      ready.remove();
      Reservation reservation = recipients.reserve(recipient, now);
      boolean used;
      try {
        used = head.task.start(now - head.since, reservation);
      } catch (RuntimeException e) {
        LOG.error("A paced task failed to start", e);
        used = true;
      }
      if (used) {
        // Counted from the end of the start: a start held up (a cold JVM, a busy CPU) must not let
        // the next one follow too closely.
        lastStart = System.nanoTime();
        currentPerSecond = rate.perSecond(lastStart);
      } else if (reservation != null) {
        recipients.release(reservation);
      }
    }
  }

  private long spacingNanos(long now) {
    return (long) Math.ceil(1e9 * HEADROOM / rate.perSecond(now));
  }

  private void wakeUp() {
    wakeUpPending = false;
    drain();
  }

  /** Drops every queued task. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** A task in the queue, and since when it has been waiting for its turn. */
  private record Waiting(Task task, long since) {}
}
