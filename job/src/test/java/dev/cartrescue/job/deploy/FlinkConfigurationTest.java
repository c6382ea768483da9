package dev.cartrescue.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.FlinkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The FlinkDeployment's flinkConfiguration: real Flink 2.2 options with values of their types, in
 * agreement with what the job sets itself, and complete for last-state upgrades.
 */
class FlinkConfigurationTest {
  static final List<String> KUSTOMIZATIONS = Deployment.KUSTOMIZATIONS;

  @TempDir Path temp;

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void everyFlinkConfigurationKeyIsAFlink22Option(String kustomization) {
    List<String> problems = new ArrayList<>();
    for (String key : Deployment.of(kustomization).flinkConfiguration().keySet()) {
      String problem = FlinkOptions.problemWith(key);
      if (problem != null) {
        problems.add(problem);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aKeyFlinkDoesNotKnowIsCaught() {
    assertThat(FlinkOptions.problemWith("state.backend.rocksdb.memory.managed")).isNull();
    assertThat(FlinkOptions.problemWith("metrics.reporter.prom.port")).isNull();
    assertThat(FlinkOptions.problemWith("state.checkpoints.dir"))
        .contains("deprecated key: use execution.checkpointing.dir");
    assertThat(FlinkOptions.problemWith("execution.checkpointing.intervall")).isNotNull();
    assertThat(FlinkOptions.problemWith("metrics.reporter.prom.prot")).isNotNull();
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void everyFlinkConfigurationValueIsOfItsOptionsType(String kustomization) {
    JsonNode conf = Deployment.of(kustomization).spec().path("flinkConfiguration");
    conf.properties()
        .forEach(
            e ->
                assertThat(e.getValue().isTextual())
                    .as("%s: quote the value, the operator reads strings", e.getKey())
                    .isTrue());
    Configuration flink = Configuration.fromMap(Deployment.of(kustomization).flinkConfiguration());
    for (String key : flink.keySet()) {
      FlinkOptions.option(key).ifPresent(option -> flink.get(option));
    }
  }

  /**
   * The job's main sets what its options give (checkpoint dir and interval, ...) and its own facts
   * (max parallelism, exactly-once) over the cluster's configuration. Where both say something,
   * they must say the same, or the operator and the job disagree about where checkpoints are.
   */
  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void whatTheJobSetsItselfAgreesWithTheFlinkDeployment(String kustomization) throws Exception {
    Deployment deployment = Deployment.of(kustomization);
    Path options = Files.writeString(temp.resolve("cart-rescue.yaml"), deployment.optionsFile());
    Map<String, String> cluster = deployment.flinkConfiguration();
    Map<String, String> job =
        FlinkSettings.of(
                CartRescueOptions.parse("--config", options.toString()),
                Configuration.fromMap(cluster))
            .toMap();
    assertThat(cluster).containsKey("execution.checkpointing.dir");
    List<String> disagreements = new ArrayList<>();
    for (Map.Entry<String, String> set : job.entrySet()) {
      String key = set.getKey();
      if (!cluster.containsKey(key)) {
        continue;
      }
      Object jobValue = typed(key, job);
      Object clusterValue = typed(key, cluster);
      if (!Objects.equals(jobValue, clusterValue)) {
        disagreements.add(key + ": job " + jobValue + ", FlinkDeployment " + clusterValue);
      }
    }
    assertThat(disagreements).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void lastStateUpgradesFindHaMetadataCheckpointsAndSavepointsOnS3(String kustomization) {
    Deployment deployment = Deployment.of(kustomization);
    Map<String, String> conf = deployment.flinkConfiguration();
    assertThat(deployment.spec().path("job").path("upgradeMode").asText()).isEqualTo("last-state");
    assertThat(conf).containsEntry("high-availability.type", "kubernetes");
    assertThat(conf).containsEntry("state.backend.type", "rocksdb");
    assertThat(conf).containsEntry("execution.checkpointing.incremental", "true");
    assertThat(conf)
        .containsEntry(
            "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    // s3:// is what the image's S3 plugin serves (k8s/Dockerfile).
    assertThat(
            List.of(
                conf.get("high-availability.storageDir"),
                conf.get("execution.checkpointing.dir"),
                conf.get("execution.checkpointing.savepoint-dir")))
        .allSatisfy(dir -> assertThat(dir).startsWith("s3://"));
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void theParallelismStaysWithinTheMaxParallelism(String kustomization) {
    Deployment deployment = Deployment.of(kustomization);
    int maxParallelism =
        Integer.parseInt(deployment.flinkConfiguration().get("pipeline.max-parallelism"));
    assertThat(maxParallelism).isEqualTo(FlinkSettings.MAX_PARALLELISM);
    assertThat(deployment.spec().path("job").path("parallelism").asInt())
        .isBetween(1, maxParallelism);
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void prometheusScrapesThePortTheReporterListensOn(String kustomization) {
    Deployment deployment = Deployment.of(kustomization);
    Map<String, String> conf = deployment.flinkConfiguration();
    assertThat(conf)
        .containsEntry(
            "metrics.reporter.prom.factory.class",
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    String port = conf.get("metrics.reporter.prom.port");
    JsonNode podTemplate = deployment.spec().path("podTemplate");
    assertThat(podTemplate.path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo(port);
    JsonNode metricsPort = null;
    for (JsonNode p : deployment.mainContainer().path("ports")) {
      if (p.path("name").asText().equals("metrics")) {
        metricsPort = p;
      }
    }
    assertThat(metricsPort).as("a container port named metrics").isNotNull();
    assertThat(metricsPort.path("containerPort").asText()).isEqualTo(port);
    JsonNode podMonitor =
        Repository.yamlDocuments(Repository.file("k8s/monitoring/podmonitor.yaml")).get(0);
    assertThat(podMonitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText())
        .isEqualTo("metrics");
    assertThat(podMonitor.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(podTemplate.path("metadata").path("labels"));
  }

  private static Object typed(String key, Map<String, String> conf) {
    ConfigOption<?> option = FlinkOptions.option(key).orElse(null);
    return option == null ? conf.get(key) : Configuration.fromMap(conf).get(option);
  }
}
