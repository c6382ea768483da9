package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

  @Test
  void theProgressLineListsReasonsInTheOrderTheRuleChecksThem() {
    DemoSummary summary =
        new DemoSummary(
            41,
            12,
            27,
            2,
            Map.of("capped", 4L, "recent_purchase", 9L, "stale", 14L),
            3,
            10,
            7,
            1,
            2);
    assertThat(summary.progressLine(Duration.ofSeconds(35)))
        .isEqualTo(
            "[00:35] carts 41 | sent 12 | suppressed 27 (recent_purchase 9, capped 4, stale 14)"
                + " | failed 2 | dead letters 3 | delivered 10 | read 7 | opt-outs 1 | hand-offs 2");
  }

  @Test
  void theProgressLineLeavesOutReasonsWhenNothingWasSuppressed() {
    assertThat(
            new DemoSummary(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0)
                .progressLine(Duration.ofSeconds(65)))
        .isEqualTo(
            "[01:05] carts 0 | sent 0 | suppressed 0 | failed 0 | dead letters 0"
                + " | delivered 0 | read 0 | opt-outs 0 | hand-offs 0");
  }

  @Test
  void theSummaryLineIsTheContracts() {
    assertThat(new DemoSummary(5, 2, 2, 1, Map.of("capped", 2L), 1, 2, 1, 1, 1).line())
        .isEqualTo(
            "demo summary: carts=5 sent=2 suppressed=2 failed=1 delivered=2 read=1 optouts=1"
                + " handoffs=1");
  }

  @Test
  void theClockShowsHoursAfterAnHour() {
    assertThat(DemoSummary.clock(Duration.ofSeconds(3725))).isEqualTo("1:02:05");
  }
}
