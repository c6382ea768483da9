package dev.cartrescue.connectors;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/** Where and how to reach Kafka: the same for every source, sink and admin call of a job. */
public final class KafkaSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Where a source starts when the job starts without a checkpoint. */
  public enum StartingOffsets {
    /** The consumer group's committed offsets; the earliest where the group has none. */
    COMMITTED,
    EARLIEST,
    LATEST
  }

  private final String bootstrapServers;
  private final String groupId;
  private final StartingOffsets startingOffsets;
  private final TreeMap<String, String> properties;

  /**
   * @param properties passed to every Kafka client (security, SASL, ...); {@code bootstrap.servers}
   *     among them is overridden by {@code bootstrapServers}
   */
  public KafkaSettings(
      String bootstrapServers,
      String groupId,
      StartingOffsets startingOffsets,
      Map<String, String> properties) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("a group id is required");
    }
    this.bootstrapServers = bootstrapServers;
    this.groupId = groupId;
    this.startingOffsets = Objects.requireNonNull(startingOffsets, "startingOffsets");
    this.properties = new TreeMap<>(properties == null ? Map.of() : properties);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String groupId() {
    return groupId;
  }

  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  /** The pass-through client properties, in key order. */
  public Map<String, String> properties() {
    return Collections.unmodifiableMap(properties);
  }

  /** A fresh copy of the client properties: the pass-through ones plus the bootstrap servers. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(properties);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaSettings other
        && bootstrapServers.equals(other.bootstrapServers)
        && groupId.equals(other.groupId)
        && startingOffsets == other.startingOffsets
        && properties.equals(other.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bootstrapServers, groupId, startingOffsets, properties);
  }

  /** Names the pass-through properties but never shows their values: they may hold passwords. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", groupId="
        + groupId
        + ", startingOffsets="
        + startingOffsets
        + ", properties="
        + properties.keySet()
        + "]";
  }
}
