package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.sinks.whatsapp.RecipientSpacing.Reservation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecipientSpacingTest {

  private static final String ANNA = "+33612345678";
  private static final String BEN = "+4915112345678";
  private static final long SECOND = 1_000_000_000L;

  private final RecipientSpacing spacing = new RecipientSpacing();

  @Test
  void keepsANumberForSixSecondsAndAFewPercentAfterAStart() {
    spacing.reserve(ANNA, 0);

    assertThat(spacing.spacing()).isEqualTo(Duration.ofMillis(6300));
    assertThat(spacing.waitNanos(ANNA, SECOND)).isEqualTo(5_300_000_000L);
    assertThat(spacing.waitNanos(ANNA, 6_300_000_000L)).isZero();
  }

  @Test
  void otherNumbersAndMessagesWithoutANumberNeverWait() {
    spacing.reserve(ANNA, 0);

    assertThat(spacing.waitNanos(BEN, 1)).isZero();
    assertThat(spacing.waitNanos(null, 1)).isZero();
    assertThat(spacing.reserve(null, 1)).isNull();
  }

  @Test
  void aRefusedRequestGivesTheNumberBackToItsEarlierReservation() {
    spacing.reserve(ANNA, 0);
    Reservation second = spacing.reserve(ANNA, 3 * SECOND);

    spacing.release(second);

    assertThat(spacing.waitNanos(ANNA, 3 * SECOND)).isPositive();
    assertThat(spacing.waitNanos(ANNA, 7 * SECOND)).isZero();
    Reservation only = spacing.reserve(BEN, 0);
    spacing.release(only);
    assertThat(spacing.waitNanos(BEN, 1)).isZero();
    assertThat(spacing.size()).isEqualTo(1);
  }

  @Test
  void aLateReleaseDoesNotUndoALaterReservation() {
    Reservation first = spacing.reserve(ANNA, 0);
    spacing.reserve(ANNA, 7 * SECOND);

    spacing.release(first);

    assertThat(spacing.waitNanos(ANNA, 8 * SECOND)).isPositive();
  }

  @Test
  void forgetsNumbersWhoseTimeHasPassed() {
    for (int i = 0; i < 2000; i++) {
      spacing.reserve("+3361234" + i, 0);
    }
    spacing.reserve(ANNA, 10 * SECOND);

    assertThat(spacing.size()).isEqualTo(1);
    assertThat(spacing.waitNanos(ANNA, 11 * SECOND)).isPositive();
  }

  @Test
  void aNumberReservedAgainIsForgottenOnlyOnceItsNewTimeHasPassed() {
    String bea = "+33698765432";
    spacing.reserve(ANNA, 0);
    spacing.reserve(bea, SECOND);
    spacing.reserve(ANNA, 7 * SECOND);

    spacing.reserve("+33611111111", 8 * SECOND);

    assertThat(spacing.size()).isEqualTo(2);
    assertThat(spacing.waitNanos(ANNA, 8 * SECOND)).isPositive();
    assertThat(spacing.waitNanos(bea, 8 * SECOND)).isZero();
  }
}
