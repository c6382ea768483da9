package dev.cartrescue.sinks.whatsapp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Puts the WhatsApp sender into a pipeline. */
public final class WhatsAppSender {

  /**
   * Beyond the requests in HTTP calls, the connections have room for this much more of the rate:
   * messages about to start and messages about to retry, so that a request the pacer lets go never
   * waits for a connection.
   */
  static final Duration CONNECTION_ROOM = Duration.ofSeconds(1);

  static final int MIN_CONNECTIONS = 10;
  static final int MAX_CONNECTIONS = 1000;

  /**
   * How much of the rate the operator's queue holds beyond the requests in calls: a burst of
   * decisions (a quiet night released at once, a campaign) waits its turn in the queue, which is
   * checkpointed as operator state, and not in the network buffers in front of the operator, where
   * it would hold every checkpoint barrier back until it has been sent.
   */
  static final Duration BACKLOG_ROOM = Duration.ofMinutes(5);

  static final int MAX_CAPACITY = 50_000;

  /** Room in the operator's timeout for waiting in the pacing queue at higher parallelism. */
  static final Duration TIMEOUT_SLACK = Duration.ofSeconds(10);

  private WhatsAppSender() {}

  /**
   * Sends every request through the Cloud API with Flink async I/O (unordered) and emits one {@link
   * Delivery} per request; never fails the job. The caller names the returned operator and gives it
   * a uid.
   *
   * <p>Delivery is at least once: requests in flight at a checkpoint are sent again after a
   * restore.
   */
  public static <T> SingleOutputStreamOperator<Delivery<T>> send(
      DataStream<T> requests,
      CloudApiSettings settings,
      MessageFactory<T> toMessage,
      TypeInformation<Delivery<T>> deliveryType) {
    return send(requests, settings, toMessage, SendLedger.none(), deliveryType);
  }

  /**
   * As {@link #send(DataStream, CloudApiSettings, MessageFactory, TypeInformation)}, but exactly
   * once across crashes: every accepted send is recorded in {@code ledger}, and a request whose
   * idempotency key the ledger holds completes as sent without being sent again.
   */
  public static <T> SingleOutputStreamOperator<Delivery<T>> send(
      DataStream<T> requests,
      CloudApiSettings settings,
      MessageFactory<T> toMessage,
      SendLedger ledger,
      TypeInformation<Delivery<T>> deliveryType) {
    Duration operatorTimeout = operatorTimeout(settings);
    int capacity = capacity(settings);
    return AsyncDataStream.unorderedWait(
            requests,
            new AsyncTemplateSender<>(settings, toMessage, connections(settings), operatorTimeout)
                .withLedger(ledger),
            operatorTimeout.toMillis(),
            TimeUnit.MILLISECONDS,
            capacity)
        .returns(deliveryType);
  }

  /**
   * As {@link #send(DataStream, CloudApiSettings, MessageFactory, TypeInformation)}, sized: {@code
   * capacity} is both the operator's queue and the connections.
   */
  static <T> SingleOutputStreamOperator<Delivery<T>> send(
      DataStream<T> requests,
      CloudApiSettings settings,
      MessageFactory<T> toMessage,
      TypeInformation<Delivery<T>> deliveryType,
      Duration operatorTimeout,
      int capacity) {
    return AsyncDataStream.unorderedWait(
            requests,
            new AsyncTemplateSender<>(settings, toMessage, capacity, operatorTimeout),
            operatorTimeout.toMillis(),
            TimeUnit.MILLISECONDS,
            capacity)
        .returns(deliveryType);
  }

  /**
   * HTTP connections and requests in calls at once, per subtask: rate x (expected latency + {@link
   * #CONNECTION_ROOM}), between {@value #MIN_CONNECTIONS} and {@value #MAX_CONNECTIONS}. By
   * Little's law, rate x latency requests are in an HTTP call at once. The rate is the job's, not a
   * subtask's share: the parallelism is not known here, and a larger pool costs only memory.
   */
  static int connections(CloudApiSettings settings) {
    double seconds = settings.expectedLatency().plus(CONNECTION_ROOM).toMillis() / 1000.0;
    double inFlight = settings.rateLimitPerSecond() * seconds;
    return (int) Math.max(MIN_CONNECTIONS, Math.min(MAX_CONNECTIONS, Math.ceil(inFlight)));
  }

  /**
   * The operator's capacity, per subtask: the {@link #connections} plus {@link #BACKLOG_ROOM} of
   * the job's rate waiting for a turn, at most {@value #MAX_CAPACITY} (about 1.5 KB of heap each
   * while they wait, and a few hundred bytes each in every checkpoint). Only a burst larger than
   * the capacity of all subtasks waits in the network buffers and delays checkpoints, by as long as
   * the excess takes to send.
   */
  static int capacity(CloudApiSettings settings) {
    double backlog = settings.rateLimitPerSecond() * BACKLOG_ROOM.toSeconds();
    return (int) Math.min(MAX_CAPACITY, connections(settings) + Math.ceil(backlog));
  }

  /**
   * Longer than anything the sender does on its own: waiting for a turn behind a full pool, then
   * retrying for {@code retryFor}, whose last attempt may take a connect and a response timeout. It
   * only ends sends that something held up unexpectedly. Time a message spends held during an
   * authorization pause or waiting for its turn extends it (see {@link AsyncTemplateSender}).
   */
  static Duration operatorTimeout(CloudApiSettings settings) {
    Duration fullPool =
        Duration.ofMillis(
            (long) Math.ceil(connections(settings) * 1000.0 / settings.rateLimitPerSecond()));
    return settings
        .retryFor()
        .plus(settings.connectTimeout())
        .plus(settings.responseTimeout())
        .plus(fullPool)
        .plus(TIMEOUT_SLACK);
  }
}
