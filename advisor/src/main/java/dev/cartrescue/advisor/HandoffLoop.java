package dev.cartrescue.advisor;

import dev.cartrescue.sinks.whatsapp.PhoneMask;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's one consumer thread: reads hand-offs, makes each one a Chatwoot conversation
 * ({@link ChatwootHandoff}), and commits the record's offset once it is done (noted, already noted,
 * or dead-lettered). A Chatwoot that fails is waited for, with backoff, on the same record: nothing
 * is committed and nothing skipped. While it waits the consumer keeps polling with its partitions
 * paused, so that it stays in the group however long Chatwoot is down.
 */
final class HandoffLoop implements Runnable {
  /** Waits between attempts at one hand-off: {@code initial}, doubled up to {@code max}. */
  record Backoff(Duration initial, Duration max) {
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    Duration after(int attempts) {
      long millis = initial.toMillis() << Math.min(attempts - 1, 20);
      return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(HandoffLoop.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /** A retried cause is logged at its first attempt and every this many after. */
  private static final int LOG_EVERY = 10;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final ChatwootHandoff chatwoot;
  private final DeadLetterWriter deadLetters;
  private final AdvisorMetrics metrics;
  private final Backoff backoff;
  private volatile boolean stopping;
  private boolean waiting;
  private boolean rebalanced;

  HandoffLoop(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      ChatwootHandoff chatwoot,
      DeadLetterWriter deadLetters,
      AdvisorMetrics metrics,
      Backoff backoff) {
    this.consumer = consumer;
    this.topic = topic;
    this.chatwoot = chatwoot;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.backoff = backoff;
  }

  /** Asks the loop to stop: it leaves the hand-off in hand uncommitted (its marker protects it). */
  void stop() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topic), new Listener());
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        lag();
        rebalanced = false;
        batch(records);
        if (rebalanced && !stopping) {
          seekToCommitted();
        }
      }
    } catch (WakeupException e) {
      // stop()
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void batch(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (stopping || !consumer.assignment().contains(partition)) {
          break;
        }
        if (!handle(record) || !commit(partition, record.offset() + 1) || rebalanced) {
          // Stopping, or the partition moved: what is left of the batch is read again.
          return;
        }
      }
    }
  }

  /**
   * @return whether the record is done; false when the loop stops, or the record's partition went
   *     to another consumer, first
   */
  private boolean handle(ConsumerRecord<byte[], byte[]> record) {
    Handoff handoff;
    try {
      handoff = Handoff.parse(record.value());
    } catch (Handoff.Unreadable e) {
      return deadLetter(record, "unreadable hand-off: " + e.getMessage());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        ChatwootHandoff.Outcome outcome = chatwoot.deliver(handoff);
        if (outcome.alreadyNoted()) {
          metrics.alreadyNoted();
          LOG.info(
              "Hand-off {} ({}) was noted already in conversation {}",
              handoff.handoffId(),
              PhoneMask.mask(handoff.phone()),
              outcome.conversationId());
        } else {
          long now = System.currentTimeMillis();
          metrics.noted(now - handoff.tappedAt().toEpochMilli(), now);
          LOG.info(
              "Noted hand-off {} ({}) in conversation {}",
              handoff.handoffId(),
              PhoneMask.mask(handoff.phone()),
              outcome.conversationId());
        }
        return true;
      } catch (ChatwootError e) {
        if (!e.kind().retried()) {
          return deadLetter(record, "Chatwoot refused it: " + e.getMessage());
        }
        metrics.retried(e.kind());
        Duration wait = backoff.after(attempt);
        if (e.retryAfter().isPresent() && e.retryAfter().get().compareTo(wait) > 0) {
          wait =
              e.retryAfter().get().compareTo(backoff.max()) > 0
                  ? backoff.max()
                  : e.retryAfter().get();
        }
        if (attempt == 1 || attempt % LOG_EVERY == 0) {
          LOG.warn(
              "Hand-off {}: {}{}; attempt {}, the next in {} ms (it waits, uncommitted)",
              handoff.handoffId(),
              e.getMessage(),
              e.kind() == ChatwootError.Kind.AUTH
                  ? " (check the token of " + AdvisorOption.API_TOKEN_FILE.key() + ")"
                  : "",
              attempt,
              wait.toMillis());
        }
        if (!pause(wait, record)) {
          return false;
        }
      }
    }
  }

  private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
    for (int attempt = 1; ; attempt++) {
      try {
        deadLetters.write(record, reason);
        metrics.deadLettered();
        LOG.warn(
            "Dead letter for {}-{}@{}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            reason);
        return true;
      } catch (Exception e) {
        if (attempt == 1 || attempt % LOG_EVERY == 0) {
          LOG.warn("Hand-off at {}@{}: {}", record.partition(), record.offset(), e.getMessage());
        }
        if (!pause(backoff.after(attempt), record)) {
          return false;
        }
      }
    }
  }

  /**
   * Waits while keeping the consumer in its group: polls with every partition paused (and puts back
   * any record a partition assigned meanwhile gave).
   *
   * @return whether the record's partition is still this consumer's and the loop goes on
   */
  private boolean pause(Duration wait, ConsumerRecord<byte[], byte[]> record) {
    long deadline = System.nanoTime() + wait.toNanos();
    waiting = true;
    try {
      consumer.pause(consumer.assignment());
      while (!stopping) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        ConsumerRecords<byte[], byte[]> got =
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
        for (TopicPartition p : got.partitions()) {
          consumer.seek(p, got.records(p).get(0).offset());
        }
        lag();
      }
      consumer.resume(consumer.paused());
    } finally {
      waiting = false;
    }
    return !stopping
        && consumer.assignment().contains(new TopicPartition(record.topic(), record.partition()));
  }

  /** Commits, retrying what Kafka says may work later; false when it cannot be done. */
  private boolean commit(TopicPartition partition, long next) {
    for (int attempt = 1; !stopping; attempt++) {
      try {
        consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
        return true;
      } catch (RetriableException e) {
        if (attempt == 1 || attempt % LOG_EVERY == 0) {
          LOG.warn("Committing offset {} of {}: {}; retrying", next, partition, e.toString());
        }
        try {
          Thread.sleep(backoff.after(attempt).toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return false;
        }
      } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
        // The group moved the partition on: its new owner reads the record again, and finds the
        // note by its marker.
        LOG.info("Offset {} of {} not committed: the group rebalanced", next, partition);
        rebalanced = true;
        return false;
      }
    }
    return false;
  }

  private void seekToCommitted() {
    Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    committed.forEach(
        (partition, offset) -> {
          if (offset != null) {
            consumer.seek(partition, offset.offset());
          }
        });
  }

  private void lag() {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      total += consumer.currentLag(partition).orElse(0);
    }
    metrics.lag(total);
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      rebalanced = true;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      rebalanced = true;
      if (waiting) {
        consumer.pause(partitions);
      }
    }
  }
}
