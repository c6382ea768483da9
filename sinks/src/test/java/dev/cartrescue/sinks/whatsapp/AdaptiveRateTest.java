package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdaptiveRateTest {

  private static final long SECOND = 1_000_000_000L;

  private final AdaptiveRate rate = new AdaptiveRate(80);

  @Test
  void sendsAtTheConfiguredRateUntilThrottled() {
    assertThat(rate.perSecond(0)).isEqualTo(80);
    assertThat(rate.perSecond(100 * SECOND)).isEqualTo(80);
  }

  @Test
  void halvesTheRateOnAThroughputError() {
    assertThat(rate.throttled(0, SECOND)).isTrue();

    assertThat(rate.perSecond(SECOND)).isEqualTo(40);
  }

  @Test
  void answersToRequestsSentBeforeTheSlowdownDoNotSlowItDownAgain() {
    rate.throttled(0, SECOND);

    assertThat(rate.throttled(SECOND / 2, SECOND + 1)).isFalse();
    assertThat(rate.perSecond(SECOND + 1)).isCloseTo(40, within(0.01));
    assertThat(rate.throttled(SECOND + 2, SECOND + 3)).isTrue();
    assertThat(rate.perSecond(SECOND + 3)).isCloseTo(20, within(0.01));
  }

  @Test
  void neverGoesBelowATenthOfTheConfiguredRate() {
    for (int i = 1; i <= 10; i++) {
      rate.throttled(i * 10L, i * 10L + 1);
    }

    assertThat(rate.perSecond(101)).isCloseTo(8, within(0.01));
  }

  @Test
  void recoversByFivePercentOfTheRatePerSecond() {
    rate.throttled(0, 0);

    assertThat(rate.perSecond(SECOND)).isCloseTo(44, within(0.01));
    assertThat(rate.perSecond(5 * SECOND)).isCloseTo(60, within(0.01));
    assertThat(rate.perSecond(10 * SECOND)).isEqualTo(80);
    assertThat(rate.perSecond(60 * SECOND)).isEqualTo(80);
  }
}
