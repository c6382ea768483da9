package dev.cartrescue.connectors;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

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

  /**
   * Flink's type for {@code Parsed<T>}: a POJO (never Kryo) whose value has the given type. The
   * same as {@code new TypeHint<Parsed<T>>() {}.getTypeInfo()}, for callers that hold only the
   * value's type.
   */
  public static <T> TypeInformation<Parsed<T>> typeInfo(TypeInformation<T> valueType) {
    Map<String, TypeInformation<?>> fields = new HashMap<>();
    fields.put("value", valueType);
    fields.put("deadLetter", Types.POJO(DeadLetter.class));
    fields.put("eventTime", Types.LONG);
    @SuppressWarnings("unchecked") // Flink's POJO type is built on the raw class.
    TypeInformation<Parsed<T>> type =
        (TypeInformation<Parsed<T>>) (TypeInformation<?>) Types.POJO(Parsed.class, fields);
    return type;
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
