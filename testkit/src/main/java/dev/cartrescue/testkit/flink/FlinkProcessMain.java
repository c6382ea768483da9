package dev.cartrescue.testkit.flink;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The main class of a {@link StandaloneFlinkCluster}'s processes: runs the Flink main class named
 * by the first argument with the others, and ends the process as soon as the JVM that started it is
 * gone, as {@code KafkaBrokerMain} does for the broker. That JVM holds the other end of this
 * process's standard input; when it exits, however it exits (even by SIGKILL, where no shutdown
 * hook runs), the input reaches its end and the JobManager or TaskManager shuts down instead of
 * living on with its ports and memory.
 *
 * <p>It is the only class of the test kit on the cluster's class path, copied there as a class file
 * alone, so it uses nothing but the JDK.
 */
final class FlinkProcessMain {

  private FlinkProcessMain() {}

  public static void main(String[] args) throws Throwable {
    Thread guard = new Thread(FlinkProcessMain::exitWhenInputEnds, "orphan-guard");
    guard.setDaemon(true);
    guard.start();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenInputEnds() {
    try {
      while (System.in.read() != -1) {
        // Nothing is ever written; only the end of the input matters.
      }
    } catch (IOException e) {
      // A broken pipe means the same as its end.
    }
    System.exit(1);
  }
}
