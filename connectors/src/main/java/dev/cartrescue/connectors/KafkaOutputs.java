package dev.cartrescue.connectors;

import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Kafka sinks for {@link OutputRecord}s. */
public final class KafkaOutputs {

  /**
   * How long the broker keeps a transaction open before aborting it. The connector's default of one
   * hour is above a stock broker's {@code transaction.max.timeout.ms} (15 min), which refuses it;
   * ten minutes still leaves room for a checkpoint and a restart before a commit. A {@code
   * transaction.timeout.ms} among the settings' properties wins.
   */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private KafkaOutputs() {}

  /**
   * One transactional (EXACTLY_ONCE) sink for every output topic: records become visible to {@code
   * read_committed} readers when the checkpoint after them completes.
   *
   * @param transactionalIdPrefix must stay the same across restarts of the job, so that after a
   *     restore it finds and aborts (or commits) its own lingering transactions; and must differ
   *     from every other writer's on the same cluster
   */
  public static KafkaSink<OutputRecord> exactlyOnce(KafkaSettings s, String transactionalIdPrefix) {
    if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
      throw new IllegalArgumentException("a transactional id prefix is required");
    }
    return KafkaSink.<OutputRecord>builder()
        .setProperty(
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
            String.valueOf(TRANSACTION_TIMEOUT.toMillis()))
        .setKafkaProducerConfig(s.clientProperties())
        .setBootstrapServers(s.bootstrapServers())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setRecordSerializer(new OutputRecordSerializer())
        .build();
  }
}
