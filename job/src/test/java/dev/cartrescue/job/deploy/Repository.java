package dev.cartrescue.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The repository's deployment files, found from this module's build output
 * (job/target/test-classes) so that the tests do not depend on the directory Maven runs them from.
 */
public final class Repository {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Path ROOT = findRoot();

  private Repository() {}

  /** The repository root: the parent of the job module. */
  public static Path root() {
    return ROOT;
  }

  static Path k8s() {
    return ROOT.resolve("k8s");
  }

  static Path file(String relative) {
    Path file = ROOT.resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("expected the file " + relative + " in the repository: " + file);
    }
    return file;
  }

  /**
   * The Flink Kubernetes Operator's FlinkDeployment CRD (release 1.15.0), kept in the test
   * resources because no cluster runs where the tests do (source and licence: the README beside
   * it).
   */
  static Path flinkDeploymentCrd() {
    return file("job/src/test/resources/k8s-schemas/flinkdeployments.flink.apache.org-v1.yml");
  }

  /** Every document of a YAML file; empty documents are left out. */
  static List<JsonNode> yamlDocuments(Path file) {
    try (MappingIterator<JsonNode> documents =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      return documents.readAll().stream().filter(d -> d != null && !d.isNull()).toList();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + ROOT.relativize(file) + " as YAML: " + e, e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file under k8s/ whose name ends with {@code suffix}, in a stable order. */
  static List<Path> k8sFiles(String suffix) {
    try (Stream<Path> files = Files.walk(k8s())) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String relative(Path file) {
    return ROOT.relativize(file.toAbsolutePath().normalize()).toString();
  }

  private static Path findRoot() {
    try {
      Path testClasses =
          Path.of(Repository.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path module = testClasses.getParent().getParent();
      if (!Files.isRegularFile(module.resolve("pom.xml"))) {
        throw new IllegalStateException("not a Maven module: " + module);
      }
      return module.getParent().toAbsolutePath().normalize();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
