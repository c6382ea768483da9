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
   * Beyond the requests in flight, the capacity holds this much more of the rate: messages waiting
   * for their turn, so that the pacer never runs dry, and messages waiting to retry.
   */
  static final Duration QUEUE_ROOM = Duration.ofSeconds(1);

  static final int MIN_CAPACITY = 10;
  static final int MAX_CAPACITY = 1000;

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
    return send(
        requests, settings, toMessage, deliveryType, operatorTimeout(settings), capacity(settings));
  }

  /** As {@link #send(DataStream, CloudApiSettings, MessageFactory, TypeInformation)}, sized. */
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
   * The operator's capacity, per subtask: rate x (expected latency + {@link #QUEUE_ROOM}), between
   * {@value #MIN_CAPACITY} and {@value #MAX_CAPACITY}. By Little's law, rate x latency requests are
   * in an HTTP call at once; the rest wait for their turn or a retry. The rate is the job's, not a
   * subtask's share: the parallelism is not known here, and a larger capacity costs only memory.
   * The HTTP connection pool gets as many connections as the capacity, so that a request the pacer
   * let go never waits for a connection (it would then reach Meta in a burst with others).
   */
  static int capacity(CloudApiSettings settings) {
    double seconds = settings.expectedLatency().plus(QUEUE_ROOM).toMillis() / 1000.0;
    double inFlight = settings.rateLimitPerSecond() * seconds;
    return (int) Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, Math.ceil(inFlight)));
  }

  /**
   * Longer than anything the sender does on its own: waiting for a turn behind a full queue, then
   * retrying for {@code retryFor}, whose last attempt may take a connect and a response timeout. It
   * only ends sends that something held up unexpectedly. Time a message spends held during an
   * authorization pause or waiting for its turn extends it (see {@link AsyncTemplateSender}).
   */
  static Duration operatorTimeout(CloudApiSettings settings) {
    Duration fullQueue =
        Duration.ofMillis(
            (long) Math.ceil(capacity(settings) * 1000.0 / settings.rateLimitPerSecond()));
    return settings
        .retryFor()
        .plus(settings.connectTimeout())
        .plus(settings.responseTimeout())
        .plus(fullQueue)
        .plus(TIMEOUT_SLACK);
  }
}
