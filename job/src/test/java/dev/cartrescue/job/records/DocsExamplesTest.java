package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ```json block in README.md and docs/ is preceded by the line {@code <!-- schema:
 * inputs/clickstream-event -->} (a schema under schemas/, without .schema.json) or {@code <!--
 * schema: none -->} (a payload that is not ours), and each JSON value in it validates.
 */
class DocsExamplesTest {
  private static final Pattern MARKER = Pattern.compile("^<!-- schema: (\\S+) -->$");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyJsonExampleNamesItsSchemaAndValidates() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path file : markdownFiles()) {
      String relative = root().relativize(file).toString();
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```json")) {
          continue;
        }
        int fence = i + 1;
        StringBuilder block = new StringBuilder();
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).strip().equals("```")) {
          block.append(lines.get(end)).append('\n');
          end++;
        }
        Matcher marker = MARKER.matcher(i > 0 ? lines.get(i - 1).strip() : "");
        if (!marker.matches()) {
          problems.add(
              relative
                  + ":"
                  + fence
                  + ": a ```json block needs <!-- schema: inputs/... --> or <!-- schema: none -->"
                  + " on the line before it");
        } else if (!marker.group(1).equals("none")) {
          String schema = marker.group(1);
          if (!Files.isRegularFile(RecordSchemas.directory().resolve(schema + ".schema.json"))) {
            problems.add(relative + ":" + (fence - 1) + ": no schema " + schema);
          } else {
            int values = 0;
            try (MappingIterator<JsonNode> it =
                JSON.readerFor(JsonNode.class).readValues(block.toString())) {
              while (it.hasNextValue()) {
                // The schemas describe a Kafka Connect envelope's payload, as the job reads it.
                JsonNode value = ParsersMatchSchemasTest.unwrapConnect(it.nextValue());
                values++;
                checked++;
                for (String p : RecordSchemas.problems(schema, value)) {
                  problems.add(relative + ":" + fence + ": value " + values + ": " + p);
                }
              }
            } catch (IOException | RuntimeException e) {
              problems.add(relative + ":" + fence + ": not JSON: " + e.getMessage());
            }
            if (values == 0) {
              problems.add(relative + ":" + fence + ": an empty ```json block");
            }
          }
        }
        i = end;
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).as("JSON examples checked").isGreaterThanOrEqualTo(4);
  }

  private static Path root() {
    return RecordSchemas.directory().getParent();
  }

  private static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(root().resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root().resolve("docs"))) {
      docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }
}
