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
    switch (random.nextInt(14)) {
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
      default:
        return GOOD_CLICK.replace("\"timestamp\"", "\"timestamp\":1,\"timestamp\"");
    }
  }
}
