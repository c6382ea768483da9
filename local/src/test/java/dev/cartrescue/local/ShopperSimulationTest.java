package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShopperSimulationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
  private static final List<Population.Contact> CONTACTS = Population.of(42, START).contacts();

  @Test
  void theSameSeedGivesTheSameShoppers() {
    assertThat(play(7, Duration.ofMinutes(2))).isEqualTo(play(7, Duration.ofMinutes(2)));
    assertThat(play(7, Duration.ofMinutes(2))).isNotEqualTo(play(8, Duration.ofMinutes(2)));
  }

  @Test
  void shoppersBrowseAddRemoveAndBuy() {
    Map<String, Long> types =
        readable(play(1, Duration.ofMinutes(10))).stream()
            .collect(Collectors.groupingBy(e -> e.get("type").asText(), Collectors.counting()));
    assertThat(types).containsKeys("page_view", "add_to_cart", "remove_from_cart", "purchase");
    assertThat(types.get("purchase")).isLessThan(types.get("add_to_cart") / 2);
  }

  @Test
  void sessionsStartAtTheAskedRate() {
    // About 3 sessions a second over ten minutes, each with at least one page view.
    long pageViews =
        readable(play(1, Duration.ofMinutes(10))).stream()
            .filter(e -> e.get("type").asText().equals("page_view"))
            .count();
    assertThat(pageViews).isGreaterThan(3 * 600);
  }

  @Test
  void cartEventsCarryWhatTheMessageNeeds() {
    for (JsonNode add :
        readable(play(1, Duration.ofMinutes(2))).stream()
            .filter(e -> e.get("type").asText().equals("add_to_cart"))
            .toList()) {
      assertThat(add.get("cart_id").asText()).startsWith("k-");
      assertThat(add.get("cart_url").asText()).endsWith(add.get("cart_id").asText());
      assertThat(add.at("/product/name").asText()).isNotBlank();
      assertThat(add.at("/product/price").isNumber()).isTrue();
    }
  }

  @Test
  void aboutOneRecordInAHundredIsBroken() {
    List<KeyedRecord> records = play(1, Duration.ofMinutes(10));
    long broken = records.size() - readable(records).size();
    assertThat(broken).isBetween(records.size() / 300L, records.size() / 30L);
  }

  @Test
  void eachContactsClicksAreInTimeOrder() {
    Map<String, List<Long>> times =
        readable(play(1, Duration.ofMinutes(5))).stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.get("contact_id").asText(),
                    Collectors.mapping(ShopperSimulationTest::timestamp, Collectors.toList())));
    times.forEach((contact, list) -> assertThat(list).as(contact).isSorted());
  }

  /** Plays the simulation as the generator does, with the wall clock at START + its clock. */
  private static List<KeyedRecord> play(long seed, Duration length) {
    ShopperSimulation simulation = new ShopperSimulation(CONTACTS, 3, seed);
    List<KeyedRecord> records = new ArrayList<>();
    while (simulation.nextDue() <= length.toMillis()) {
      long due = simulation.nextDue();
      records.addAll(simulation.runUntil(due, START + due));
    }
    return records;
  }

  /** The records the job can read: JSON with a contact and a timestamp it understands. */
  private static List<JsonNode> readable(List<KeyedRecord> records) {
    List<JsonNode> events = new ArrayList<>();
    for (KeyedRecord r : records) {
      try {
        JsonNode e = JSON.readTree(r.value());
        if (e.hasNonNull("contact_id") && timestamp(e) > 0) {
          events.add(e);
        }
      } catch (IOException | RuntimeException unreadable) {
        // A broken record, on purpose.
      }
    }
    return events;
  }

  private static long timestamp(JsonNode event) {
    JsonNode t = event.get("timestamp");
    return t.isNumber() ? t.asLong() : Instant.parse(t.asText()).toEpochMilli();
  }
}
