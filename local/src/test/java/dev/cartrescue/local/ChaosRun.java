package dev.cartrescue.local;

import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.CartRescueOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.configuration.Configuration;

/**
 * {@code ./cart-rescue run} with one more way to fail, for {@link FaultInjectionTest}: a line
 * {@code lose-taskmanager} on standard input shuts the TaskManager down (as when its pod is
 * evicted) and starts a fresh one. The tasks fail, and Flink restarts them from the latest
 * checkpoint inside the running job: the path of every task failure, which a process kill does not
 * take. A system property {@code chaos.flink.<key>=<value>} sets a Flink option over the local
 * defaults (a shorter checkpoint timeout, for one).
 */
public final class ChaosRun {
  static final String LOSE_TASK_MANAGER = "lose-taskmanager";
  static final String FLINK_OPTION = "chaos.flink.";

  private ChaosRun() {}

  public static void main(String[] args) throws Exception {
    LocalRun.LocalJob local;
    try {
      CartRescueOptions options = CartRescueJob.options(new Configuration(), args);
      local = LocalRun.start(options, LocalRun.flinkOptionsFromSystemProperties(FLINK_OPTION));
    } catch (IllegalArgumentException e) {
      System.err.println(LocalRun.oneLine(e));
      System.exit(LocalRun.BAD_CONFIGURATION);
      return;
    }
    System.out.println("chaos-run: job " + local.job().getJobID() + " running");
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int lost = 0;
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      if (line.equals(LOSE_TASK_MANAGER)) {
        // The cluster keeps a closed TaskManager in its list; the newest is the last one.
        local.cluster().terminateTaskManager(lost++).get();
        local.cluster().startTaskManager();
        System.out.println("chaos-run: task manager " + lost + " lost, a new one started");
      }
    }
    local.job().getJobExecutionResult().get();
  }
}
