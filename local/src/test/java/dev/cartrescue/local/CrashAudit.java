package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.testkit.KafkaBroker;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a run with crashes came to, counted from the outside: messages per cart in the Cloud API
 * simulator, outcomes per cart in the outcomes topic (read committed), capping events against
 * {@code sent} outcomes. A message sent twice is <i>in the window</i> when its first copy was
 * accepted at most {@code window} before a crash: its answer, or the ledger write that follows it,
 * could still be on its way when the crash came; or during a Kafka outage that ended in a restart
 * of the job (the ledger writes waiting for the broker die with the job).
 */
final class CrashAudit {
  static final String OUTCOMES = "cart-recovery-outcomes";
  static final String CAPPING = "whatsapp-cart-recovery-capping";
  private static final ObjectMapper JSON = new ObjectMapper();

  final int carts;
  final int messages;
  final int outcomes;
  final int duplicates;
  final int inWindow;
  final int inOutages;
  final long widestWindowMillis;
  final int losses;
  final int doubleOutcomes;
  final Set<String> sentIds = new HashSet<>();
  final Set<String> cappedIds = new HashSet<>();
  final Map<String, Integer> sendsPerCart = new HashMap<>();

  /** A time during which an accepted message's ledger write may have been lost. */
  record Span(Instant from, Instant to) {
    boolean holds(Instant t) {
      return !t.isBefore(from) && !t.isAfter(to);
    }
  }

  /**
   * Counts, and keeps the simulator's log ({@code received.tsv}) and the crashes in {@code dir}; a
   * repeat whose first copy was accepted in one of {@code outages} is in the window.
   */
  CrashAudit(
      int carts,
      CloudApiSimulator cloudApi,
      KafkaBroker kafka,
      List<Instant> crashes,
      Duration window,
      List<Span> outages,
      Path dir)
      throws Exception {
    this.carts = carts;
    StringBuilder received = new StringBuilder();
    Map<String, Instant> firstSend = new HashMap<>();
    int repeatsInWindow = 0;
    int repeatsInOutages = 0;
    long widest = 0;
    List<ReceivedMessage> all = cloudApi.received();
    for (ReceivedMessage m : all) {
      String cart = m.body().path("biz_opaque_callback_data").asText();
      if (sendsPerCart.merge(cart, 1, Integer::sum) == 1) {
        firstSend.put(cart, m.at());
      } else {
        Instant first = firstSend.get(cart);
        boolean counted = false;
        for (Instant crash : crashes) {
          long before = Duration.between(first, crash).toMillis();
          if (before >= 0 && before <= window.toMillis()) {
            repeatsInWindow++;
            widest = Math.max(widest, before);
            counted = true;
            break;
          }
        }
        if (!counted && outages.stream().anyMatch(o -> o.holds(first))) {
          repeatsInWindow++;
          repeatsInOutages++;
        }
      }
      received.append(m.at()).append('\t').append(cart).append('\t').append(m.messageId());
      received.append('\n');
    }
    Files.writeString(dir.resolve("received.tsv"), received);
    Files.writeString(dir.resolve("crashes.txt"), crashes.toString());
    messages = all.size();
    inWindow = repeatsInWindow;
    inOutages = repeatsInOutages;
    widestWindowMillis = widest;
    duplicates = sendsPerCart.values().stream().mapToInt(n -> n - 1).filter(n -> n > 0).sum();
    Map<String, List<JsonNode>> byCart = outcomesByCart(kafka);
    outcomes = byCart.size();
    losses = carts - byCart.size();
    doubleOutcomes = byCart.values().stream().mapToInt(l -> l.size() - 1).filter(n -> n > 0).sum();
    byCart
        .values()
        .forEach(
            l ->
                l.stream()
                    .filter(o -> o.get("outcome").asText().equals("sent"))
                    .forEach(o -> sentIds.add(o.get("message_id").asText())));
    for (ConsumerRecord<String, String> r : kafka.readAll(CAPPING)) {
      cappedIds.add(JSON.readTree(r.value()).get("message_id").asText());
    }
  }

  /** The outcomes topic, read committed, by cart id. */
  static Map<String, List<JsonNode>> outcomesByCart(KafkaBroker kafka) throws Exception {
    Map<String, List<JsonNode>> byCart = new HashMap<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(OUTCOMES)) {
      JsonNode o = JSON.readTree(r.value());
      byCart.computeIfAbsent(o.get("cart_id").asText(), c -> new ArrayList<>()).add(o);
    }
    return byCart;
  }

  /** Waits up to two minutes for an outcome of every cart, then a little more for strays. */
  static void awaitOutcomes(KafkaBroker kafka, int carts) throws Exception {
    long until = System.currentTimeMillis() + 120_000;
    while (outcomesByCart(kafka).size() < carts && System.currentTimeMillis() < until) {
      Thread.sleep(1000);
    }
    Thread.sleep(3000);
  }

  /** The figures, for the test's output line. */
  String figures() {
    return "carts=%d messages=%d outcomes=%d duplicates=%d (in the window: %d, first copy at most %d ms before the crash; %d during a Kafka outage) losses=%d double-outcomes=%d capping=%d"
        .formatted(
            carts,
            messages,
            outcomes,
            duplicates,
            inWindow,
            widestWindowMillis,
            inOutages,
            losses,
            doubleOutcomes,
            cappedIds.size());
  }

  /**
   * Every cart exactly one outcome, every eligible cart sent (once, but within the window), one
   * capping event per sent message.
   */
  void assertEveryCartSentOnceWithOneOutcome() {
    assertThat(losses).as("carts without an outcome").isZero();
    assertThat(doubleOutcomes).as("carts with two outcomes").isZero();
    assertThat(duplicates - inWindow).as("messages sent twice outside the window").isZero();
    assertThat(sendsPerCart).hasSize(carts);
    assertThat(cappedIds).isEqualTo(sentIds);
  }
}
