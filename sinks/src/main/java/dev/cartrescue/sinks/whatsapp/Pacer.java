package dev.cartrescue.sinks.whatsapp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts tasks one at a time, evenly spaced: never two closer than {@code 1 / permitsPerSecond}
 * (measured when they actually start, so a late start cannot be made up by a burst), first come,
 * first served. The spacing carries 5% headroom: what the rate limit counts is when requests reach
 * the server, and the time in transit varies by some milliseconds from one to the next.
 *
 * <p>Everything runs on one thread that also serves delayed submissions, so the queue needs no
 * lock.
 */
final class Pacer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pacer.class);
  private static final double HEADROOM = 1.05;

  /** Something to start when the pace allows; starting must not block. */
  interface Task {
    /** A cancelled task leaves the queue without using a slot. */
    boolean isCancelled();

    void start();
  }

  private final long spacingNanos;
  private final ScheduledThreadPoolExecutor executor;

  // Confined to the executor's thread.
  private final Queue<Task> ready = new ArrayDeque<>();
  private long lastStart;
  private boolean wakeUpPending;

  Pacer(double permitsPerSecond, String threadName) {
    if (!(permitsPerSecond > 0)) {
      throw new IllegalArgumentException("permitsPerSecond must be positive: " + permitsPerSecond);
    }
    this.spacingNanos = (long) Math.ceil(1e9 * HEADROOM / permitsPerSecond);
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.lastStart = System.nanoTime() - spacingNanos;
  }

  /** The time between two starts. */
  Duration spacing() {
    return Duration.ofNanos(spacingNanos);
  }

  /** Queues the task to start as soon as the pace allows. */
  void submit(Task task) {
    executeQuietly(() -> enqueue(task), Duration.ZERO);
  }

  /** Queues the task after the delay; it then waits its turn like any other. */
  void submitAfter(Duration delay, Task task) {
    executeQuietly(() -> enqueue(task), delay);
  }

  private void executeQuietly(Runnable action, Duration delay) {
    try {
      executor.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      LOG.debug("Pacer is closed; a task was dropped");
    }
  }

  private void enqueue(Task task) {
    ready.add(task);
    drain();
  }

  private void drain() {
    while (!ready.isEmpty()) {
      if (ready.peek().isCancelled()) {
        ready.remove();
        continue;
      }
      long now = System.nanoTime();
      long wait = lastStart + spacingNanos - now;
      if (wait > 0) {
        if (!wakeUpPending) {
          wakeUpPending = true;
          executor.schedule(this::wakeUp, wait, TimeUnit.NANOSECONDS);
        }
        return;
      }
      Task task = ready.remove();
      try {
        task.start();
      } catch (RuntimeException e) {
        LOG.error("A paced task failed to start", e);
      }
      // Counted from the end of the start: a start held up (a cold JVM, a busy CPU) must not let
      // the next one follow too closely.
      lastStart = System.nanoTime();
    }
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
}
