package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.sinks.whatsapp.AuthPause.Released;
import org.junit.jupiter.api.Test;

class AuthPauseTest {

  private final AuthPause<String> pause = new AuthPause<>();

  @Test
  void holdsNothingUntilATokenIsRefused() {
    assertThat(pause.holdIfPaused("a", 0)).isFalse();
    assertThat(pause.isPaused()).isFalse();
    assertThat(pause.heldCount()).isZero();
  }

  @Test
  void theFirstRefusalStartsThePauseAndLaterOnesJoinIt() {
    assertThat(pause.pause("a", 10)).isTrue();
    assertThat(pause.pause("b", 20)).isFalse();
    assertThat(pause.holdIfPaused("c", 30)).isTrue();

    assertThat(pause.isPaused()).isTrue();
    assertThat(pause.heldCount()).isEqualTo(3);
    assertThat(pause.pausedNanos(110)).isEqualTo(100);
    assertThat(pause.heldNanos("b", 110)).isEqualTo(90);
    assertThat(pause.heldNanos("d", 110)).isZero();
  }

  @Test
  void resumingReleasesEveryHeldSendOldestFirstWithHowLongItWaited() {
    pause.pause("a", 10);
    pause.holdIfPaused("b", 20);

    assertThat(pause.resume(100)).containsExactly(new Released<>("a", 90), new Released<>("b", 80));
    assertThat(pause.isPaused()).isFalse();
    assertThat(pause.holdIfPaused("c", 110)).isFalse();
  }

  @Test
  void letsOneProbeGoPerIntervalAndOnlyOneAtATime() {
    pause.pause("a", 0);
    pause.holdIfPaused("b", 0);

    assertThat(pause.probe(50, 100)).isNull();
    assertThat(pause.probe(100, 100)).isEqualTo(new Released<>("a", 100));
    assertThat(pause.probe(500, 100)).as("a probe is out").isNull();

    // Refused again: it is held once more and the next probe waits for the interval.
    assertThat(pause.pause("a", 600)).isFalse();
    assertThat(pause.probe(650, 100)).isNull();
    assertThat(pause.probe(700, 100)).isEqualTo(new Released<>("b", 700));
  }
}
