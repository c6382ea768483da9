package dev.cartrescue.benchmarks;

import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactProfileParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The clickstream and profile parsers on realistic record values (docs/contract.md §2). */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParserBenchmark {
  /** A clickstream record of one kind. */
  @State(Scope.Thread)
  public static class Click {
    @Param({"add_to_cart", "purchase", "page_view", "ga4_add_3_items", "segment_track"})
    public String kind;

    final ClickEventParser parser = new ClickEventParser();
    byte[] key;
    byte[] value;
    long recordTimestamp;

    @Setup
    public void record() throws InvalidRecordException {
      // An hour ago: the parsers refuse event times in the future.
      recordTimestamp = System.currentTimeMillis() - 3_600_000L;
      key = bytes("c-42");
      value =
          bytes(
              clickRecord(kind, recordTimestamp, Instant.ofEpochMilli(recordTimestamp).toString()));
      // A record that does not parse would measure the dead-letter path instead.
      parser.parse(key, value, recordTimestamp);
    }
  }

  /** A profile upsert of a consenting French contact. */
  @State(Scope.Thread)
  public static class Profile {
    final ContactProfileParser parser = new ContactProfileParser();
    byte[] key;
    byte[] value;
    long recordTimestamp;

    @Setup
    public void record() throws InvalidRecordException {
      recordTimestamp = System.currentTimeMillis() - 3_600_000L;
      key = bytes("c-42");
      value =
          bytes(
              "{\"contact_id\":\"c-42\",\"phone_number\":\"06 12 34 56 78\","
                  + "\"whatsapp_code\":\"33\",\"whatsapp_consent\":true,\"first_name\":\"Anna\","
                  + "\"language\":\"fr\",\"updated_at\":\""
                  + Instant.ofEpochMilli(recordTimestamp)
                  + "\"}");
      parser.parse(key, value, recordTimestamp);
    }
  }

  static String clickRecord(String kind, long at, String iso) {
    switch (kind) {
      case "add_to_cart":
        return "{\"event_id\":\"e-1001\",\"type\":\"add_to_cart\",\"contact_id\":\"c-42\","
            + "\"timestamp\":"
            + at
            + ",\"cart_id\":\"k-9\",\"cart_url\":\"https://shop.example/cart/k-9\","
            + "\"product\":{\"id\":\"sku-1\",\"name\":\"Trail shoe\",\"quantity\":1}}";
      case "purchase":
        return "{\"event_id\":\"e-1002\",\"type\":\"purchase\",\"contact_id\":\"c-42\","
            + "\"timestamp\":"
            + at
            + ",\"cart_id\":\"k-9\",\"transaction_id\":\"T_12345\"}";
      case "page_view":
        return "{\"event_id\":\"e-1003\",\"type\":\"page_view\",\"contact_id\":\"c-42\","
            + "\"timestamp\":"
            + at
            + ",\"page_url\":\"https://shop.example/products/trail-shoe\"}";
      case "ga4_add_3_items":
        return "{\"event_id\":\"e-1004\",\"type\":\"add_to_cart\",\"contact_id\":\"c-42\","
            + "\"timestamp\":"
            + at
            + ",\"cart_id\":\"k-9\",\"cart_url\":\"https://shop.example/cart/k-9\","
            + "\"currency\":\"EUR\",\"value\":142.5,\"items\":["
            + "{\"item_id\":\"SKU_1\",\"item_name\":\"Trail shoe\",\"price\":89.9,\"quantity\":1},"
            + "{\"item_id\":\"SKU_2\",\"item_name\":\"Running socks\",\"price\":12.0,\"quantity\":2},"
            + "{\"item_id\":\"SKU_3\",\"item_name\":\"Water bottle\",\"price\":28.6,\"quantity\":1}"
            + "]}";
      case "segment_track":
        return "{\"type\":\"track\",\"event\":\"Product Added\",\"userId\":\"c-42\","
            + "\"messageId\":\"m-1005\",\"timestamp\":\""
            + iso
            + "\",\"properties\":{\"cart_id\":\"k-9\",\"cart_url\":\"https://shop.example/cart/k-9\","
            + "\"product_id\":\"507f1f77bcf86cd799439011\",\"sku\":\"G-32\","
            + "\"name\":\"Trail shoe\",\"price\":89.9,\"quantity\":1}}";
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public Parsed<ClickEvent> clickEvent(Click c) throws InvalidRecordException {
    return c.parser.parse(c.key, c.value, c.recordTimestamp);
  }

  @Benchmark
  public Parsed<ContactProfile> contactProfile(Profile p) throws InvalidRecordException {
    return p.parser.parse(p.key, p.value, p.recordTimestamp);
  }
}
