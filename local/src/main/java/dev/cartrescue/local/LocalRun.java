package dev.cartrescue.local;

import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.JobOptions;
import dev.cartrescue.job.config.OptionsDocs;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>This launcher, not the job, turns a bad configuration into its one line and exit status
 * {@value #BAD_CONFIGURATION}: on a cluster the job's {@code main} runs inside the JobManager,
 * where exiting would stop the cluster, so it throws instead.
 */
public final class LocalRun {
  /** The exit status for a bad option, a missing topic or an unreachable Kafka. */
  public static final int BAD_CONFIGURATION = 2;

  /** The flags that ask for {@link #help()} instead of a run. */
  private static final List<String> HELP_FLAGS = List.of("--help", "-h");

  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * {@code ./cart-rescue run}: the help, or the job until it ends.
   *
   * @return 0, or {@value #BAD_CONFIGURATION} after the one line on {@code err} that says why the
   *     job did not start
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (asksForHelp(args)) {
      out.print(help());
      return 0;
    }
    CartRescueOptions options;
    LocalJob local;
    try {
      options = CartRescueJob.options(new Configuration(), args);
      local = start(options);
    } catch (IllegalArgumentException e) {
      err.println(oneLine(e));
      return BAD_CONFIGURATION;
    }
    JobClient job = local.job();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> cancelQuietly(job), "cancel-on-exit"));
    out.println(
        "cart-rescue: job "
            + job.getJobID()
            + " running"
            + (options.webUiPort > 0 ? ", web UI on http://localhost:" + options.webUiPort : "")
            + "; Ctrl-C stops it");
    job.getJobExecutionResult().get();
    return 0;
  }

  /**
   * What the launcher writes for a configuration the job refused: the one line of an {@link
   * dev.cartrescue.job.config.OptionsException}, or of the {@link IllegalArgumentException} that
   * the Kafka wiring throws for a missing topic or an unreachable Kafka.
   */
  public static String oneLine(IllegalArgumentException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = message.indexOf('\n');
    return CartRescueJob.NAME + ": " + (nl < 0 ? message : message.substring(0, nl));
  }

  /** Whether {@code args} ask for the help ({@code --help} or {@code -h}, anywhere). */
  static boolean asksForHelp(String... args) {
    return Arrays.stream(args).anyMatch(HELP_FLAGS::contains);
  }

  /** {@code ./cart-rescue run --help}: every option, its default and what it does. */
  static String help() {
    return String.join(
            "\n",
            "usage: ./cart-rescue run [--config FILE] [--key value ...]",
            "Runs the job on an embedded Flink with the web UI, against the Kafka and Cloud API the",
            "options name. Each option is --key value or --key=value; a flag wins over the same key",
            "in --config FILE, which wins over the defaults below. Durations are 1 h, 30 min, 10 s,",
            "500 ms (a number alone is milliseconds) or ISO-8601 (PT1H). The access token comes from",
            "--whatsapp.access-token-file or the environment variable "
                + CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE
                + ",",
            "never from a flag.",
            "",
            "  --config FILE",
            "      a YAML file of these options, flat (rule.abandon-after: 1 h) or nested",
            "")
        + OptionsDocs.help(JobOptions.ALL, JobOptions.REQUIRED);
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
    return start(options, new Configuration());
  }

  /** As {@link #start(CartRescueOptions)}, with {@code flink} over the local defaults. */
  public static LocalJob start(CartRescueOptions options, Configuration flink) throws Exception {
    Configuration extra = miniClusterConfiguration(options.webUiPort);
    extra.addAll(flink);
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

  /** The Flink options set as system properties {@code <prefix><key>=<value>}, for experiments. */
  public static Configuration flinkOptionsFromSystemProperties(String prefix) {
    Configuration conf = new Configuration();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(prefix)) {
        conf.setString(name.substring(prefix.length()), System.getProperty(name));
      }
    }
    return conf;
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
