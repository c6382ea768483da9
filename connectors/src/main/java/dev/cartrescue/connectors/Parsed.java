package dev.cartrescue.connectors;

import java.util.Objects;

/** An input record: a parsed value with its event time, or a dead letter. */
public class Parsed<T> {

  public T value;
  public DeadLetter deadLetter;
  public long eventTime;

  public Parsed() {}

  public static <T> Parsed<T> of(T value, long eventTime) {
    Parsed<T> parsed = new Parsed<>();
    parsed.value = Objects.requireNonNull(value, "value");
    parsed.eventTime = eventTime;
    return parsed;
  }

  public static <T> Parsed<T> dead(DeadLetter deadLetter) {
    Parsed<T> parsed = new Parsed<>();
    parsed.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter");
    return parsed;
  }

  public boolean isValid() {
    return deadLetter == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parsed<?> other
        && eventTime == other.eventTime
        && Objects.equals(value, other.value)
        && Objects.equals(deadLetter, other.deadLetter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value, deadLetter, eventTime);
  }

  @Override
  public String toString() {
    return isValid() ? "Parsed[" + value + " at " + eventTime + "]" : "Parsed[" + deadLetter + "]";
  }
}
