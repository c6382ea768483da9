package dev.cartrescue.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Plays a {@link ShopperSimulation} in real time on its own thread: each record is written when it
 * is due, stamped with the wall clock, so that event time is now, as in a live shop.
 */
final class ShopperGenerator implements AutoCloseable {

  /** Where the records go: the clickstream topic. */
  @FunctionalInterface
  interface Clickstream {
    void write(KeyedRecord record, long timestampMillis);
  }

  private final ShopperSimulation simulation;
  private final Clickstream clickstream;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private volatile RuntimeException failure;

  private ShopperGenerator(ShopperSimulation simulation, Clickstream clickstream) {
    this.simulation = simulation;
    this.clickstream = clickstream;
    this.thread = new Thread(this::run, "shopper-generator");
    thread.setDaemon(true);
  }

  static ShopperGenerator start(ShopperSimulation simulation, Clickstream clickstream) {
    ShopperGenerator generator = new ShopperGenerator(simulation, clickstream);
    generator.thread.start();
    return generator;
  }

  /** Why the shoppers stopped early (the broker went away), or null. */
  RuntimeException failure() {
    return failure;
  }

  private void run() {
    long start = System.nanoTime();
    try {
      while (true) {
        long due = simulation.nextDue();
        long wait = due - Duration.ofNanos(System.nanoTime() - start).toMillis();
        // The stop signal doubles as the clock's sleep, so stopping never interrupts a write.
        if (wait > 0 && stop.await(wait, TimeUnit.MILLISECONDS) || stop.getCount() == 0) {
          return;
        }
        long now = System.currentTimeMillis();
        for (KeyedRecord record : simulation.runUntil(due, now)) {
          clickstream.write(record, now);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Stops the shoppers after the record being written, if any. */
  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
