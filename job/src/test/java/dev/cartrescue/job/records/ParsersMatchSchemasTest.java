package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Json;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.rule.Reason;
import dev.cartrescue.sinks.whatsapp.SendResult;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each parser and its schema agree on the fuzz corpus ({@link FuzzedRecords}: its values, every
 * seed it holds, and each seed with every field removed, nulled, of another type or too long):
 *
 * <ol>
 *   <li>a value the parser accepts, the schema accepts;
 *   <li>a value the schema rejects for a missing required field or a wrong type, the parser
 *       rejects;
 *   <li>a value the schema accepts, the parser accepts too, unless its reason is one JSON Schema
 *       cannot say (see {@link #BEYOND_JSON_SCHEMA}).
 * </ol>
 *
 * <p>A value that is not JSON for the job's reader (duplicate keys, too deep, strings over 1 MiB)
 * is outside any schema: both refuse it. {@link RecordedOutcomeParser} reads the job's own outcomes
 * back as a tolerant reader: it checks only the five fields it uses, so it is held to the outcome
 * schema's required fields and types of those five only (a new failure reason written by a newer
 * version must not become a dead letter, nor an opt-out be lost over a field it does not use).
 */
class ParsersMatchSchemasTest {
  private static final long KAFKA_TIME = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * Parser reasons that JSON Schema cannot express, all about timestamps: the wall clock (more than
   * 1 h ahead), year 2000 for an ISO string with an offset, and dates that do not exist
   * (2026-02-30) in a string the schema's pattern accepts.
   */
  private static final Pattern BEYOND_JSON_SCHEMA =
      Pattern.compile("field (\\S+) is (in the future|before 2000 .*|not a timestamp)");

  private static List<byte[]> corpus;

  @BeforeAll
  static void corpus() throws Exception {
    Set<String> seeds = new LinkedHashSet<>(fuzzSeeds());
    seeds.addAll(ourSeeds());
    List<byte[]> values = new ArrayList<>(FuzzedRecords.values(42, 3000));
    for (String seed : seeds) {
      values.add(bytes(seed));
      for (String mutation : mutations(seed)) {
        values.add(bytes(mutation));
      }
    }
    corpus = values;
  }

  @Test
  void clickEventParserAndSchemaAgree() {
    assertAgree(new ClickEventParser(), "inputs/clickstream-event", true, null, null);
  }

  @Test
  void contactProfileParserAndSchemaAgree() {
    assertAgree(new ContactProfileParser(), "inputs/contact-profile", true, null, null);
  }

  @Test
  void cappingEventParserAndSchemaAgree() {
    assertAgree(new CappingEventParser(), "inputs/capping-event", true, null, null);
  }

  @Test
  void recordedOutcomeParserAndOutcomeSchemaAgreeOnTheFieldsItReads() {
    assertAgree(
        new RecordedOutcomeParser(),
        "outputs/outcome",
        false,
        Set.of("contact_id", "deadline", "outcome", "reason", "error_code"),
        Set.of("contact_id", "deadline", "outcome"));
  }

  @Test
  void theCorpusHoldsValuesEachParserAccepts() {
    // Else the agreement above would say little.
    for (RecordParser<?> parser :
        List.of(
            new ClickEventParser(),
            new ContactProfileParser(),
            new CappingEventParser(),
            new RecordedOutcomeParser())) {
      long accepted = corpus.stream().filter(v -> parserVerdict(parser, v) == null).count();
      assertThat(accepted).as(parser.getClass().getSimpleName()).isGreaterThan(20);
    }
  }

  /**
   * @param unwrapsConnect whether the parser unwraps a Kafka Connect envelope, which the schema
   *     does not describe: the schema judges its payload
   * @param readFields the fields a tolerant reader is held to (their types), or null for all
   * @param requiredReadFields those of them it requires
   */
  private static void assertAgree(
      RecordParser<?> parser,
      String schema,
      boolean unwrapsConnect,
      Set<String> readFields,
      Set<String> requiredReadFields) {
    List<String> disagreements = new ArrayList<>();
    for (byte[] value : corpus) {
      String parsed = parserVerdict(parser, value);
      JsonNode node = readByTheJob(value);
      if (node == null) {
        // Not JSON for the job's reader: the parser refused it before any field.
        if (parsed == null) {
          disagreements.add(disagreement(value, "accepted", "not JSON for Json.MAPPER"));
        }
        continue;
      }
      if (unwrapsConnect) {
        node = unwrapConnect(node);
      }
      List<ValidationMessage> all = RecordSchemas.messages(schema, node);
      List<ValidationMessage> held =
          readFields == null
              ? all
              : all.stream().filter(m -> heldTo(m, readFields, requiredReadFields)).toList();
      List<ValidationMessage> structural =
          held.stream().filter(m -> Set.of("required", "type").contains(m.getType())).toList();
      String schemaVerdict = all.isEmpty() ? "accepted" : describe(all);
      if (parsed == null) {
        if (!(readFields == null ? all : structural).isEmpty()) {
          disagreements.add(disagreement(value, "accepted", schemaVerdict));
        }
      } else if (!structural.isEmpty()) {
        // Both refuse it: agreed.
      } else if (all.isEmpty() && !beyondJsonSchema(parsed, node)) {
        disagreements.add(disagreement(value, "refused: " + parsed, schemaVerdict));
      }
    }
    assertThat(disagreements)
        .as(parser.getClass().getSimpleName() + " vs " + schema + " (" + corpus.size() + " values)")
        .isEmpty();
  }

  /** The parser's reason for refusing the value, or null when it accepts it. */
  private static String parserVerdict(RecordParser<?> parser, byte[] value) {
    try {
      parser.parse(null, value, KAFKA_TIME);
      return null;
    } catch (InvalidRecordException e) {
      return e.getMessage();
    }
  }

  private static boolean beyondJsonSchema(String reason, JsonNode node) {
    Matcher m = BEYOND_JSON_SCHEMA.matcher(reason);
    if (!m.matches()) {
      return false;
    }
    if (!m.group(2).equals("not a timestamp")) {
      return true;
    }
    // Only a string the schema's pattern let through (an impossible date), never a wrong type.
    JsonNode field = node.get(m.group(1));
    return field != null && field.isTextual();
  }

  /**
   * Whether a tolerant reader is held to a complaint: a missing field it requires, a wrong type of
   * a field it reads (as the schema's properties say, not its per-outcome rules), or a value that
   * is not an object.
   */
  private static boolean heldTo(ValidationMessage m, Set<String> fields, Set<String> required) {
    if (m.getEvaluationPath().toString().contains("allOf")) {
      return false;
    }
    String at = m.getInstanceLocation().toString();
    if (at.equals("$")) {
      return !m.getType().equals("required") || required.contains(m.getProperty());
    }
    for (String field : fields) {
      if (at.equals("$." + field) || at.startsWith("$." + field + ".")) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode readByTheJob(byte[] value) {
    try {
      JsonNode node = Json.MAPPER.readTree(value);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  /** A Kafka Connect JsonConverter envelope's payload; any other value as it is. */
  static JsonNode unwrapConnect(JsonNode node) {
    if (node.isObject()
        && node.size() == 2
        && node.has("schema")
        && node.path("payload").isObject()) {
      return node.get("payload");
    }
    return node;
  }

  private static String describe(List<ValidationMessage> messages) {
    return "refused: "
        + String.join(
            "; ", messages.stream().map(m -> m.getType() + " " + m.getMessage()).toList());
  }

  private static String disagreement(byte[] value, String parser, String schema) {
    return RecordSchemas.abbreviated(new String(value, StandardCharsets.UTF_8))
        + "\n    parser: "
        + parser
        + "\n    schema: "
        + schema;
  }

  // --- the corpus ------------------------------------------------------------------------------

  /**
   * Every seed FuzzedRecords holds, whatever it names them: its static String constants, and the
   * String or byte[] elements of any static no-argument method returning a collection.
   */
  private static List<String> fuzzSeeds() throws Exception {
    List<String> seeds = new ArrayList<>();
    for (Field field : FuzzedRecords.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        field.setAccessible(true);
        seeds.add((String) field.get(null));
      }
    }
    for (Method method : FuzzedRecords.class.getDeclaredMethods()) {
      if (Modifier.isStatic(method.getModifiers())
          && method.getParameterCount() == 0
          && Collection.class.isAssignableFrom(method.getReturnType())) {
        method.setAccessible(true);
        for (Object seed : (Collection<?>) method.invoke(null)) {
          if (seed instanceof String s) {
            seeds.add(s);
          } else if (seed instanceof byte[] b) {
            seeds.add(new String(b, StandardCharsets.UTF_8));
          }
        }
      }
    }
    return seeds;
  }

  /** Good values of each kind, as README.md shows them and as the job writes them. */
  private static List<String> ourSeeds() {
    List<String> seeds = new ArrayList<>();
    seeds.add(
        "{\"event_id\": \"e-1\", \"type\": \"add_to_cart\", \"contact_id\": \"c-42\", \"timestamp\":"
            + " \"2026-11-22T10:00:00Z\", \"cart_id\": \"k-9\", \"cart_url\":"
            + " \"https://shop.example/cart/k-9\", \"product\": {\"id\": \"sku-1\", \"name\":"
            + " \"Trail shoe\", \"price\": 89.90, \"currency\": \"EUR\", \"quantity\": 1}}");
    seeds.add(
        "{\"event_id\": \"e-2\", \"type\": \"purchase\", \"contact_id\": \"c-42\", \"timestamp\":"
            + " 1763805600000, \"order_id\": \"o-7\", \"value\": 89.90, \"currency\": \"EUR\"}");
    seeds.add(
        "{\"type\":\"remove_from_cart\",\"contact_id\":\"c\",\"timestamp\":\"2026-11-22T11:00:00.250+01:00\","
            + "\"product\":{\"id\":\"sku-1\",\"quantity\":2}}");
    seeds.add("{\"type\":\"page_view\",\"contact_id\":\"c\",\"timestamp\":1763805600000}");
    seeds.add(
        "{\"contact_id\": \"c-42\", \"phone_number\": \"06 12 34 56 78\", \"whatsapp_code\": \"33\","
            + " \"whatsapp_consent\": true, \"first_name\": \"Anna\", \"language\": \"fr\","
            + " \"updated_at\": \"2026-11-20T08:00:00Z\"}");
    seeds.add("{\"contact_id\":\"c\",\"whatsapp_code\":33,\"phone_number\":612345678}");
    seeds.add("{\"contact_id\":\"c\",\"timestamp\":\"2026-11-22T10:00:00Z\"}");
    long deadline = Instant.parse("2026-11-22T11:00:00Z").toEpochMilli();
    CappingEvent capping = new CappingEvent("c-42", deadline);
    capping.eventId = "capping:c-42:k-9:" + deadline;
    capping.cartId = "k-9";
    capping.messageId = "wamid.HBg";
    seeds.add(OutputJson.capping(capping));
    CartDecision d = new CartDecision();
    d.contactId = "c-42";
    d.cartId = "k-9";
    d.deadline = deadline;
    seeds.add(OutputJson.outcome(Outcome.sent(d, "wamid.HBg")));
    for (Reason reason : Reason.values()) {
      d.suppressionReason = reason.code();
      seeds.add(OutputJson.outcome(Outcome.suppressed(d)));
    }
    seeds.add(OutputJson.outcome(Outcome.failed(d, SendResult.OPTED_OUT, 131050)));
    seeds.add(OutputJson.outcome(Outcome.failed(d, SendResult.TIMEOUT, null)));
    return seeds;
  }

  private static final List<JsonNode> REPLACEMENTS =
      List.of(
          NODES.nullNode(),
          NODES.numberNode(42),
          NODES.numberNode(new java.math.BigDecimal("1.5")),
          NODES.numberNode(-1),
          NODES.numberNode(100_001),
          NODES.textNode("x"),
          NODES.textNode(" "),
          NODES.textNode("2026-11-22T10:00:00"),
          NODES.booleanNode(true),
          NODES.arrayNode(),
          NODES.objectNode(),
          NODES.textNode("x".repeat(300)),
          NODES.textNode("x".repeat(1100)),
          NODES.textNode("x".repeat(2100)));

  /** The seed with each field, at any depth, removed or replaced by each of REPLACEMENTS. */
  private static List<String> mutations(String seed) {
    JsonNode root = readByTheJob(bytes(seed));
    List<String> mutations = new ArrayList<>();
    if (!(root instanceof ObjectNode)) {
      return mutations;
    }
    List<List<Object>> paths = new ArrayList<>();
    collectPaths(root, new ArrayList<>(), paths);
    for (List<Object> path : paths) {
      if (path.get(path.size() - 1) instanceof String) {
        mutations.add(replaced(root, path, null).toString());
      }
      for (JsonNode replacement : REPLACEMENTS) {
        mutations.add(replaced(root, path, replacement).toString());
      }
    }
    return mutations;
  }

  /** Every field (a name) and first array element (index 0), at most 4 levels deep. */
  private static void collectPaths(JsonNode node, List<Object> at, List<List<Object>> out) {
    if (at.size() >= 4) {
      return;
    }
    if (node instanceof ObjectNode object) {
      for (String name : (Iterable<String>) object::fieldNames) {
        List<Object> path = new ArrayList<>(at);
        path.add(name);
        out.add(path);
        collectPaths(object.get(name), path, out);
      }
    } else if (node instanceof ArrayNode array && !array.isEmpty()) {
      List<Object> path = new ArrayList<>(at);
      path.add(0);
      out.add(path);
      collectPaths(array.get(0), path, out);
    }
  }

  /** A copy of root with the value at path replaced, or removed when replacement is null. */
  private static JsonNode replaced(JsonNode root, List<Object> path, JsonNode replacement) {
    JsonNode copy = root.deepCopy();
    JsonNode parent = copy;
    for (Object step : path.subList(0, path.size() - 1)) {
      parent = step instanceof String name ? parent.get(name) : parent.get((Integer) step);
    }
    Object last = path.get(path.size() - 1);
    if (last instanceof String name) {
      if (replacement == null) {
        ((ObjectNode) parent).remove(name);
      } else {
        ((ObjectNode) parent).set(name, replacement);
      }
    } else {
      ((ArrayNode) parent).set((Integer) last, replacement);
    }
    return copy;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
