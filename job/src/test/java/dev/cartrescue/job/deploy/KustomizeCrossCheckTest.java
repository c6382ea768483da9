package dev.cartrescue.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other tests read the manifests through {@link Kustomize}, an emulation; where kubectl is
 * installed, its kustomize must build exactly the same resources (apart from the hash that it
 * appends to generated names).
 */
class KustomizeCrossCheckTest {

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/large", "monitoring"})
  void kubectlKustomizeBuildsWhatTheTestsRead(String kustomization) throws Exception {
    Path kubectl = kubectl();
    assumeTrue(kubectl != null, "kubectl is not installed");
    Kustomize.Build emulated = Kustomize.build(Repository.k8s().resolve(kustomization));

    Process process =
        new ProcessBuilder(
                kubectl.toString(), "kustomize", Repository.k8s().resolve(kustomization).toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize " + kustomization).isZero();

    for (String generated : emulated.generatedNames()) {
      output = output.replaceAll("\\b" + generated + "-[a-z0-9]{10}\\b", generated);
    }
    List<JsonNode> built;
    try (MappingIterator<JsonNode> documents =
        Repository.YAML.readerFor(JsonNode.class).readValues(output)) {
      built = documents.readAll();
    }
    assertThat(byKindAndName(built)).isEqualTo(byKindAndName(List.copyOf(emulated.resources())));
  }

  private static Map<String, JsonNode> byKindAndName(List<? extends JsonNode> resources) {
    Map<String, JsonNode> byName = new TreeMap<>();
    for (JsonNode resource : resources) {
      ObjectNode copy = resource.deepCopy();
      byName.put(
          copy.path("kind").asText() + "/" + copy.path("metadata").path("name").asText(), copy);
    }
    return byName;
  }

  private static Path kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
