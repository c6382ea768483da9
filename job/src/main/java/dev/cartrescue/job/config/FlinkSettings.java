package dev.cartrescue.job.config;

import org.apache.flink.configuration.Configuration;

/**
 * The Flink configuration the job needs, from its options: RocksDB (tuned for CEP's short-lived
 * entries: {@link ShortLivedStateOptions}) with incremental checkpoints, exactly-once checkpoints
 * retained on cancellation, the restore point, and an explicit maximum parallelism so that state
 * can be rescaled later.
 */
public final class FlinkSettings {
  /** Key groups: the most subtasks any stateful operator can ever be rescaled to. */
  public static final int MAX_PARALLELISM = 256;

  private FlinkSettings() {}

  public static Configuration of(CartRescueOptions options) {
    Configuration conf = new Configuration();
    conf.setString("state.backend.type", "rocksdb");
    conf.setString("state.backend.rocksdb.options-factory", ShortLivedStateOptions.class.getName());
    conf.setString("execution.checkpointing.incremental", "true");
    conf.setString("execution.checkpointing.dir", options.checkpointDir);
    conf.setString(
        "execution.checkpointing.interval", options.checkpointInterval.toMillis() + " ms");
    conf.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
    conf.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.setString("execution.checkpointing.num-retained", "3");
    conf.setString("execution.checkpointing.timeout", "5 min");
    conf.setString("execution.checkpointing.tolerable-failed-checkpoints", "3");
    conf.setString("pipeline.max-parallelism", String.valueOf(MAX_PARALLELISM));
    // Every record type is a Flink POJO: a fallback to Kryo is a bug, so it fails loudly.
    conf.setString("pipeline.generic-types", "false");
    if (options.parallelism != null) {
      conf.setString("parallelism.default", String.valueOf(options.parallelism));
    }
    if (options.restoreFrom != null) {
      conf.setString(
          "execution.state-recovery.path",
          RestorePoint.resolve(options.restoreFrom, options.checkpointDir));
    }
    return conf;
  }
}
