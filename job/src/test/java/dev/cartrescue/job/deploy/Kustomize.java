package dev.cartrescue.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kubectl kustomize DIR} makes of a kustomization, for the parts of kustomize that k8s/
 * uses: resources, ConfigMap generators (without the hash suffix), patches of whole resources, and
 * images. Anything else fails loudly rather than being ignored; {@link KustomizeCrossCheckTest}
 * compares the result with the real kustomize where kubectl is installed.
 */
final class Kustomize {
  private static final Set<String> SUPPORTED =
      Set.of(
          "apiVersion",
          "kind",
          "resources",
          "configMapGenerator",
          "configurations",
          "patches",
          "images");

  private Kustomize() {}

  /** The built resources, and which files the kustomization (and its bases) used. */
  record Build(List<ObjectNode> resources, Set<Path> filesUsed, List<String> generatedNames) {
    ObjectNode the(String kind) {
      List<ObjectNode> found =
          resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
      if (found.size() != 1) {
        throw new AssertionError("expected one " + kind + ", found " + found.size());
      }
      return found.get(0);
    }
  }

  static Build build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no kustomization.yaml in " + Repository.relative(dir));
    }
    JsonNode k = Repository.yamlDocuments(file).get(0);
    k.fieldNames()
        .forEachRemaining(
            field -> {
              if (!SUPPORTED.contains(field)) {
                throw new AssertionError(
                    Repository.relative(file)
                        + " uses '"
                        + field
                        + "', which these tests do not emulate: extend Kustomize");
              }
            });
    List<ObjectNode> resources = new ArrayList<>();
    Set<Path> used = new LinkedHashSet<>();
    List<String> generated = new ArrayList<>();
    used.add(file);
    for (JsonNode entry : k.path("resources")) {
      Path resource = dir.resolve(entry.asText()).normalize();
      if (Files.isDirectory(resource)) {
        Build base = build(resource);
        resources.addAll(base.resources());
        used.addAll(base.filesUsed());
        generated.addAll(base.generatedNames());
      } else {
        used.add(existing(resource, file));
        for (JsonNode document : Repository.yamlDocuments(resource)) {
          resources.add((ObjectNode) document);
        }
      }
    }
    for (JsonNode generator : k.path("configMapGenerator")) {
      ObjectNode configMap = Repository.JSON.createObjectNode();
      configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
      String name = generator.path("name").asText();
      ObjectNode metadata = configMap.putObject("metadata").put("name", name);
      JsonNode labels = generator.path("options").path("labels");
      if (labels.isObject()) {
        metadata.set("labels", labels.deepCopy());
      }
      ObjectNode data = configMap.putObject("data");
      for (JsonNode source : generator.path("files")) {
        String spec = source.asText();
        int eq = spec.indexOf('=');
        String key = eq < 0 ? Path.of(spec).getFileName().toString() : spec.substring(0, eq);
        Path content = existing(dir.resolve(eq < 0 ? spec : spec.substring(eq + 1)), file);
        used.add(content);
        data.put(key, Repository.read(content));
      }
      resources.add(configMap);
      generated.add(name);
    }
    for (JsonNode configuration : k.path("configurations")) {
      used.add(existing(dir.resolve(configuration.asText()), file));
    }
    for (JsonNode patch : k.path("patches")) {
      if (!patch.has("path") || patch.has("target") || patch.has("patch")) {
        throw new AssertionError(
            Repository.relative(file) + ": only patches given by path are emulated: " + patch);
      }
      Path patchFile = existing(dir.resolve(patch.path("path").asText()), file);
      used.add(patchFile);
      for (JsonNode document : Repository.yamlDocuments(patchFile)) {
        applyPatch(resources, document, Repository.relative(patchFile));
      }
    }
    for (JsonNode image : k.path("images")) {
      setImage(resources, image);
    }
    return new Build(resources, used, generated);
  }

  /** A patch finds its target by kind and name, as kustomize does, and merges into it. */
  private static void applyPatch(List<ObjectNode> resources, JsonNode patch, String where) {
    String kind = patch.path("kind").asText();
    String name = patch.path("metadata").path("name").asText();
    List<ObjectNode> targets =
        resources.stream()
            .filter(r -> kind.equals(r.path("kind").asText()))
            .filter(r -> name.equals(r.path("metadata").path("name").asText()))
            .toList();
    if (targets.size() != 1) {
      throw new AssertionError(
          where
              + " patches "
              + kind
              + " "
              + name
              + ", but the resources define "
              + targets.size()
              + " of it");
    }
    merge(targets.get(0), patch, where + ":");
  }

  /**
   * JSON merge patch (RFC 7386), which is what a strategic merge patch does to a custom resource's
   * maps and values. Lists are refused: kustomize merges some lists by key and replaces others, and
   * the patches here need neither.
   */
  private static void merge(ObjectNode target, JsonNode patch, String path) {
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      String at = path + "/" + field.getKey();
      JsonNode value = field.getValue();
      if (value.isArray()) {
        throw new AssertionError(at + ": patching a list is not emulated");
      }
      if (value.isNull()) {
        target.remove(field.getKey());
      } else if (value.isObject() && target.path(field.getKey()).isObject()) {
        merge((ObjectNode) target.get(field.getKey()), value, at);
      } else {
        target.set(field.getKey(), value.deepCopy());
      }
    }
  }

  /** kustomize's images transformer, on the FlinkDeployment's spec.image (kustomizeconfig.yaml). */
  private static void setImage(List<ObjectNode> resources, JsonNode image) {
    String name = image.path("name").asText();
    for (ObjectNode resource : resources) {
      if (!"FlinkDeployment".equals(resource.path("kind").asText())) {
        continue;
      }
      String current = resource.path("spec").path("image").asText();
      String currentName =
          current.contains(":") ? current.substring(0, current.indexOf(':')) : current;
      if (!currentName.equals(name)) {
        continue;
      }
      String newName = image.path("newName").asText(currentName);
      String tag =
          image.has("newTag")
              ? ":" + image.get("newTag").asText()
              : current.contains(":") ? current.substring(current.indexOf(':')) : "";
      ((ObjectNode) resource.get("spec")).put("image", newName + tag);
    }
  }

  private static Path existing(Path file, Path kustomization) {
    if (!Files.isRegularFile(file)) {
      throw new AssertionError(
          Repository.relative(kustomization) + " names a file that does not exist: " + file);
    }
    return file.normalize();
  }
}
