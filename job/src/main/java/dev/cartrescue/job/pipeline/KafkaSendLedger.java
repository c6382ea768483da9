package dev.cartrescue.job.pipeline;

import dev.cartrescue.connectors.KafkaLedger;
import dev.cartrescue.connectors.KafkaSettings;
import dev.cartrescue.sinks.whatsapp.SendLedger;
import java.time.Duration;

/**
 * The send ledger on a Kafka topic of the job's own, {@code <kafka.group-id>-send-ledger}, keyed by
 * the decision id (contact, cart, deadline), which is the same whenever the decision is replayed.
 *
 * <p>It loads the sends of the look-back window when a sender opens: a replayed decision older than
 * that could only be a stale one, which is never sent.
 */
public final class KafkaSendLedger implements SendLedger {
  /** How long the topic keeps entries; the look-back can never exceed it. */
  public static final Duration RETENTION = Duration.ofDays(7);

  private final KafkaSettings kafka;
  private final String topic;
  private final Duration lookBack;

  public KafkaSendLedger(KafkaSettings kafka, Duration maxSendDelay) {
    this.kafka = kafka;
    this.topic = topicFor(kafka);
    this.lookBack =
        maxSendDelay == null ? RETENTION : min(maxSendDelay.plus(Duration.ofHours(1)), RETENTION);
  }

  public static String topicFor(KafkaSettings kafka) {
    return kafka.groupId() + "-send-ledger";
  }

  /** Creates the topic when missing; at job start, so that a problem stops the job there. */
  public void ensureTopic() {
    KafkaLedger.ensureTopic(kafka, topic, RETENTION);
  }

  @Override
  public Session open() {
    KafkaLedger ledger = KafkaLedger.open(kafka, topic, lookBack);
    return new Session() {
      @Override
      public String acceptedMessageId(String idempotencyKey) {
        return ledger.get(idempotencyKey);
      }

      @Override
      public void recordAccepted(String idempotencyKey, String messageId) {
        ledger.put(idempotencyKey, messageId);
      }

      @Override
      public void close() {
        ledger.close();
      }
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
