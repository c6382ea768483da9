package dev.cartrescue.job.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cartrescue.job.deploy.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record schemas in the repository's {@code schemas/}, by name ({@code
 * inputs/clickstream-event} for schemas/inputs/clickstream-event.schema.json), and what they say of
 * a value.
 */
public final class RecordSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final Path DIRECTORY = Repository.root().resolve("schemas");
  private static final Map<String, JsonSchema> LOADED = new ConcurrentHashMap<>();

  private RecordSchemas() {}

  /** The schemas directory at the repository root. */
  public static Path directory() {
    return DIRECTORY;
  }

  /** Every schema's name, in a stable order. */
  public static List<String> names() {
    try (var files = Files.walk(DIRECTORY)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".schema.json"))
          .map(f -> DIRECTORY.relativize(f).toString().replace('\\', '/'))
          .map(n -> n.substring(0, n.length() - ".schema.json".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema's JSON itself. */
  public static JsonNode document(String name) {
    Path file = DIRECTORY.resolve(name + ".schema.json");
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no schema " + name + ": expected " + file);
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError("schema " + name + " is not JSON: " + e.getMessage(), e);
    }
  }

  /** The validator's complaints about a value, in instance order; empty when it is valid. */
  public static List<ValidationMessage> messages(String name, JsonNode value) {
    JsonSchema schema = LOADED.computeIfAbsent(name, n -> FACTORY.getSchema(document(n)));
    return schema.validate(value).stream()
        .sorted(
            Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                .thenComparing(ValidationMessage::getMessage))
        .toList();
  }

  /** Readable complaints ({@code $.cart_id: required property 'cart_id' not found}). */
  public static List<String> problems(String name, JsonNode value) {
    return messages(name, value).stream()
        .map(m -> m.getType() + " " + m.getMessage())
        .distinct()
        .toList();
  }

  /** Like {@link #problems(String, JsonNode)} for a JSON text; one problem if it is not JSON. */
  public static List<String> problems(String name, String json) {
    JsonNode value;
    try {
      value = JSON.readTree(json);
    } catch (IOException e) {
      return List.of("not JSON: " + e.getMessage());
    }
    return problems(name, value);
  }

  /** Throws an AssertionError naming the schema, the value and its problems, if it is invalid. */
  public static void assertValid(String name, JsonNode value) {
    List<String> problems = problems(name, value);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "not a valid "
              + name
              + ": "
              + abbreviated(value.toString())
              + "\n  "
              + String.join("\n  ", problems));
    }
  }

  public static void assertValid(String name, String json) {
    try {
      assertValid(name, JSON.readTree(json));
    } catch (IOException e) {
      throw new AssertionError("not a valid " + name + ", not JSON: " + abbreviated(json), e);
    }
  }

  static String abbreviated(String text) {
    return text.length() <= 300
        ? text
        : text.substring(0, 300) + "... (" + text.length() + " chars)";
  }
}
