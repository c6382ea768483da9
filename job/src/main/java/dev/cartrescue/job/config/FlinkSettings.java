package dev.cartrescue.job.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * The Flink settings the job adds to those of the place it runs. On a cluster the cluster's
 * configuration (its {@code config.yaml}, a FlinkDeployment's {@code flinkConfiguration}) is the
 * default: the job overrides a setting only where one of its options was given ({@code
 * checkpoint.interval}, {@code checkpoint.dir}, {@code parallelism}, {@code restore-from}), or
 * where it cannot run otherwise. The local launcher gives its MiniCluster {@link #localDefaults()},
 * which play the cluster's part on a developer's machine.
 */
public final class FlinkSettings {
  /** Key groups: the most subtasks any stateful operator can ever be rescaled to. */
  public static final int MAX_PARALLELISM = 256;

  /** Where {@code ./cart-rescue run} keeps checkpoints, under its working directory. */
  public static final String LOCAL_CHECKPOINT_DIR = ".cart-rescue/checkpoints";

  private FlinkSettings() {}

  /**
   * What the job sets over {@code base}, the configuration of the place it runs.
   *
   * <ul>
   *   <li>Always, whatever {@code base} says, the job's own facts: its state's maximum parallelism
   *       (key groups cannot change once there is state), no Kryo fallback (every record type is a
   *       Flink POJO: a fallback is a bug, so it fails loudly), and exactly-once checkpoints (the
   *       outputs are transactional and the contract promises each outcome once).
   *   <li>From the options, only those given.
   *   <li>A checkpoint interval when neither the option nor {@code base} has one ({@link
   *       #defaultsTheCheckpointInterval}): the outputs are committed at checkpoints, so without
   *       them nothing would ever be written.
   *   <li>RocksDB's column options for short-lived state ({@link ShortLivedStateOptions}) unless
   *       {@code base} names another factory.
   * </ul>
   *
   * @throws OptionsException when {@code restore-from latest} finds no checkpoint
   */
  public static Configuration of(CartRescueOptions options, ReadableConfig base) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    if (options.isSet(JobOptions.CHECKPOINT_INTERVAL)
        || defaultsTheCheckpointInterval(options, base)) {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.checkpointInterval);
    }
    if (options.checkpointDir != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.checkpointDir);
    }
    if (options.parallelism != null) {
      conf.set(CoreOptions.DEFAULT_PARALLELISM, options.parallelism);
    }
    if (options.restoreFrom != null) {
      conf.set(
          StateRecoveryOptions.SAVEPOINT_PATH,
          RestorePoint.resolve(options.restoreFrom, checkpointDir(options, base)));
    }
    if (base.getOptional(RocksDBOptions.OPTIONS_FACTORY).isEmpty()) {
      conf.set(RocksDBOptions.OPTIONS_FACTORY, ShortLivedStateOptions.class.getName());
    }
    return conf;
  }

  /**
   * Whether the job falls back to the option's default interval: neither the option nor {@code
   * base} sets one (or {@code base} sets one that disables checkpointing).
   */
  public static boolean defaultsTheCheckpointInterval(
      CartRescueOptions options, ReadableConfig base) {
    Optional<Duration> cluster = base.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL);
    return !options.isSet(JobOptions.CHECKPOINT_INTERVAL)
        && cluster.filter(d -> !d.isZero() && !d.isNegative()).isEmpty();
  }

  /**
   * What {@code ./cart-rescue run}, the demo and the tests give their MiniCluster, as a cluster's
   * {@code config.yaml} would: RocksDB with incremental checkpoints into {@link
   * #LOCAL_CHECKPOINT_DIR}, three of them retained on cancellation (for {@code --restore-from
   * latest}), a 5-minute checkpoint timeout and three failed checkpoints tolerated.
   */
  public static Configuration localDefaults() {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        Path.of(LOCAL_CHECKPOINT_DIR).toAbsolutePath().toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
    conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(5));
    conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 3);
    return conf;
  }

  /** The checkpoint directory the job will use: the option's, else {@code base}'s, or null. */
  private static String checkpointDir(CartRescueOptions options, ReadableConfig base) {
    return options.checkpointDir != null
        ? options.checkpointDir
        : base.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).orElse(null);
  }
}
