package dev.cartrescue.job;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.FlinkSettings;
import dev.cartrescue.job.config.OptionsException;
import dev.cartrescue.job.pipeline.KafkaWiring;
import dev.cartrescue.job.rule.WallClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cart-rescue job. {@code main} is the entry point on a Flink cluster ({@code flink run}, the
 * Kubernetes operator); the local launcher calls {@link #start} with a MiniCluster configuration.
 */
public final class CartRescueJob {
  public static final String NAME = "cart-rescue";
  public static final String TOKEN_ENVIRONMENT_VARIABLE = "WHATSAPP_ACCESS_TOKEN";
  private static final Logger LOG = LoggerFactory.getLogger(CartRescueJob.class);

  private CartRescueJob() {}

  public static void main(String[] args) throws Exception {
    CartRescueOptions options = optionsOrExit(args);
    StreamExecutionEnvironment env;
    try {
      env = environment(options, new Configuration());
    } catch (IllegalArgumentException e) {
      exitWithUsageError(e.getMessage());
      return;
    }
    env.execute(NAME);
  }

  /** Parses the options, or prints the one-line problem and exits with status 2. */
  public static CartRescueOptions optionsOrExit(String[] args) {
    try {
      CartRescueOptions options = CartRescueOptions.parse(args);
      checkAccessToken(options);
      return options;
    } catch (OptionsException e) {
      exitWithUsageError(e.getMessage());
      return null;
    }
  }

  /**
   * The configured environment with the pipeline built on it.
   *
   * @param extra configuration of the place it runs (the local launcher's web UI port, ...)
   * @throws IllegalArgumentException when a topic does not exist or Kafka cannot be reached
   */
  public static StreamExecutionEnvironment environment(
      CartRescueOptions options, Configuration extra) {
    Configuration conf = configuration(options, extra);
    LOG.info("{} starting with {}", Version.describe(), options.describe());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    KafkaWiring.build(env, options, WallClock.system());
    return env;
  }

  /** The Flink configuration the job runs with: its own settings, then {@code extra}. */
  public static Configuration configuration(CartRescueOptions options, Configuration extra) {
    Configuration conf = FlinkSettings.of(options);
    conf.addAll(extra);
    return conf;
  }

  /** Starts the job without waiting for it to end. */
  public static JobClient start(CartRescueOptions options, Configuration extra) throws Exception {
    return environment(options, extra).executeAsync(NAME);
  }

  /**
   * The token itself is read where messages are sent; here only whether there is one, so that a
   * missing token stops the job before it starts rather than failing every cart.
   */
  private static void checkAccessToken(CartRescueOptions options) {
    String file = options.whatsapp.accessTokenFile();
    if (file != null) {
      if (!Files.isReadable(Path.of(file))) {
        throw new OptionsException("option --whatsapp.access-token-file: cannot read " + file);
      }
    } else {
      String token = System.getenv(TOKEN_ENVIRONMENT_VARIABLE);
      if (token == null || token.isBlank()) {
        throw new OptionsException(
            "no WhatsApp access token: set --whatsapp.access-token-file or the environment"
                + " variable "
                + TOKEN_ENVIRONMENT_VARIABLE);
      }
    }
  }

  private static void exitWithUsageError(String oneLine) {
    System.err.println("cart-rescue: " + oneLine);
    System.exit(2);
  }
}
