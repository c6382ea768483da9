package dev.cartrescue.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./cart-rescue bench} at a tiny size: it ends, every abandoned cart the generator made has
 * its one outcome, and the last line has the documented shape. Speed is never asserted.
 */
class BenchTest {
  private static final Pattern LAST_LINE =
      Pattern.compile(
          "bench: mix=(worst|realistic) contacts=\\d+ events=\\d+ job_eps=\\d+ passthrough_eps=\\d+"
              + " ratio=\\d+\\.\\d+ state_bytes_per_contact=\\d+");

  @TempDir Path temp;

  @Test
  void tinyBenchEndsWithOneStaleOutcomePerAbandonedCart() throws Exception {
    BenchOptions options =
        BenchOptions.parse(
            "--contacts", "200",
            "--events", "2000",
            "--mix", "realistic",
            "--work-dir", temp.resolve("bench").toString());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Bench.Report report =
        Bench.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(report.made().clickEvents()).isEqualTo(2000);
    assertThat(report.made().abandonedCarts()).isPositive();
    assertThat(report.rounds()).hasSize(1);
    long outcomes =
        report.rounds().get(0).outcomes().values().stream().mapToLong(Long::longValue).sum();
    assertThat(outcomes).isEqualTo(report.made().abandonedCarts());
    assertThat(report.outcomesAsExpected()).isTrue();
    assertThat(report.lastLine()).matches(LAST_LINE);
    assertThat(report.lastLine()).contains("mix=realistic contacts=200 events=2000 ");
  }

  @Test
  void theGeneratorCountsItsAbandonedCartsAndKeepsTimeInOrder() {
    BenchData data = new BenchData(50, 1000, 0.8, 7);
    List<long[]> seen = new ArrayList<>();
    long[] abandonedByHand = new long[1];
    BenchData.Made made =
        data.generate(
            0,
            (contact, timestamp, json) -> {
              seen.add(new long[] {timestamp});
              assertThat(json).contains("\"contact_id\":\"" + contact + "\"");
            });
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)[0]).isGreaterThanOrEqualTo(seen.get(i - 1)[0]);
    }
    abandonedByHand[0] = made.abandonedCarts();
    assertThat(made.clickEvents()).isEqualTo(1000);
    assertThat(made.pageViews()).isBetween(750L, 850L);
    assertThat(made.addToCarts() + made.purchases() + made.pageViews()).isEqualTo(1000);
    assertThat(abandonedByHand[0]).isPositive().isLessThanOrEqualTo(made.addToCarts());
  }

  @Test
  void everyContactHasAValidFrenchMobileNumber() throws Exception {
    PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    for (int i : new int[] {0, 1, 9_999_999, 10_000_000, 79_999_999}) {
      assertThat(phones.isValidNumber(phones.parse(BenchData.phoneNumber(i), "FR")))
          .as(BenchData.phoneNumber(i))
          .isTrue();
    }
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    String usage = BenchOptions.usage();
    for (String option :
        List.of(
            "--contacts N",
            "--events N",
            "--mix",
            "--rounds N",
            "--latency",
            "--managed-memory",
            "--profile",
            "--work-dir",
            "--seed",
            "--measure",
            "--rate-limit N",
            "--send-for D",
            "--idle-advance D")) {
      assertThat(usage).contains(option);
    }
    assertThat(usage).contains("default 2000)").contains("default 20000)");
    assertThat(usage).contains("(default 80)").contains("(default PT30S)").contains("default PT1S");
    assertThat(usage).contains("bench: sender rate_limit=N latency_ms=N sent=N achieved_mps=N");
  }
}
