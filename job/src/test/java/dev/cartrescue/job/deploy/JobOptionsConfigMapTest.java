package dev.cartrescue.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.job.config.CartRescueOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The job's options in the ConfigMap parse with the job's own options class, and point at the files
 * that the pods mount.
 */
class JobOptionsConfigMapTest {
  static final List<String> KUSTOMIZATIONS = Deployment.KUSTOMIZATIONS;

  @TempDir Path temp;

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void theConfigMapsOptionsParseWithTheJobsOwnOptionsClass(String kustomization) throws Exception {
    CartRescueOptions options = parse(Deployment.of(kustomization));
    assertThat(options.kafka.bootstrapServers()).isNotBlank();
    assertThat(options.whatsapp.phoneNumberId()).isNotBlank();
    assertThat(options.checkpointDir)
        .as("not set: the FlinkDeployment's execution.checkpointing.dir applies")
        .isNull();
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void theJobReadsItsOptionsWherePodsMountTheConfigMap(String kustomization) {
    Deployment deployment = Deployment.of(kustomization);
    List<String> args = new ArrayList<>();
    deployment.spec().path("job").path("args").forEach(a -> args.add(a.asText()));
    assertThat(args)
        .containsExactly(
            "--config", deployment.mountPathOf("configMap") + "/" + Deployment.OPTIONS_FILE);
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void theTokenFileIsWherePodsMountTheSecret(String kustomization) throws Exception {
    Deployment deployment = Deployment.of(kustomization);
    JsonNode secret = Repository.yamlDocuments(Deployment.secretTemplate()).get(0);
    String key = secret.path("stringData").fieldNames().next();
    assertThat(parse(deployment).whatsapp.accessTokenFile())
        .isEqualTo(deployment.mountPathOf("secret") + "/" + key);
  }

  /**
   * On Kubernetes the operator restores the job on every upgrade and sets its parallelism; the same
   * options in the file would override both.
   */
  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void theOperatorNotTheOptionsDecidesRestoreAndParallelism(String kustomization) throws Exception {
    Map<String, String> given = CartRescueOptions.readYaml(write(Deployment.of(kustomization)));
    assertThat(given).doesNotContainKeys("restore-from", "parallelism");
    assertThat(given.keySet()).noneMatch(k -> k.contains("token") && !k.endsWith("token-file"));
  }

  private CartRescueOptions parse(Deployment deployment) throws Exception {
    return CartRescueOptions.parse("--config", write(deployment).toString());
  }

  private Path write(Deployment deployment) throws Exception {
    return Files.writeString(
        temp.resolve(deployment.kustomization().replace('/', '-') + ".yaml"),
        deployment.optionsFile());
  }
}
