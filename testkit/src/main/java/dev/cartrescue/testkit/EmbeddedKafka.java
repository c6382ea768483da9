package dev.cartrescue.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (one combined KRaft broker and controller) inside the JVM, for tests and the
 * demo. Apart from what a one-node cluster cannot do without (replication factor 1 for the internal
 * topics), the broker runs with stock settings, so that whatever works here also works against a
 * default broker: in particular {@code transaction.max.timeout.ms} stays at 15 minutes.
 */
public final class EmbeddedKafka extends KafkaBroker {

  private final Path baseDirectory;
  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(Path baseDirectory, KafkaClusterTestKit cluster) {
    super(cluster.bootstrapServers());
    this.baseDirectory = baseDirectory;
    this.cluster = cluster;
  }

  /** Starts a broker and returns once it accepts clients. */
  public static EmbeddedKafka start() {
    Path baseDirectory;
    try {
      baseDirectory = Files.createTempDirectory("embedded-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setCombined(true)
              .setBaseDirectory(baseDirectory)
              .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
              .build();
      cluster =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              // The test kit turns unreleased protocol versions on; a stock broker has them off.
              .setConfigProp("unstable.api.versions.enable", "false")
              .setConfigProp("unstable.feature.versions.enable", "false")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new EmbeddedKafka(baseDirectory, cluster);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(cluster, e);
      deleteQuietly(baseDirectory, e);
      throw new IllegalStateException("the embedded Kafka broker did not start", e);
    }
  }

  /** Where the broker keeps its logs; deleted on close. */
  public Path baseDirectory() {
    return baseDirectory;
  }

  /** Stops the broker and deletes its log directories. */
  @Override
  public void close() {
    Exception failure = null;
    clients.close();
    try {
      cluster.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      failure = e;
    }
    try {
      Utils.delete(baseDirectory.toFile());
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw new IllegalStateException("the embedded Kafka broker did not stop cleanly", failure);
    }
  }

  private static void closeQuietly(KafkaClusterTestKit cluster, Exception failure) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }

  private static void deleteQuietly(Path directory, Exception failure) {
    try {
      Utils.delete(directory.toFile());
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
