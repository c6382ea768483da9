package dev.cartrescue.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The manifests in k8s/ parse, build with kustomize, and are what the operator's CRD accepts. */
class KubernetesManifestsTest {
  static final List<String> KUSTOMIZATIONS = Deployment.KUSTOMIZATIONS;

  @Test
  void everyYamlFileUnderK8sParses() {
    List<Path> files = Repository.k8sFiles(".yaml");
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      assertThat(Repository.yamlDocuments(file)).as(Repository.relative(file)).isNotEmpty();
    }
  }

  @Test
  void everyFileUnderK8sIsUsedByAKustomizationOrIsASecretTemplate() {
    Set<Path> used = new HashSet<>();
    for (String kustomization :
        List.of("base", "overlays/small", "overlays/large", "monitoring", "webhooks", "advisor")) {
      used.addAll(Kustomize.build(Repository.k8s().resolve(kustomization)).filesUsed());
    }
    used.add(Deployment.secretTemplate());
    // The receiver's Secret, created by hand as the job's is (docs/webhooks.md).
    used.add(Repository.k8s().resolve("webhooks/whatsapp-webhooks.template.yaml"));
    // The Chatwoot connector's Secret, likewise (docs/advisor.md).
    used.add(Repository.k8s().resolve("advisor/chatwoot-api-token.template.yaml"));
    List<Path> manifests = new ArrayList<>(Repository.k8sFiles(".yaml"));
    manifests.addAll(Repository.k8sFiles(".json"));
    assertThat(manifests)
        .allSatisfy(file -> assertThat(used).as("used by a kustomization").contains(file));
  }

  @Test
  void theOverlaysDeployTheImageOfThisVersion() {
    for (String overlay : List.of("overlays/small", "overlays/large")) {
      Path file = Repository.k8s().resolve(overlay).resolve("kustomization.yaml");
      JsonNode images = Repository.yamlDocuments(file).get(0).path("images");
      assertThat(images).as(overlay).isNotEmpty();
      for (JsonNode image : images) {
        assertThat(image.path("newTag").asText())
            .as(overlay + ": the image tag is the pom's version")
            .isEqualTo(System.getProperty("project.version"));
      }
    }
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void everyFlinkDeploymentValidatesAgainstTheOperatorsCrd(String kustomization) {
    Deployment deployment = Deployment.of(kustomization);
    assertThat(FlinkDeploymentSchema.problems(deployment.flinkDeployment())).isEmpty();
  }

  @Test
  void theSchemaRejectsAFieldTheOperatorDoesNotKnow() {
    ObjectNode misspelt = Deployment.of("base").flinkDeployment().deepCopy();
    ((ObjectNode) misspelt.get("spec").get("job")).put("upgradMode", "savepoint");
    ((ObjectNode) misspelt.get("spec")).put("flinkVersion", "v2_9");
    assertThat(FlinkDeploymentSchema.problems(misspelt))
        .anySatisfy(p -> assertThat(p).contains("upgradMode"))
        .anySatisfy(p -> assertThat(p).contains("flinkVersion"));
  }

  @Test
  void theOperatorRunsTheJobInApplicationModeOnFlink22WithLastStateUpgrades() {
    JsonNode spec = Deployment.of("base").spec();
    assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
    assertThat(spec.path("mode").asText()).isEqualTo("native");
    // A job section makes it an application deployment: the cluster lives and dies with the job.
    assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("last-state");
    assertThat(spec.path("job").path("state").asText()).isEqualTo("running");
    assertThat(spec.path("jobManager").path("resource").path("memory").asText()).isNotBlank();
    assertThat(spec.path("taskManager").path("resource").path("memory").asText()).isNotBlank();
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void overlaysPatchOnlyResourcesOfTheBase(String kustomization) {
    // Kustomize.build fails on a patch whose target the base does not define.
    Deployment deployment = Deployment.of(kustomization);
    assertThat(deployment.build().resources())
        .extracting(r -> r.path("kind").asText() + "/" + r.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("FlinkDeployment/cart-rescue", "ConfigMap/cart-rescue-options");
  }

  @Test
  void theOverlaysSizeTheJobDifferently() {
    int small = Deployment.of("overlays/small").spec().path("job").path("parallelism").asInt();
    int large = Deployment.of("overlays/large").spec().path("job").path("parallelism").asInt();
    assertThat(small).isLessThan(large);
    assertThat(Deployment.of("overlays/large").spec().path("image").asText())
        .isNotEqualTo(Deployment.of("base").spec().path("image").asText());
  }

  @Test
  void aPatchForAResourceTheBaseLacksFailsTheBuild(@TempDir Path temp) throws Exception {
    Path overlay = temp.resolve("overlay");
    Files.createDirectories(overlay);
    Files.writeString(
        overlay.resolve("kustomization.yaml"),
        "resources:\n  - " + Repository.k8s().resolve("base") + "\npatches:\n  - path: p.yaml\n");
    Files.writeString(
        overlay.resolve("p.yaml"),
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\n"
            + "metadata:\n  name: cart-rescue-typo\nspec:\n  job:\n    parallelism: 3\n");
    assertThatThrownBy(() -> Kustomize.build(overlay))
        .hasMessageContaining("FlinkDeployment cart-rescue-typo");
  }

  @ParameterizedTest
  @FieldSource("KUSTOMIZATIONS")
  void thePodsMountTheGeneratedConfigMapAndTheSecret(String kustomization) {
    Deployment deployment = Deployment.of(kustomization);
    assertThat(deployment.build().generatedNames())
        .contains(deployment.volume("job-options").path("configMap").path("name").asText());
    JsonNode secret = Repository.yamlDocuments(Deployment.secretTemplate()).get(0);
    assertThat(deployment.volume("whatsapp-token").path("secret").path("secretName").asText())
        .isEqualTo(secret.path("metadata").path("name").asText());
    assertThat(deployment.mountPathOf("configMap")).isNotBlank();
    assertThat(deployment.mountPathOf("secret")).isNotBlank();
  }

  @Test
  void theAdvisorRunsOnePodWithItsOptionsAndTheTokenAsAFileFromTheTemplatesSecret() {
    Kustomize.Build build = Kustomize.build(Repository.k8s().resolve("advisor"));
    JsonNode deployment =
        build.resources().stream()
            .filter(r -> r.path("kind").asText().equals("Deployment"))
            .findFirst()
            .orElseThrow();
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/healthz");
    JsonNode secret =
        Repository.yamlDocuments(
                Repository.k8s().resolve("advisor/chatwoot-api-token.template.yaml"))
            .get(0);
    assertThat(secret.has("data")).isFalse();
    assertThat(secret.path("stringData").path("chatwoot-api-token").asText())
        .isEqualTo("PLACEHOLDER-NOT-A-TOKEN");
    Set<String> volumes = new HashSet<>();
    for (JsonNode volume : pod.path("volumes")) {
      volumes.add(
          volume.path("secret").path("secretName").asText()
              + volume.path("configMap").path("name").asText());
    }
    assertThat(volumes).contains(secret.path("metadata").path("name").asText());
    assertThat(build.generatedNames()).anyMatch(volumes::contains);
  }

  @Test
  void theSecretTemplateHoldsAPlaceholderAndNoToken() {
    JsonNode secret = Repository.yamlDocuments(Deployment.secretTemplate()).get(0);
    assertThat(secret.path("kind").asText()).isEqualTo("Secret");
    assertThat(secret.has("data")).as("base64 data, which could hide a real token").isFalse();
    assertThat(secret.path("stringData").size()).isEqualTo(1);
    assertThat(secret.path("stringData").elements().next().asText())
        .isEqualTo("PLACEHOLDER-NOT-A-TOKEN");
  }
}
