package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
                () -> {
                  starts.add(System.nanoTime());
                  order.add(number);
                  allStarted.countDown();
                }));
      }
      assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      for (int i = 1; i < starts.size(); i++) {
        assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
            .isGreaterThanOrEqualTo(pacer.spacing());
      }
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
      pacer.submit(task(() -> started.add("first")));
      pacer.submit(
          new Pacer.Task() {
            @Override
            public boolean isCancelled() {
              return true;
            }

            @Override
            public void start() {
              started.add("cancelled");
            }
          });
      pacer.submitAfter(
          Duration.ofMillis(20),
          task(
              () -> {
                started.add("delayed");
                last.countDown();
              }));
      assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(started).containsExactly("first", "delayed");
  }

  private static Pacer.Task task(Runnable action) {
    return new Pacer.Task() {
      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public void start() {
        action.run();
      }
    };
  }
}
