package dev.cartrescue.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import dev.cartrescue.job.config.OptionsException;
import dev.cartrescue.local.bench.BenchOptions.Measure;
import dev.cartrescue.local.bench.SenderBench.Figures;
import dev.cartrescue.local.bench.SenderBench.Latencies;
import dev.cartrescue.local.bench.SenderBench.Sample;
import dev.cartrescue.testkit.cloudapi.ReceivedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./cart-rescue bench --measure sender} without a broker or a job: its options, its input,
 * and the figures it computes from what the simulator saw. Nothing here is timed.
 */
class SenderBenchTest {
  private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  @Test
  void senderOptionsHaveTheirDefaults() {
    BenchOptions o = BenchOptions.parse("--measure", "sender");

    assertThat(o.measure()).isEqualTo(Measure.SENDER);
    assertThat(o.rateLimit()).isEqualTo(80);
    assertThat(o.sendFor()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.idleAdvance()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.latency()).isEqualTo(Duration.ofMillis(200));
    assertThat(o.carts()).isEqualTo(2400);
    assertThat(BenchOptions.parse().measure()).isEqualTo(Measure.THROUGHPUT);
  }

  @Test
  void senderOptionsAreRead() {
    BenchOptions o =
        BenchOptions.parse(
            "--measure=sender",
            "--rate-limit",
            "1_000",
            "--send-for",
            "pt20s",
            "--idle-advance",
            "PT2S",
            "--latency",
            "PT0.05S");

    assertThat(o.rateLimit()).isEqualTo(1000);
    assertThat(o.sendFor()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.idleAdvance()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.latency()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.carts()).isEqualTo(20_000);
  }

  @Test
  void optionsOfTheOtherMeasureOrOutOfRangeAreRefusedWithOneLine() {
    assertRefused("option --measure: throughput or sender", "--measure", "speed");
    assertRefused(
        "option --contacts: not with --measure sender", "--measure", "sender", "--contacts", "9");
    assertRefused(
        "option --rounds: not with --measure sender", "--measure", "sender", "--rounds", "2");
    assertRefused("option --rate-limit: only with --measure sender", "--rate-limit", "80");
    assertRefused("option --send-for: only with --measure sender", "--send-for", "PT1M");
    assertRefused(
        "option --rate-limit: a positive integer", "--measure", "sender", "--rate-limit", "0");
    assertRefused(
        "option --rate-limit: a positive integer", "--measure", "sender", "--rate-limit", "8.5");
    assertRefused(
        "option --send-for: an ISO-8601 duration", "--measure", "sender", "--send-for", "30s");
    assertRefused(
        "option --send-for: from PT1S to PT10M", "--measure", "sender", "--send-for", "PT0.5S");
    assertRefused(
        "option --idle-advance: must be positive", "--measure", "sender", "--idle-advance", "PT0S");
    assertRefused("option --sender needs a value", "--measure", "sender", "--sender");
  }

  @Test
  void everyCartFallsDueAtTheRateInTimestampOrderOnePerContact() throws Exception {
    List<Long> times = new ArrayList<>();
    List<String> contacts = new ArrayList<>();
    BenchData.Made made =
        BenchData.carts(
            160,
            T0,
            80,
            (contact, timestamp, json) -> {
              times.add(timestamp);
              contacts.add(contact);
              assertThat(json)
                  .contains("\"type\":\"add_to_cart\"")
                  .contains("\"contact_id\":\"" + contact + "\"")
                  .contains("\"timestamp\":\"" + Instant.ofEpochMilli(timestamp) + "\"");
            });

    assertThat(made.addToCarts()).isEqualTo(160);
    assertThat(made.abandonedCarts()).isEqualTo(160);
    assertThat(made.purchases() + made.pageViews()).isZero();
    assertThat(contacts).doesNotHaveDuplicates().hasSize(160);
    assertThat(times).isSorted();
    long abandonAfter = BenchData.ABANDON_AFTER.toMillis();
    assertThat(times.get(0) + abandonAfter).isEqualTo(T0);
    assertThat(times.get(80) + abandonAfter).isEqualTo(T0 + 1000);
    assertThat(BenchData.deadline(T0, 159, 80)).isEqualTo(T0 + 1987);
    assertThat(made.lastTimestamp() + abandonAfter).isEqualTo(BenchData.deadline(T0, 159, 80));
  }

  @Test
  void theNumberTheBenchExpectsIsTheE164FormOfTheProfilesNumber() throws Exception {
    PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    for (int i : new int[] {0, 7, 10_000_000}) {
      assertThat(BenchData.phoneE164(i))
          .isEqualTo(
              phones.format(phones.parse(BenchData.phoneNumber(i), "FR"), PhoneNumberFormat.E164));
    }
  }

