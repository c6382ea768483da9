package dev.cartrescue.connectors;

import static dev.cartrescue.connectors.KafkaSettings.StartingOffsets.COMMITTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.KafkaBrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TopicAvailabilityTest {

  @Test
  void confirmsATopicOnlyWhileTheBrokerServesIt() throws Exception {
    Path dir = Files.createTempDirectory("topic-availability-");
    try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(dir)) {
      kafka.createTopics(2, "served");
      KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "g", COMMITTED, null);
      // Asked from a task whose job class loader a failover closes later on.
      TaskClassLoader firstTask = new TaskClassLoader();
      BooleanSupplier available = askedFrom(firstTask, TopicAvailability.of(settings, "served"));

      assertThat(available.getAsBoolean()).as("before the first answer").isFalse();
      assertThat(await(available, true)).as("confirmed").isTrue();
      assertThat(askedFrom(firstTask, TopicAvailability.of(settings, "never-created")))
          .as("a topic that does not exist")
          .returns(false, BooleanSupplier::getAsBoolean);

      kafka.stop();
      assertThat(await(available, false)).as("unavailable while the broker is down").isTrue();

      // A failover closed the first task's class loader; the restarted task asks with its own.
      firstTask.closed.set(true);
      kafka.restart();
      BooleanSupplier afterFailover =
          askedFrom(new TaskClassLoader(), TopicAvailability.of(settings, "served"));
      assertThat(await(afterFailover, true)).as("confirmed again after the restart").isTrue();
    }
  }

  /** Asks on a thread whose context class loader is {@code loader}, as a Flink task's is. */
  private static BooleanSupplier askedFrom(ClassLoader loader, BooleanSupplier question) {
    return () -> {
      AtomicBoolean answer = new AtomicBoolean();
      Thread task = new Thread(() -> answer.set(question.getAsBoolean()));
      task.setContextClassLoader(loader);
      task.start();
      try {
        task.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer.get();
    };
  }

  private static boolean await(BooleanSupplier available, boolean expected)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < until) {
      if (available.getAsBoolean() == expected) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A job's class loader, which Flink closes when the job's tasks leave the TaskManager. */
  private static final class TaskClassLoader extends ClassLoader {
    final AtomicBoolean closed = new AtomicBoolean();

    TaskClassLoader() {
      super(TopicAvailabilityTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (closed.get()) {
        throw new IllegalStateException("Trying to access closed classloader");
      }
      return super.loadClass(name, resolve);
    }
  }
}
