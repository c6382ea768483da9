package dev.cartrescue.testkit.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fixture builds is what docs/contract.md §2 shows and schemas/inputs/ accept. */
class ShopRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = repositoryRoot();
  private static final long T = at("2026-11-22T10:00:00Z");

  @Test
  void theContractsExamplesAreBuiltFieldForField() throws IOException {
    assertThat(
            normalized(
                ShopRecords.addToCart("c-42", "k-9", T)
                    .eventId("e-1")
                    .cartUrl()
                    .product("sku-1", "Trail shoe", new BigDecimal("89.90"), "EUR", 1),
                ShopRecords.purchase("c-42", 1795343400000L)
                    .eventId("e-2")
                    .order("o-7", 89.90, "EUR")
                    .epochMillis()))
        .isEqualTo(contractExample("inputs/clickstream-event"));
    assertThat(
            normalized(
                ShopRecords.profile("c-42")
                    .phone("33", "06 12 34 56 78")
                    .consent(true)
                    .firstName("Anna")
                    .language("fr")
                    .updatedAt(at("2026-11-20T08:00:00Z"))))
        .isEqualTo(contractExample("inputs/contact-profile"));
    assertThat(normalized(ShopRecords.capping("c-42", at("2026-11-21T09:30:00Z"))))
        .isEqualTo(contractExample("inputs/capping-event"));
  }

  @Test
  void everyRecordItBuildsIsValidInBothTimeForms() throws IOException {
    for (boolean epochMillis : List.of(false, true)) {
      List<ShopRecords.Click> clicks =
          List.of(
              ShopRecords.addToCart("c-1", "k-1", T).product("sku-1", "Trail shoe"),
              ShopRecords.addToCart("c-1", "k-1", T).product("sku-sock").quantity(2),
              ShopRecords.removeFromCart("c-1", T).cartId("k-1").product("sku-1").quantity(1),
              ShopRecords.removeFromCart("c-1", T).product("sku-1"),
              ShopRecords.removeFromCart("c-1", T),
              ShopRecords.purchase("c-1", T).cartId("k-1").order("o-1", 10.5, "EUR"),
              ShopRecords.pageView("c-1", T).field("page", "/products/sku-1"),
              ShopRecords.event("wishlist_add", "c-1", T).eventId("e-9"));
      List<ShopRecords.Profile> profiles =
          List.of(
              ShopRecords.profile("c-1"),
              ShopRecords.profile("c-1").phone("+44", "07911 123456").consent(false).updatedAt(T),
              ShopRecords.profile("c-1").phone(null, "0612345678").updatedAt(T));
      List<ShopRecords.Capping> cappings =
          List.of(
              ShopRecords.capping("c-1", T),
              ShopRecords.capping("c-1", T).eventId("crm-1").field("source", "crm"));
      assertValid("inputs/clickstream-event", clicks, epochMillis, "timestamp");
      assertValid("inputs/contact-profile", profiles, epochMillis, "updated_at");
      assertValid("inputs/capping-event", cappings, epochMillis, "timestamp");
    }
  }

  @Test
  void whatIsLeftOutIsNotWritten() throws IOException {
    JsonNode bare = JSON.readTree(ShopRecords.profile("c-1").json());
    assertThat(bare.toString()).isEqualTo("{\"contact_id\":\"c-1\"}");
    assertThat(ShopRecords.profile("c-1").time()).isEmpty();
    assertThat(ShopRecords.capping("c-1", T).time()).hasValue(T);
  }

  @Test
  void aQuantityNeedsAProductAndACartUrlACart() {
    assertThatThrownBy(() -> ShopRecords.removeFromCart("c-1", T).quantity(1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ShopRecords.purchase("c-1", T).cartUrl())
        .isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------------------------------------

  private static <B extends ShopRecords.Builder<B>> void assertValid(
      String schemaName, List<B> records, boolean epochMillis, String timeField)
      throws IOException {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                JSON.readTree(ROOT.resolve("schemas/" + schemaName + ".schema.json").toFile()));
    for (B record : records) {
      if (epochMillis) {
        record.epochMillis();
      }
      JsonNode value = JSON.readTree(record.json());
      List<String> problems =
          schema.validate(value).stream().map(ValidationMessage::getMessage).toList();
      assertThat(problems).as(schemaName + " " + value).isEmpty();
      if (value.has(timeField)) {
        assertThat(value.get(timeField).isNumber()).as(value.toString()).isEqualTo(epochMillis);
      }
    }
  }

  /** The JSON values of the ```json block after {@code <!-- schema: name -->} in the contract. */
  private static List<String> contractExample(String schema) throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("docs/contract.md"));
    int marker = lines.indexOf("<!-- schema: " + schema + " -->");
    assertThat(marker).as("the contract's example of " + schema).isNotNegative();
    StringBuilder block = new StringBuilder();
    for (int i = marker + 2; !lines.get(i).strip().equals("```"); i++) {
      block.append(lines.get(i)).append('\n');
    }
    List<JsonNode> values = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        JSON.readerFor(JsonNode.class).readValues(block.toString())) {
      it.forEachRemaining(values::add);
    }
    return values.stream().map(JsonNode::toString).toList();
  }

  /** The records as the same parser reads them: field order kept, numbers in one form. */
  private static List<String> normalized(ShopRecords.Builder<?>... records) throws IOException {
    List<String> read = new ArrayList<>();
    for (ShopRecords.Builder<?> r : records) {
      read.add(JSON.readTree(r.json()).toString());
    }
    return read;
  }

  private static long at(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  /** testkit/target/test-classes, three levels below the repository root. */
  private static Path repositoryRoot() {
    try {
      Path testClasses =
          Path.of(
              ShopRecordsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = testClasses.getParent().getParent().getParent().toAbsolutePath().normalize();
      if (!Files.isDirectory(root.resolve("schemas/inputs"))) {
        throw new IllegalStateException("not the repository root: " + root);
      }
      return root;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
