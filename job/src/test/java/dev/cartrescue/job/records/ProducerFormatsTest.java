package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.job.records.ClickEvent.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

/** docs/producers.md: what shops already emit, read directly. */
class ProducerFormatsTest {
  private static final long KAFKA_TIME = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();
  private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  /** GA4's own add_to_cart example, in the job's envelope: two items, all their GA4 fields. */
  static final String GA4_ADD_TO_CART =
      """
      {"event_id": "ga-7f3e", "type": "add_to_cart", "contact_id": "c-42",
       "timestamp": "2026-11-22T10:00:00Z", "cart_id": "k-9",
       "cart_url": "https://shop.example/cart/k-9", "currency": "USD", "value": 30.03,
       "items": [
         {"item_id": "SKU_12345", "item_name": "Stan and Friends Tee",
          "affiliation": "Google Merchandise Store", "coupon": "SUMMER_FUN", "discount": 2.22,
          "index": 0, "item_brand": "Google", "item_category": "Apparel",
          "item_category2": "Adult", "item_list_id": "related_products",
          "item_list_name": "Related Products", "item_variant": "green",
          "location_id": "ChIJIQBpAG2ahYAR_6128GcTUEo", "price": 10.01, "quantity": 3},
         {"item_id": "SKU_12346", "item_name": "Google Grey Women's Tee",
          "item_category": "Apparel", "item_variant": "gray", "price": 21.01,
          "promotion_id": "P_12345", "quantity": 2}
       ]}
      """;

  /** A Segment track call as analytics.js sends it, context and all. */
  static final String SEGMENT_PRODUCT_ADDED =
      """
      {"type": "track", "event": "Product Added", "userId": "c-42",
       "anonymousId": "23adfd82-aa0f-45a7-a756-24f2a7a4c895",
       "messageId": "ajs-next-1795341600000-4f6c2a1e",
       "timestamp": "2026-11-22T10:00:00.000Z", "sentAt": "2026-11-22T10:00:00.120Z",
       "receivedAt": "2026-11-22T10:00:00.315Z", "originalTimestamp": "2026-11-22T10:00:00.000Z",
       "context": {"library": {"name": "analytics.js", "version": "next-1.70.0"},
                   "page": {"path": "/p/monopoly", "url": "https://shop.example/p/monopoly"},
                   "ip": "203.0.113.7", "locale": "fr-FR"},
       "properties": {"cart_id": "k-9", "cart_url": "https://shop.example/cart/k-9",
                      "product_id": "507f1f77bcf86cd799439011", "sku": "G-32",
                      "category": "Games", "name": "Monopoly: 3rd Edition", "brand": "Hasbro",
                      "variant": "200 pieces", "price": 18.99, "quantity": 1,
                      "coupon": "MAYDEALS", "position": 3},
       "integrations": {}, "version": 2}
      """;

  static final String SEGMENT_ORDER_COMPLETED =
      """
      {"type": "track", "event": "Order Completed", "userId": "c-42",
       "messageId": "ajs-next-1795345200000-0b1d", "timestamp": "2026-11-22T11:00:00.000Z",
       "properties": {"checkout_id": "fksdjfsdjfisjf9sdfjsd9f", "order_id": "50314b8e9bcf000000000000",
                      "affiliation": "Google Store", "total": 27.50, "revenue": 25.00,
                      "currency": "USD",
                      "products": [{"product_id": "507f1f77bcf86cd799439011", "sku": "45790-32",
                                    "name": "Monopoly: 3rd Edition", "price": 19, "quantity": 1}]},
       "context": {"library": {"name": "analytics-java", "version": "3.5.1"}}}
      """;

  @Test
  void aGa4AddToCartAddsEveryItemAsALine() throws Exception {
    ClickEvent e = click(GA4_ADD_TO_CART);
    assertThat(e.kind()).isEqualTo(Kind.ADD_TO_CART);
    assertThat(e.cartId).isEqualTo("k-9");
    assertThat(e.cartLines())
        .extracting(l -> l.id + " " + l.name + " " + l.quantity)
        .containsExactly("SKU_12345 Stan and Friends Tee 3", "SKU_12346 Google Grey Women's Tee 2");
  }

  @Test
  void aProductAndItemsTogetherAreAllLines() throws Exception {
    ClickEvent e =
        click(
            "{\"type\":\"remove_from_cart\",\"contact_id\":\"c\",\"timestamp\":1795341600000,"
                + "\"product\":{\"id\":\"sku-1\"},\"items\":[{\"item_id\":\"sku-2\",\"quantity\":1},"
                + "{\"item_name\":\"no id\"}]}");
    assertThat(e.cartLines())
        .extracting(l -> l.id + " " + l.quantity)
        .containsExactly("sku-1 0", "sku-2 1", "null 0");
  }

