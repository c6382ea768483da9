package dev.cartrescue.job;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.FlinkSettings;
import dev.cartrescue.job.config.JobOptions;
import dev.cartrescue.job.config.OptionsException;
import dev.cartrescue.job.pipeline.KafkaWiring;
import dev.cartrescue.job.rule.WallClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cart-rescue job. {@code main} is the entry point on a Flink cluster ({@code flink run}, the
 * REST API, the Kubernetes operator); the local launcher, the bench and the tests call {@link
 * #environment} or {@link #start} to run it on a MiniCluster of their own.
 *
 * <p>For REST and operator submissions, and for the REST API's {@code GET /jars/<id>/plan}, {@code
 * main} runs inside the JobManager: it never exits the JVM, which would take the cluster down. A
 * bad option, a missing access token, a missing topic or an unreachable Kafka is an {@link
 * IllegalArgumentException} (an {@link OptionsException} for options) whose message is one line
 * naming the problem; Flink reports it as the submission's error, and the local launcher turns it
 * into that line and exit status 2.
 */
public final class CartRescueJob {
  public static final String NAME = "cart-rescue";
  public static final String TOKEN_ENVIRONMENT_VARIABLE = "WHATSAPP_ACCESS_TOKEN";
  private static final Logger LOG = LoggerFactory.getLogger(CartRescueJob.class);

  private CartRescueJob() {}

  /**
   * @throws OptionsException for a bad option or no access token
   * @throws IllegalArgumentException when a topic does not exist or Kafka cannot be reached
   */
  public static void main(String[] args) throws Exception {
    // The cluster's configuration, as Flink 2.2 hands it to main (read in its sources): flink run,
    // POST /jars/<id>/run and application mode (the Kubernetes operator) run main through
    // ClientUtils.executeProgram, which installs StreamContextEnvironment.setAsContext(executors,
    // configuration, ...): getExecutionEnvironment() then returns a StreamContextEnvironment built
    // on that configuration (config.yaml, flinkConfiguration, -D flags), and getConfiguration()
    // returns it. GET /jars/<id>/plan runs main in a StreamPlanEnvironment constructed with the
    // JobManager's configuration (PackagedProgramUtils.getPipelineFromProgram), likewise.
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    CartRescueOptions options = options(env.getConfiguration(), args);
    build(env, options);
    env.execute(NAME);
  }

  /**
   * The job's options from {@code args} over {@code cluster}'s configuration, with an access token
   * to send with.
   *
   * @throws OptionsException for a bad option or no access token
   */
  public static CartRescueOptions options(ReadableConfig cluster, String... args) {
    CartRescueOptions options = CartRescueOptions.parse(cluster, args);
    checkAccessToken(options, System.getenv());
    return options;
  }

  /**
   * The job's environment on a MiniCluster of this machine, with the pipeline built on it: {@link
   * FlinkSettings#localDefaults()}, then {@code extra} (as a cluster's configuration would be),
   * then what the options set.
   *
   * @param extra configuration of the place it runs (the local launcher's web UI port, ...)
   * @throws IllegalArgumentException when a topic does not exist or Kafka cannot be reached, or an
   *     {@link OptionsException} when {@code restore-from latest} finds no checkpoint
   */
  public static StreamExecutionEnvironment environment(
      CartRescueOptions options, Configuration extra) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(local(extra));
    build(env, options);
    return env;
  }

  /**
   * The Flink configuration the job runs with on a MiniCluster of this machine, as {@link
   * #environment} has it, for the executor that starts the cluster.
   */
  public static Configuration configuration(CartRescueOptions options, Configuration extra) {
    Configuration conf = local(extra);
    conf.addAll(FlinkSettings.of(options, conf));
    return conf;
  }

  /** Starts the job on a MiniCluster of this machine without waiting for it to end. */
  public static JobClient start(CartRescueOptions options, Configuration extra) throws Exception {
    return environment(options, extra).executeAsync(NAME);
  }

  private static Configuration local(Configuration extra) {
    Configuration conf = FlinkSettings.localDefaults();
    conf.addAll(extra);
    return conf;
  }

  /** Configures {@code env} over what it has (the cluster's settings) and builds the pipeline. */
  private static void build(StreamExecutionEnvironment env, CartRescueOptions options) {
    ReadableConfig base = env.getConfiguration();
    if (FlinkSettings.defaultsTheCheckpointInterval(options, base)) {
      LOG.info(
          "Neither --{} nor the cluster's execution.checkpointing.interval is set: checkpointing"
              + " every {}, the job's default (its outputs are committed at checkpoints)",
          JobOptions.CHECKPOINT_INTERVAL.key(),
          TimeUtils.formatWithHighestUnit(options.checkpointInterval));
    }
    env.configure(FlinkSettings.of(options, base));
    LOG.info("{} starting with {}", Version.describe(), options.describe());
    KafkaWiring.build(env, options, WallClock.system());
  }

  /**
   * The token itself is read where messages are sent; here only whether there is one, so that a
   * missing token stops the job before it starts rather than failing every cart. Neither the token
   * nor its file's content is ever part of a message.
   *
   * @param environment the process's environment variables
   */
  static void checkAccessToken(CartRescueOptions options, Map<String, String> environment) {
    String file = options.whatsapp.accessTokenFile();
    if (file != null) {
      if (!Files.isReadable(Path.of(file))) {
        throw new OptionsException(
            "option --" + JobOptions.ACCESS_TOKEN_FILE.key() + ": cannot read " + file);
      }
    } else {
      String token = environment.get(TOKEN_ENVIRONMENT_VARIABLE);
      if (token == null || token.isBlank()) {
        throw new OptionsException(
            "no WhatsApp access token: set --"
                + JobOptions.ACCESS_TOKEN_FILE.key()
                + " or the environment variable "
                + TOKEN_ENVIRONMENT_VARIABLE);
      }
    }
  }
}
