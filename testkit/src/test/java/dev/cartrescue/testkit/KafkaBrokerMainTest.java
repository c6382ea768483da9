package dev.cartrescue.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerMainTest {

  private static final String PID_LINE = "broker-pid=";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path directory;

  @Test
  void brokerShutsDownWhenTheJvmThatStartedItIsKilled() throws Exception {
    Process starter =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StartBrokerAndWait.class.getName(),
                directory.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    ProcessHandle broker = null;
    try {
      broker = ProcessHandle.of(readBrokerPid(starter)).orElseThrow();
      assertThat(broker.isAlive()).isTrue();

      // SIGKILL: no shutdown hook of the starter runs.
      starter.destroyForcibly().waitFor();

      assertThat(broker.onExit()).succeedsWithin(Duration.ofSeconds(30));
    } finally {
      starter.destroyForcibly();
      if (broker != null) {
        broker.destroyForcibly();
      }
    }
  }

  private static long readBrokerPid(Process starter) throws Exception {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(starter.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(PID_LINE)) {
          return Long.parseLong(line.substring(PID_LINE.length()));
        }
      }
    }
    starter.waitFor(10, TimeUnit.SECONDS);
    throw new IllegalStateException(
        "the starter ended without a broker, exit " + starter.exitValue());
  }

  /** Starts a broker in the directory given, tells its process id, and waits to be killed. */
  static final class StartBrokerAndWait {
    public static void main(String[] args) throws InterruptedException {
      KafkaBrokerProcess.start(Path.of(args[0]));
      Optional<ProcessHandle> child = ProcessHandle.current().children().findFirst();
      System.out.println(PID_LINE + child.orElseThrow().pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
