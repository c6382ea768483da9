package dev.cartrescue.local;

import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.CartRescueOptions;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./cart-rescue run}: the cluster's job on an embedded MiniCluster, against the Kafka and
 * Cloud API its options name, with the Flink web UI. Ctrl-C cancels the job; its last checkpoint is
 * retained for {@code --restore-from latest}.
 */
public final class LocalRun {
  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    CartRescueOptions options = CartRescueJob.optionsOrExit(args);
    LocalJob local;
    try {
      local = start(options);
    } catch (IllegalArgumentException e) {
      System.err.println("cart-rescue: " + e.getMessage());
      System.exit(2);
      return;
    }
    JobClient job = local.job();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> cancelQuietly(job), "cancel-on-exit"));
    System.out.println(
        "cart-rescue: job "
            + job.getJobID()
            + " running"
            + (options.webUiPort > 0 ? ", web UI on http://localhost:" + options.webUiPort : "")
            + "; Ctrl-C stops it");
    job.getJobExecutionResult().get();
  }

  /** The job, and the MiniCluster it runs on (which a fault-injection test can take apart). */
  public record LocalJob(JobClient job, MiniCluster cluster) {}

  /**
   * Starts the job on a MiniCluster of its own, as {@code executeAsync} does locally, but keeps
   * hold of the cluster.
   *
   * @throws IllegalArgumentException when a topic does not exist or Kafka cannot be reached
   */
  public static LocalJob start(CartRescueOptions options) throws Exception {
    Configuration extra = miniClusterConfiguration(options.webUiPort);
    StreamExecutionEnvironment env = CartRescueJob.environment(options, extra);
    Configuration conf = CartRescueJob.configuration(options, extra);
    // The local executor only runs jobs whose client stays attached, as executeAsync's does.
    conf.set(DeploymentOptions.ATTACHED, true);
    AtomicReference<MiniCluster> cluster = new AtomicReference<>();
    JobClient job =
        LocalExecutor.createWithFactory(
                conf,
                miniClusterConfiguration -> {
                  MiniCluster created = new MiniCluster(miniClusterConfiguration);
                  cluster.set(created);
                  return created;
                })
            .execute(env.getStreamGraph(), conf, LocalRun.class.getClassLoader())
            .get();
    return new LocalJob(job, cluster.get());
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
