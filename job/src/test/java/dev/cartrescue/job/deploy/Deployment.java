package dev.cartrescue.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job's deployment as kustomize builds it: the base, or an overlay on it. */
record Deployment(String kustomization, Kustomize.Build build) {
  /** The kustomizations that deploy the job, relative to k8s/. */
  static final List<String> KUSTOMIZATIONS = List.of("base", "overlays/small", "overlays/large");

  static final String MAIN_CONTAINER = "flink-main-container";
  static final String OPTIONS_FILE = "cart-rescue.yaml";

  static Deployment of(String kustomization) {
    return new Deployment(kustomization, Kustomize.build(Repository.k8s().resolve(kustomization)));
  }

  static Path secretTemplate() {
    return Repository.file("k8s/secret/whatsapp-access-token.template.yaml");
  }

  ObjectNode flinkDeployment() {
    return build.the("FlinkDeployment");
  }

  ObjectNode optionsConfigMap() {
    return build.the("ConfigMap");
  }

  JsonNode spec() {
    return flinkDeployment().path("spec");
  }

  /** spec.flinkConfiguration, every value as the string Flink reads. */
  Map<String, String> flinkConfiguration() {
    Map<String, String> conf = new LinkedHashMap<>();
    spec()
        .path("flinkConfiguration")
        .properties()
        .forEach(e -> conf.put(e.getKey(), e.getValue().asText()));
    return conf;
  }

  /** The job options file that the ConfigMap carries. */
  String optionsFile() {
    JsonNode file = optionsConfigMap().path("data").path(OPTIONS_FILE);
    if (!file.isTextual()) {
      throw new AssertionError(kustomization + ": the ConfigMap has no " + OPTIONS_FILE);
    }
    return file.asText();
  }

  JsonNode mainContainer() {
    for (JsonNode container : spec().path("podTemplate").path("spec").path("containers")) {
      if (MAIN_CONTAINER.equals(container.path("name").asText())) {
        return container;
      }
    }
    throw new AssertionError(kustomization + ": the pod template has no " + MAIN_CONTAINER);
  }

  JsonNode volume(String name) {
    for (JsonNode volume : spec().path("podTemplate").path("spec").path("volumes")) {
      if (name.equals(volume.path("name").asText())) {
        return volume;
      }
    }
    throw new AssertionError(kustomization + ": the pod template has no volume " + name);
  }

  /**
   * Where the main container mounts the volume that holds {@code volumeKind} (configMap, secret).
   */
  String mountPathOf(String volumeKind) {
    for (JsonNode mount : mainContainer().path("volumeMounts")) {
      JsonNode volume = volume(mount.path("name").asText());
      if (volume.has(volumeKind)) {
        if (mount.has("subPath")) {
          throw new AssertionError(
              kustomization + ": a subPath mount is never updated when its source changes");
        }
        return mount.path("mountPath").asText();
      }
    }
    throw new AssertionError(kustomization + ": the main container mounts no " + volumeKind);
  }

  @Override
  public String toString() {
    return kustomization;
  }
}
