package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class PacerTest {

  @Test
  void startsQueuedTasksNoCloserThanTheSpacingInArrivalOrder() throws Exception {
    List<Long> starts = new CopyOnWriteArrayList<>();
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch allStarted = new CountDownLatch(10);
    try (Pacer pacer = new Pacer(50, "pacer-test")) {
      for (int i = 0; i < 10; i++) {
        int number = i;
        pacer.submit(
            task(
                null,
                () -> {
                  starts.add(System.nanoTime());
                  order.add(number);
                  allStarted.countDown();
                }));
      }
      assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      assertSpacedBy(starts, pacer.spacing());
    }
  }

  @Test
  void keepsAFewPercentHeadroomBelowTheRate() {
    try (Pacer pacer = new Pacer(80, "pacer-test")) {
      assertThat(pacer.spacing())
          .isGreaterThan(Duration.ofNanos(1_000_000_000L / 80))
          .isLessThan(Duration.ofNanos(1_000_000_000L / 75));
    }
  }

  @Test
  void dropsCancelledTasks() throws Exception {
    CountDownLatch last = new CountDownLatch(1);
    List<String> started = new CopyOnWriteArrayList<>();
    try (Pacer pacer = new Pacer(100, "pacer-test")) {
      pacer.submit(task(null, () -> started.add("first")));
      pacer.submit(task(null, () -> true, () -> started.add("cancelled"), true));
      pacer.submitAfter(
          Duration.ofMillis(20),
          task(
              null,
              () -> {
                started.add("delayed");
                last.countDown();
              }));
      assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(started).containsExactly("first", "delayed");
  }

  @Test
  void aTaskThatMakesNoRequestGivesItsTurnBack() throws Exception {
    List<Long> starts = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    // One start every 2 seconds: were the declined turn used, the second start would wait 2 s.
    try (Pacer pacer = new Pacer(0.5, "pacer-test")) {
      pacer.submit(task(null, () -> false, done::countDown, false));
      pacer.submit(
          task(
              null,
              () -> {
                starts.add(System.nanoTime());
                done.countDown();
              }));
      assertThat(done.await(1, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(starts).hasSize(1);
  }

  @Test
  void holdsASecondMessageToOneNumberForThePairRateWithoutHoldingUpOthers() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    List<Long> annaStarts = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(3);
    RecipientSpacing spacing = new RecipientSpacing(Duration.ofMillis(400));
    try (Pacer pacer = new Pacer(100, spacing, "pacer-test")) {
      for (String to : List.of("+33600000001", "+33600000001", "+33600000002")) {
        pacer.submit(
            task(
                to,
                () -> {
                  order.add(to);
                  if (to.endsWith("1")) {
                    annaStarts.add(System.nanoTime());
                  }
                  all.countDown();
                }));
      }
      assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(order).containsExactly("+33600000001", "+33600000002", "+33600000001");
    assertThat(Duration.ofNanos(annaStarts.get(1) - annaStarts.get(0)))
        .isGreaterThanOrEqualTo(spacing.spacing());
  }

  @Test
  void slowsDownAfterAThroughputErrorAndReportsTheSlowerRate() throws Exception {
    try (Pacer pacer = new Pacer(100, "pacer-test")) {
      CountDownLatch first = new CountDownLatch(1);
      long before = System.nanoTime();
      pacer.submit(task(null, first::countDown));
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();

      pacer.throttled(System.nanoTime());

      List<Long> starts = new CopyOnWriteArrayList<>();
      CountDownLatch three = new CountDownLatch(3);
      for (int i = 0; i < 3; i++) {
        pacer.submit(
            task(
                null,
                () -> {
                  starts.add(System.nanoTime());
                  three.countDown();
                }));
      }
      assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
      // At half the rate, starts are at least twice the configured spacing apart (less the
      // little recovered in the meantime).
      assertSpacedBy(starts, pacer.spacing().multipliedBy(19).dividedBy(10));
      assertThat(pacer.currentPerSecond()).isLessThan(60);
      // An answer to a request sent before the slowdown does not slow down again.
      pacer.throttled(before);
      pacer.submit(task(null, () -> {}));
      Thread.sleep(100);
      assertThat(pacer.currentPerSecond()).isGreaterThan(45);
    }
  }

  private static void assertSpacedBy(List<Long> starts, Duration spacing) {
    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
          .isGreaterThanOrEqualTo(spacing);
    }
  }

  private static Pacer.Task task(String recipient, Runnable action) {
    return task(recipient, () -> true, action, false);
  }

  private static Pacer.Task task(
      String recipient, BooleanSupplier usesItsTurn, Runnable action, boolean cancelled) {
    return new Pacer.Task() {
      @Override
      public boolean isCancelled() {
        return cancelled;
      }

      @Override
      public String recipient() {
        return recipient;
      }

      @Override
      public boolean start(long waitedNanos, RecipientSpacing.Reservation reservation) {
        action.run();
        return usesItsTurn.getAsBoolean();
      }
    };
  }
}
