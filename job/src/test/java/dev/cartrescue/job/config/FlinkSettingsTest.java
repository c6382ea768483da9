package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a cluster the cluster's configuration is the default: an option given overrides the cluster's
 * setting, an option not given leaves it alone, and the job's own facts always hold.
 */
class FlinkSettingsTest {
  private static final String[] REQUIRED = {
    "--kafka.bootstrap-servers", "localhost:9092", "--whatsapp.phone-number-id", "1234"
  };

  private static final Configuration CLUSTER =
      Configuration.fromMap(
          Map.of(
              "state.backend.type", "hashmap",
              "state.backend.rocksdb.options-factory", "com.example.TheirOptions",
              "execution.checkpointing.dir", "s3://theirs/checkpoints",
              "execution.checkpointing.interval", "1 min",
              "execution.checkpointing.externalized-checkpoint-retention", "DELETE_ON_CANCELLATION",
              "parallelism.default", "4"));

  @TempDir Path temp;

  @Test
  void anOptionNotGivenLeavesTheClustersSettingAlone() {
    Configuration job = FlinkSettings.of(options(), CLUSTER);
    assertThat(job.keySet())
        .doesNotContain(
            "state.backend.type",
            "state.backend.rocksdb.options-factory",
            "execution.checkpointing.dir",
            "execution.checkpointing.interval",
            "execution.checkpointing.externalized-checkpoint-retention",
            "parallelism.default",
            "execution.state-recovery.path");
    assertThat(FlinkSettings.defaultsTheCheckpointInterval(options(), CLUSTER)).isFalse();
    Configuration effective = over(CLUSTER, job);
    assertThat(effective.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("s3://theirs/checkpoints");
    assertThat(effective.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(effective.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    assertThat(effective.get(RocksDBOptions.OPTIONS_FACTORY)).isEqualTo("com.example.TheirOptions");
    assertThat(effective.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(4);
  }

  @Test
  void anOptionGivenOverridesTheClustersSetting() {
    Configuration effective =
        over(
            CLUSTER,
            FlinkSettings.of(
                options(
                    "--checkpoint.interval", "30 s",
                    "--checkpoint.dir", "file:///var/cart-rescue/checkpoints",
                    "--parallelism", "2",
                    "--restore-from", "file:///var/cart-rescue/savepoints/sp-1"),
                CLUSTER));
    assertThat(effective.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(effective.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("file:///var/cart-rescue/checkpoints");
    assertThat(effective.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
    assertThat(effective.get(StateRecoveryOptions.SAVEPOINT_PATH))
        .isEqualTo("file:///var/cart-rescue/savepoints/sp-1");
  }

  @Test
  void theJobsOwnFactsHoldWhateverTheClusterSays() {
    Configuration cluster =
        Configuration.fromMap(
            Map.of(
                "pipeline.max-parallelism", "128",
                "pipeline.generic-types", "true",
                "execution.checkpointing.mode", "AT_LEAST_ONCE"));
    Configuration effective = over(cluster, FlinkSettings.of(options(), cluster));
    assertThat(effective.get(PipelineOptions.MAX_PARALLELISM))
        .isEqualTo(FlinkSettings.MAX_PARALLELISM);
    assertThat(effective.get(PipelineOptions.GENERIC_TYPES)).isFalse();
    assertThat(effective.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
  }

  @Test
  void withoutAnIntervalAnywhereTheJobCheckpointsAtItsDefault() {
    Configuration none = new Configuration();
    assertThat(FlinkSettings.defaultsTheCheckpointInterval(options(), none)).isTrue();
    assertThat(FlinkSettings.of(options(), none).get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(JobOptions.CHECKPOINT_INTERVAL.defaultValue());
    Configuration disabled = Configuration.fromMap(Map.of("execution.checkpointing.interval", "0"));
    assertThat(FlinkSettings.defaultsTheCheckpointInterval(options(), disabled)).isTrue();
    assertThat(
            FlinkSettings.defaultsTheCheckpointInterval(
                options("--checkpoint.interval", "5 s"), none))
        .isFalse();
  }

  @Test
  void rocksDbTunedForShortLivedStateUnlessTheClusterNamesAnotherFactory() {
    assertThat(FlinkSettings.of(options(), new Configuration()).get(RocksDBOptions.OPTIONS_FACTORY))
        .isEqualTo(ShortLivedStateOptions.class.getName());
  }

  @Test
  void theLocalDefaultsAreWhatTheJobSetItselfBefore() {
    Configuration local = FlinkSettings.localDefaults();
    assertThat(local.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(local.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(local.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo(Path.of(".cart-rescue", "checkpoints").toAbsolutePath().toUri().toString());
    assertThat(local.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    assertThat(local.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(3);
    assertThat(local.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(local.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
  }

  @Test
  void restoringTheLatestCheckpointNeedsACheckpointDirectory() {
    assertThatThrownBy(
            () -> FlinkSettings.of(options("--restore-from", "latest"), new Configuration()))
        .isInstanceOf(OptionsException.class)
        .hasMessage(
            "option --restore-from latest needs --checkpoint.dir or the cluster's"
                + " execution.checkpointing.dir");
    String empty = temp.toUri().toString();
    Configuration cluster = Configuration.fromMap(Map.of("execution.checkpointing.dir", empty));
    assertThatThrownBy(() -> FlinkSettings.of(options("--restore-from", "latest"), cluster))
        .hasMessage("option --restore-from latest: no completed checkpoint under " + empty);
  }

  private static CartRescueOptions options(String... more) {
    String[] all = new String[REQUIRED.length + more.length];
    System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
    System.arraycopy(more, 0, all, REQUIRED.length, more.length);
    return CartRescueOptions.parse(all);
  }

  /** What the job runs with: the job's settings over the cluster's. */
  private static Configuration over(Configuration cluster, Configuration job) {
    Configuration effective = new Configuration(cluster);
    effective.addAll(job);
    return effective;
  }
}
