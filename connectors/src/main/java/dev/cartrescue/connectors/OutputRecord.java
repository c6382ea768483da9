package dev.cartrescue.connectors;

import java.util.Objects;

/** One record to write: a topic, a key, a JSON value. Flink POJO. */
public class OutputRecord {

  public String topic;
  public String key;
  public String value;

  public OutputRecord() {}

  public OutputRecord(String topic, String key, String value) {
    this.topic = topic;
    this.key = key;
    this.value = value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputRecord other
        && Objects.equals(topic, other.topic)
        && Objects.equals(key, other.key)
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, key, value);
  }

  @Override
  public String toString() {
    return "OutputRecord[" + topic + ", " + key + ", " + value + "]";
  }
}
