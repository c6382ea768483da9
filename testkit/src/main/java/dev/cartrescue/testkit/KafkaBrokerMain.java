package dev.cartrescue.testkit;

import java.io.IOException;

/**
 * The main class of a {@link KafkaBrokerProcess}: {@code kafka.Kafka}, which ends as soon as the
 * JVM that started it is gone. That JVM holds the other end of this process's standard input; when
 * it exits, however it exits (even by SIGKILL, where no shutdown hook runs), the input reaches its
 * end and the broker shuts down instead of living on with its ports and memory.
 *
 * <p>It exits, not halts: {@code Process.destroy()} closes the input right after its SIGTERM, and a
 * halt would cut short the controlled shutdown that the signal began. {@code System.exit} runs the
 * same shutdown hooks, or waits for them if the signal started them already.
 */
final class KafkaBrokerMain {

  private KafkaBrokerMain() {}

  public static void main(String[] args) {
    Thread guard =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // Nothing is ever written; only the end of the input matters.
                }
              } catch (IOException e) {
                // A broken pipe means the same as its end.
              }
              System.exit(1);
            },
            "orphan-guard");
    guard.setDaemon(true);
    guard.start();
    kafka.Kafka.main(args);
  }
}
