package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

  private final RetryBackoff backoff =
      new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Test
  void doublesFromTheInitialDelayUpToTheMaximum() {
    assertThat(backoff.delay(1, 130429, 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delay(2, 130429, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delay(3, null, 0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delay(6, 131000, 0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(500, 131000, 0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void addsUpToHalfTheDelayAsJitterNeverLess() {
    assertThat(backoff.delay(2, 130429, 0.999))
        .isGreaterThan(Duration.ofMillis(2_990))
        .isLessThan(Duration.ofSeconds(3));
    assertThat(backoff.delay(2, 130429, 0.5)).isEqualTo(Duration.ofMillis(2_500));
  }

  @Test
  void waitsFourToThePowerOfTheRetryAfterThePairRateLimit() {
    assertThat(backoff.delay(1, 131056, 0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delay(2, 131056, 0)).isEqualTo(Duration.ofSeconds(16));
    assertThat(backoff.delay(3, 131056, 0)).isEqualTo(Duration.ofSeconds(64));
  }
}
