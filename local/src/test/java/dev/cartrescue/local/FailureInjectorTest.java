package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureInjectorTest {

  @Test
  void theFirstFailureComesEarlyThenTheShareHolds() {
    assertThat(FailureInjector.due(2, 3, 0.02)).isZero();
    assertThat(FailureInjector.due(3, 3, 0.02)).isEqualTo(1);
    assertThat(FailureInjector.due(52, 3, 0.02)).isEqualTo(1);
    assertThat(FailureInjector.due(53, 3, 0.02)).isEqualTo(2);
    assertThat(FailureInjector.due(1003, 3, 0.02)).isEqualTo(21);
  }

  @Test
  void aRateOfZeroFailsNothing() {
    assertThat(FailureInjector.due(1_000_000, 3, 0)).isZero();
  }
}
