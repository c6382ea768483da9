package dev.cartrescue.local;

import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.CartRescueOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * {@code ./cart-rescue run}: the cluster's job on an embedded MiniCluster, against the Kafka and
 * Cloud API its options name, with the Flink web UI. Ctrl-C cancels the job; its last checkpoint is
 * retained for {@code --restore-from latest}.
 */
public final class LocalRun {
  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    CartRescueOptions options = CartRescueJob.optionsOrExit(args);
    JobClient job;
    try {
      job = CartRescueJob.start(options, miniClusterConfiguration(options.webUiPort));
    } catch (IllegalArgumentException e) {
      System.err.println("cart-rescue: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> cancelQuietly(job), "cancel-on-exit"));
    System.out.println(
        "cart-rescue: job "
            + job.getJobID()
            + " running"
            + (options.webUiPort > 0 ? ", web UI on http://localhost:" + options.webUiPort : "")
            + "; Ctrl-C stops it");
    job.getJobExecutionResult().get();
  }

  /** A MiniCluster that serves the web UI on {@code port} (0: any free port, not announced). */
  public static Configuration miniClusterConfiguration(int port) {
    Configuration conf = new Configuration();
    conf.setString("rest.bind-address", "localhost");
    conf.setString("rest.address", "localhost");
    conf.setString("rest.port", String.valueOf(port));
    // Enough slots for every operator at the chosen parallelism on one machine.
    conf.setString("taskmanager.numberOfTaskSlots", "16");
    conf.setString("taskmanager.memory.managed.size", "256m");
    return conf;
  }

  static void cancelQuietly(JobClient job) {
    try {
      job.cancel().get();
    } catch (Exception e) {
      // The job is already gone: nothing to cancel.
    }
  }
}
