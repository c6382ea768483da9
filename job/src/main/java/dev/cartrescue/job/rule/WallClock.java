package dev.cartrescue.job.rule;

import java.io.Serializable;

/** The wall clock, for the one wall-clock rule (stale); tests pass their own. */
@FunctionalInterface
public interface WallClock extends Serializable {
  long millis();

  static WallClock system() {
    return System::currentTimeMillis;
  }
}
