package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/producers.md: every JSON block says what it is, and every one that says it is a record the
 * job reads is accepted by the job's parser for it, exactly as written.
 */
class ProducersDocTest {
  private static final long KAFKA_TIME = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();
  private static final Pattern MARKER = Pattern.compile("<!-- schema: ([a-z/-]+) -->");
  private static final Map<String, RecordParser<?>> PARSERS =
      Map.of(
          "inputs/clickstream-event", new ClickEventParser(),
          "inputs/contact-profile", new ContactProfileParser(),
          "inputs/capping-event", new CappingEventParser());

  record Block(int line, String schema, String text) {}

  @Test
  void everyJsonBlockIsMarkedAndEveryRecordIsAccepted() throws Exception {
    List<Block> blocks = jsonBlocks(docs().resolve("producers.md"));

    assertThat(blocks).extracting(Block::schema).contains("none").containsAll(PARSERS.keySet());
    for (Block block : blocks) {
      String where = "producers.md line " + block.line();
      List<String> values = values(block.text());
      assertThat(values).as(where).isNotEmpty();
      for (String value : values) {
        // Foreign payloads too must be JSON, or the example misleads.
        Json.readObject(value.getBytes(StandardCharsets.UTF_8));
      }
      if (block.schema().equals("none")) {
        continue;
      }
      RecordParser<?> parser = PARSERS.get(block.schema());
      assertThat(parser).as(where + ": unknown schema " + block.schema()).isNotNull();
      for (String value : values) {
        try {
          Parsed<?> parsed = parser.parse(null, value.getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
          assertThat(parsed.isValid()).as(where).isTrue();
        } catch (InvalidRecordException e) {
          throw new AssertionError(where + ": refused as " + block.schema() + ": " + e.reason());
        }
      }
    }
  }

  /** The fenced json blocks, each with the marker on the line just before it. */
  private static List<Block> jsonBlocks(Path markdown) throws Exception {
    List<String> lines = Files.readAllLines(markdown);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```json")) {
        continue;
      }
      Matcher marker = MARKER.matcher(i == 0 ? "" : lines.get(i - 1).strip());
      assertThat(marker.matches())
          .as("producers.md line " + (i + 1) + ": a json block needs a schema marker above it")
          .isTrue();
      StringBuilder text = new StringBuilder();
      int start = i + 1;
      for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      blocks.add(new Block(start, marker.group(1), text.toString()));
    }
    return blocks;
  }

  /** The text of each JSON value in a block, as a block may hold several records. */
  private static List<String> values(String text) throws Exception {
    List<String> values = new ArrayList<>();
    try (JsonParser parser = new JsonFactory().createParser(text)) {
      while (parser.nextToken() != null) {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        values.add(text.substring(start, (int) parser.currentLocation().getCharOffset()));
      }
    }
    return values;
  }

  /** docs/, found from this module's build output, wherever Maven runs from. */
  private static Path docs() throws Exception {
    Path classes =
        Path.of(ProducersDocTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return classes.getParent().getParent().getParent().resolve("docs");
  }
}
