package dev.cartrescue.job.records;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Broken and hostile record values: random bytes, truncated and deeply nested JSON, huge strings
 * and numbers, wrong types, NaN, timestamps far in the past or future, unknown fields.
 */
public final class FuzzedRecords {
  private static final String GOOD_CLICK =
      "{\"event_id\":\"e-1\",\"type\":\"add_to_cart\",\"contact_id\":\"c-1\","
          + "\"timestamp\":\"2026-11-22T10:00:00Z\",\"cart_id\":\"k-1\","
          + "\"product\":{\"id\":\"sku-1\",\"name\":\"Trail shoe\",\"price\":89.9,\"quantity\":1}}";

  /** The other forms a producer may write (docs/producers.md), broken the same ways. */
  private static final String GOOD_GA4_CLICK =
      "{\"event_id\":\"e-2\",\"type\":\"add_to_cart\",\"contact_id\":\"c-1\","
          + "\"timestamp\":\"2026-11-22T10:00:00Z\",\"cart_id\":\"k-1\",\"items\":["
          + "{\"item_id\":\"SKU_1\",\"item_name\":\"Tee\",\"price\":10.01,\"quantity\":1},"
          + "{\"item_id\":\"SKU_2\",\"item_category\":\"Apparel\",\"quantity\":2}]}";

  private static final String GOOD_SEGMENT_CLICK =
      "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"c-1\","
          + "\"messageId\":\"ajs-1\",\"timestamp\":\"2026-11-22T10:00:00.000Z\","
          + "\"context\":{\"library\":{\"name\":\"analytics.js\"}},\"properties\":{"
          + "\"cart_id\":\"k-1\",\"product_id\":\"p-1\",\"sku\":\"G-32\","
          + "\"name\":\"Monopoly\",\"price\":18.99,\"quantity\":1}}";

  private FuzzedRecords() {}

  /** {@code count} values, the same for the same seed. */
  public static List<byte[]> values(long seed, int count) {
    Random random = new Random(seed);
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(one(random).getBytes(StandardCharsets.UTF_8));
    }
    return values;
  }

  private static String one(Random random) {
    switch (random.nextInt(24)) {
      case 0:
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
      case 1:
        return GOOD_CLICK.substring(0, random.nextInt(GOOD_CLICK.length()));
      case 2:
        int depth = 100 + random.nextInt(5000);
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      case 3:
        return GOOD_CLICK.replace("c-1", "x".repeat(1 + random.nextInt(2_000_000)));
      case 4:
        return GOOD_CLICK.replace("\"quantity\":1", "\"quantity\":1e400");
      case 5:
        return GOOD_CLICK.replace("\"quantity\":1", "\"quantity\":NaN");
      case 6:
        return GOOD_CLICK.replace("\"2026-11-22T10:00:00Z\"", String.valueOf(random.nextLong()));
      case 7:
        return GOOD_CLICK.replace("2026-11-22T10:00:00Z", "+999999999-12-31T23:59:59Z");
      case 8:
        return GOOD_CLICK.replace("\"c-1\"", random.nextBoolean() ? "42" : "[\"c-1\"]");
      case 9:
        return GOOD_CLICK.replace("\"type\":\"add_to_cart\"", "\"type\":null");
      case 10:
        return GOOD_CLICK.replace("\"product\":{", "\"product\":[{").replace("1}}", "1}]}");
      case 11:
        return "[" + GOOD_CLICK + "]";
      case 12:
        return random.nextBoolean() ? "" : "null";
      case 14:
        String items = "{\"item_id\":\"SKU_1\",\"quantity\":1},".repeat(195 + random.nextInt(10));
        return GOOD_GA4_CLICK.replace("\"items\":[", "\"items\":[" + items);
      case 15:
        return random.nextBoolean()
            ? GOOD_GA4_CLICK.replace("\"quantity\":2", "\"quantity\":" + random.nextInt())
            : GOOD_GA4_CLICK.replace(
                "{\"item_id\":\"SKU_2\"", random.nextBoolean() ? "[" : "7,{\"a\"");
      case 16:
        return GOOD_GA4_CLICK.substring(0, random.nextInt(GOOD_GA4_CLICK.length()));
      case 17:
        return random.nextBoolean()
            ? GOOD_SEGMENT_CLICK.replace("\"userId\":\"c-1\",", "")
            : GOOD_SEGMENT_CLICK.replace("\"cart_id\":\"k-1\",", "");
      case 18:
        return GOOD_SEGMENT_CLICK.replace(
            "\"Product Added\"", random.nextBoolean() ? "\"Order Completed\"" : "null");
      case 19:
        return random.nextBoolean()
            ? GOOD_SEGMENT_CLICK
                .replace("\"properties\":{", "\"properties\":[{")
                .replace("1}}", "1}]}")
            : GOOD_SEGMENT_CLICK.replace(
                "\"quantity\":1}", "\"quantity\":" + random.nextInt() + "}");
      case 20:
        return GOOD_SEGMENT_CLICK.substring(0, random.nextInt(GOOD_SEGMENT_CLICK.length()));
      case 21:
        String payload = random.nextBoolean() ? GOOD_CLICK : GOOD_SEGMENT_CLICK;
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false},\"payload\":"
            + (random.nextBoolean()
                ? payload
                : payload.substring(0, random.nextInt(payload.length())))
            + "}";
      case 22:
        return "{\"schema\":null,\"payload\":" + (random.nextBoolean() ? "null" : "[1]") + "}";
      case 23:
        // Confluent's wire format: 0x00, a 4-byte schema id (ASCII-safe bytes), the JSON.
        String json = random.nextBoolean() ? GOOD_SEGMENT_CLICK : GOOD_GA4_CLICK;
        String prefix = "\u0000\u0000\u0000\u0001" + (char) random.nextInt(0x80);
        return prefix
            + (random.nextBoolean() ? json : json.substring(0, random.nextInt(json.length())));
      default:
        return GOOD_CLICK.replace("\"timestamp\"", "\"timestamp\":1,\"timestamp\"");
    }
  }
}