  @Test
  void itemsOnAPurchaseAreIgnored() throws Exception {
    ClickEvent e =
        click(
            "{\"type\":\"purchase\",\"contact_id\":\"c\",\"timestamp\":1795341600000,"
                + "\"transaction_id\":\"T_12345\",\"items\":[{\"item_id\":\"SKU_12345\"}]}");
    assertThat(e.kind()).isEqualTo(Kind.PURCHASE);
    assertThat(e.items).isNull();
  }

  @Test
  void moreThan200ItemsOrAnItemOfTheWrongShapeIsADeadLetter() throws Exception {
    String item = "{\"item_id\":\"sku\",\"quantity\":1}";
    assertThat(
            click(addWithItems(String.join(",", java.util.Collections.nCopies(200, item)))).items)
        .hasSize(200);
    assertDead(addWithItems(String.join(",", java.util.Collections.nCopies(201, item))), "200");
    assertDead(addWithItems("\"sku\""), "items[0] is not an object");
    assertDead(addWithItems("{\"item_id\":\"a\"},{\"quantity\":100001}"), "items[1].quantity");
    assertDead(addWithItems("{\"quantity\":-1}"), "out of range");
    assertDead(addWithItems("{\"item_id\":\"" + "x".repeat(257) + "\"}"), "items[0].item_id");
    assertDead(addWithItems("{\"item_id\":42}"), "not a string");
    assertDead(
        "{\"type\":\"add_to_cart\",\"contact_id\":\"c\",\"timestamp\":1795341600000,"
            + "\"cart_id\":\"k\",\"items\":{\"item_id\":\"a\"}}",
        "items is not an array");
  }

  @Test
  void segmentsEventNamesAreTheNativeTypes() throws Exception {
    assertThat(click(nativeOfType("Product Added", ",\"cart_id\":\"k\"")).type)
        .isEqualTo(Kind.ADD_TO_CART.wireName);
    assertThat(click(nativeOfType("Product Removed", "")).type)
        .isEqualTo(Kind.REMOVE_FROM_CART.wireName);
    assertThat(click(nativeOfType("Order Completed", "")).type).isEqualTo(Kind.PURCHASE.wireName);
    assertDead(nativeOfType("Product Added", ""), "cart_id");
  }

  @Test
  void aSegmentProductAddedIsAnAddToCart() throws Exception {
    Parsed<ClickEvent> parsed = parse(SEGMENT_PRODUCT_ADDED);
    ClickEvent e = parsed.value;
    assertThat(e.type).isEqualTo(Kind.ADD_TO_CART.wireName);
    assertThat(e.contactId).isEqualTo("c-42");
    assertThat(e.eventId).isEqualTo("ajs-next-1795341600000-4f6c2a1e");
    assertThat(parsed.eventTime).isEqualTo(T0);
    assertThat(e.cartId).isEqualTo("k-9");
    assertThat(e.cartUrl).isEqualTo("https://shop.example/cart/k-9");
    assertThat(e.productId).isEqualTo("507f1f77bcf86cd799439011");
    assertThat(e.productName).isEqualTo("Monopoly: 3rd Edition");
    assertThat(e.quantity).isEqualTo(1);
  }

  @Test
  void aSegmentLineIsItsProductIdElseItsSku() throws Exception {
    ClickEvent e =
        click(
            "{\"type\":\"track\",\"event\":\"Product Removed\",\"userId\":\"c\","
                + "\"timestamp\":1795341600000,\"properties\":{\"sku\":\"G-32\",\"quantity\":2}}");
    assertThat(e.kind()).isEqualTo(Kind.REMOVE_FROM_CART);
    assertThat(e.productId).isEqualTo("G-32");
    assertThat(e.quantity).isEqualTo(2);
  }

  @Test
  void aSegmentOrderCompletedIsAPurchase() throws Exception {
    ClickEvent e = click(SEGMENT_ORDER_COMPLETED);
    assertThat(e.kind()).isEqualTo(Kind.PURCHASE);
    assertThat(e.contactId).isEqualTo("c-42");
    assertThat(e.timestamp).isEqualTo(T0 + 3_600_000);
  }

  @Test
  void otherSegmentEventsAreValidAndIgnoredByTheRule() throws Exception {
    for (String event : new String[] {"Product Viewed", "Checkout Started", "add_to_cart"}) {
      ClickEvent e =
          click(
              "{\"type\":\"track\",\"event\":\""
                  + event
                  + "\",\"userId\":\"c\",\"timestamp\":\"2026-11-22T10:00:00.000Z\"}");
      assertThat(e.mattersToTheRule()).as(event).isFalse();
      assertThat(e.timestamp).isEqualTo(T0);
    }
  }