  @Test
  void percentilesAreNearestRank() {
    List<Long> oneToHundred = LongStream.rangeClosed(1, 100).boxed().toList();
    assertThat(Latencies.of(oneToHundred)).isEqualTo(new Latencies(50, 99, 100));
    List<Long> oneToThousand = LongStream.rangeClosed(1, 1000).boxed().toList();
    assertThat(Latencies.of(oneToThousand)).isEqualTo(new Latencies(500, 990, 1000));
    assertThat(Latencies.of(List.of(300L, 100L, 200L))).isEqualTo(new Latencies(200, 300, 300));
    assertThat(Latencies.of(List.of(7L))).isEqualTo(new Latencies(7, 7, 7));
    assertThat(Latencies.of(List.of())).isEqualTo(new Latencies(0, 0, 0));
  }

  @Test
  void figuresCountTheRateTheRefusalsAndEachDelayFromTheSimulatorsRequests() {
    // 400 messages at 80 a second, each 15 s after its deadline; event time passes each deadline
    // 12 s after it (samples every 100 ms), and the JVM uses a quarter of a core until the first
    // message, then half a core; two refused for throughput, one for something else.
    Map<String, Long> deadlines = new HashMap<>();
    List<ReceivedRequest> requests = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long deadline = BenchData.deadline(T0, i, 80);
      deadlines.put(BenchData.phoneE164(i), deadline);
      requests.add(accepted(deadline + 15_000, BenchData.phoneE164(i)));
      if (i == 10 || i == 20) {
        requests.add(refused(deadline + 15_000, 130429));
      }
    }
    requests.add(refused(T0 + 20_000, 131026));
    List<Sample> samples = new ArrayList<>();
    long firstMessage = T0 + 15_000;
    for (long wall = T0 - 60_000; wall < T0 + 30_000; wall += 100) {
      long cpu =
          wall <= firstMessage
              ? (wall - T0) * 1_000_000 / 4
              : (firstMessage - T0) * 1_000_000 / 4 + (wall - firstMessage) * 1_000_000 / 2;
      samples.add(new Sample(wall, wall - 12_000, cpu));
    }

    Figures f = Figures.of(requests, deadlines, samples);

    assertThat(f.sent()).isEqualTo(400);
    assertThat(f.achievedPerSecond()).isCloseTo(80, within(0.5));
    assertThat(f.throughputErrors()).isEqualTo(2);
    assertThat(f.otherErrors()).isEqualTo(1);
    assertThat(f.perBucket()).containsExactly(400L);
    assertThat(f.coresBefore()).isCloseTo(0.25, within(0.001));
    assertThat(f.coresSending()).isCloseTo(0.5, within(0.001));
    assertThat(f.fromDeadline()).isEqualTo(new Latencies(15_000, 15_000, 15_000));
    assertThat(f.eventTime().p50()).isBetween(12_000L, 12_100L);
    assertThat(f.eventTime().max()).isBetween(12_000L, 12_100L);
    assertThat(f.afterEventTime().max()).isBetween(2_900L, 3_000L);
  }

  @Test
  void theLastLineHasTheDocumentedShape() {
    BenchOptions o = BenchOptions.parse("--measure", "sender", "--send-for", "PT1S");
    Figures f =
        new Figures(
            80,
            76.2,
            0,
            0,
            List.of(80L),
            0.9,
            1.2,
            new Latencies(15_000, 19_500, 20_100),
            new Latencies(14_000, 19_000, 19_900),
            new Latencies(300, 900, 1_200));
    SenderBench.Report report = new SenderBench.Report(o, Map.of("sent", 80L), f);

    assertThat(report.lastLine())
        .isEqualTo(
            "bench: sender rate_limit=80 latency_ms=200 sent=80 achieved_mps=76 err_130429=0"
                + " p50_ms=15000 p99_ms=19500 max_ms=20100");
    assertThat(report.outcomesAsExpected()).isTrue();
    assertThat(new SenderBench.Report(o, Map.of("sent", 79L), f).outcomesAsExpected()).isFalse();
  }

  private static ReceivedRequest accepted(long at, String to) {
    return new ReceivedRequest(
        Instant.ofEpochMilli(at),
        "/v24.0/106540352242922/messages",
        200,
        JsonNodeFactory.instance.objectNode().put("to", to),
        null);
  }

  private static ReceivedRequest refused(long at, int code) {
    return new ReceivedRequest(
        Instant.ofEpochMilli(at),
        "/v24.0/106540352242922/messages",
        400,
        JsonNodeFactory.instance.objectNode().put("to", "+33600000000"),
        code);
  }

  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> BenchOptions.parse(args))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith(message);
  }
}