  @Test
  void aSegmentTrackCallIsRefusedWithoutWhatTheRuleNeeds() {
    assertDead(SEGMENT_PRODUCT_ADDED.replace("\"userId\": \"c-42\",", ""), "userId");
    assertDead(SEGMENT_PRODUCT_ADDED.replace("\"cart_id\": \"k-9\",", ""), "properties.cart_id");
    assertDead(
        SEGMENT_PRODUCT_ADDED.replace("\"timestamp\": \"2026-11-22T10:00:00.000Z\",", ""),
        "timestamp");
    assertDead(
        "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"c\","
            + "\"timestamp\":1795341600000,\"properties\":[]}",
        "properties is not an object");
    assertDead(
        SEGMENT_PRODUCT_ADDED.replace("\"quantity\": 1", "\"quantity\": 100001"),
        "properties.quantity");
    // A track call does not need the native contact_id: userId is the contact.
    assertDead(
        "{\"type\":\"track\",\"event\":\"\",\"userId\":\"c\",\"timestamp\":1795341600000}",
        "event");
  }

  @Test
  void aKafkaConnectEnvelopeIsReadForEveryInput() throws Exception {
    String schema =
        "{\"type\":\"struct\",\"optional\":false,\"name\":\"shop.public.contacts.Value\","
            + "\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"contact_id\"}]}";
    ClickEvent e =
        click(
            "{\"schema\":"
                + schema
                + ",\"payload\":{\"type\":\"purchase\",\"contact_id\":\"c-42\","
                + "\"timestamp\":1795341600000}}");
    assertThat(e.contactId).isEqualTo("c-42");
    ContactProfile p =
        new ContactProfileParser()
            .parse(
                null,
                bytes(
                    "{\"schema\":"
                        + schema
                        + ",\"payload\":{\"contact_id\":\"c-42\",\"whatsapp_consent\":true,"
                        + "\"updated_at\":1795341600000}}"),
                KAFKA_TIME)
            .value;
    assertThat(p.whatsappConsent).isTrue();
    assertThat(p.updatedAt).isEqualTo(T0);
    CappingEvent c =
        new CappingEventParser()
            .parse(
                null,
                bytes(
                    "{\"schema\":null,\"payload\":{\"contact_id\":\"c-42\","
                        + "\"timestamp\":1795341600000}}"),
                KAFKA_TIME)
            .value;
    assertThat(c.timestamp).isEqualTo(T0);
  }

  @Test
  void aConfluentPrefixedSegmentCallIsReadOnceThePrefixIsOff() throws Exception {
    byte[] prefixed = confluent(100_042, SEGMENT_PRODUCT_ADDED);
    // What the Kafka source hands the parser: connectors strip the prefix first.
    byte[] json = dev.cartrescue.connectors.ConfluentWireFormat.withoutPrefix(prefixed);
    assertThat(new ClickEventParser().parse(null, json, KAFKA_TIME).value.kind())
        .isEqualTo(Kind.ADD_TO_CART);
    assertThatThrownBy(() -> new ClickEventParser().parse(null, prefixed, KAFKA_TIME))
        .hasMessage("not JSON");
  }

  @Test
  void aClickEventWithLinesIsAFlinkPojoThatNeedsNoKryo() throws Exception {
    SerializerConfigImpl noKryo = new SerializerConfigImpl();
    noKryo.setGenericTypes(false);
    TypeInformation<ClickEvent> type = TypeInformation.of(ClickEvent.class);
    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<ClickEvent> serializer = type.createSerializer(noKryo);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serializer.serialize(click(GA4_ADD_TO_CART), new DataOutputViewStreamWrapper(out));
    ClickEvent back = serializer.deserialize(new DataInputDeserializer(out.toByteArray()));
    assertThat(back.cartLines()).extracting(l -> l.id).containsExactly("SKU_12345", "SKU_12346");
  }

  static byte[] confluent(int schemaId, String json) {
    byte[] utf8 = bytes(json);
    return ByteBuffer.allocate(5 + utf8.length).put((byte) 0).putInt(schemaId).put(utf8).array();
  }

  private static String addWithItems(String items) {
    return "{\"type\":\"add_to_cart\",\"contact_id\":\"c\",\"timestamp\":1795341600000,"
        + "\"cart_id\":\"k\",\"items\":["
        + items
        + "]}";
  }

  private static String nativeOfType(String type, String more) {
    return "{\"type\":\""
        + type
        + "\",\"contact_id\":\"c\",\"timestamp\":1795341600000"
        + more
        + ",\"product\":{\"id\":\"sku-1\"}}";
  }

  private static Parsed<ClickEvent> parse(String json) throws InvalidRecordException {
    return new ClickEventParser().parse(null, bytes(json), KAFKA_TIME);
  }

  private static ClickEvent click(String json) throws InvalidRecordException {
    return parse(json).value;
  }

  private static void assertDead(String json, String reasonMentions) {
    assertThatThrownBy(() -> parse(json))
        .as(json.length() > 80 ? json.substring(0, 80) : json)
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining(reasonMentions);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
