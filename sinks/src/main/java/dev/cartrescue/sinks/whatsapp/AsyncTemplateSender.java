package dev.cartrescue.sinks.whatsapp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one template message per request through the Cloud API and emits exactly one {@link
 * Delivery} for it, whatever happens: the job never fails because of a send.
 *
 * <p>Each subtask paces its sends at its share of the job-wide rate limit (rate / parallelism),
 * evenly spaced. Retryable failures are tried again after an exponential backoff with jitter, each
 * retry paced like a first send, until {@link CloudApiSettings#retryFor()} has passed since the
 * request arrived; permanent and authorization errors end the send at once. The operator's timeout
 * completes the request as FAILED {@code timeout} and stops anything still planned for it.
 */
public class AsyncTemplateSender<T> extends RichAsyncFunction<T, Delivery<T>> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AsyncTemplateSender.class);

  private final CloudApiSettings settings;
  private final MessageFactory<T> messageFactory;
  private final int maxInFlight;

  private transient CloudApiClient client;
  private transient Pacer pacer;
  private transient RetryBackoff backoff;
  private transient SenderMetrics metrics;
  private transient Map<ResultFuture<Delivery<T>>, Send> inFlight;

  /** Sized for the settings' rate, as {@link WhatsAppSender#send} sizes its operator. */
  public AsyncTemplateSender(CloudApiSettings settings, MessageFactory<T> messageFactory) {
    this(settings, messageFactory, WhatsAppSender.capacity(settings));
  }

  /**
   * @param maxInFlight the operator's capacity: the most requests this subtask holds at once
   */
  public AsyncTemplateSender(
      CloudApiSettings settings, MessageFactory<T> messageFactory, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
    this.settings = Objects.requireNonNull(settings, "settings");
    this.messageFactory = Objects.requireNonNull(messageFactory, "messageFactory");
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void open(OpenContext openContext) {
    String accessToken = AccessToken.read(settings);
    int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    inFlight = new ConcurrentHashMap<>();
    backoff = new RetryBackoff(settings.initialBackoff(), settings.maxBackoff());
    metrics = new SenderMetrics(getRuntimeContext().getMetricGroup(), inFlight::size);
    pacer = new Pacer(settings.rateLimitPerSecond() / parallelism, "whatsapp-pacer-" + subtask);
    client = new CloudApiClient(settings, accessToken, maxInFlight);
    LOG.info(
        "WhatsApp sender {}/{} sends to {} at most every {} ms",
        subtask + 1,
        parallelism,
        settings.messagesUri(),
        pacer.spacing().toMillis());
  }

  @Override
  public void asyncInvoke(T request, ResultFuture<Delivery<T>> resultFuture) {
    Send send = new Send(request, resultFuture, System.nanoTime() + settings.retryFor().toNanos());
    inFlight.put(resultFuture, send);
    try {
      send.message = messageFactory.toMessage(request);
      if (send.message == null) {
        throw new IllegalArgumentException("the message factory returned null");
      }
    } catch (RuntimeException e) {
      LOG.warn("No WhatsApp message could be made for a request: {}", e.toString());
      finish(send, SendResult.failed(SendResult.INVALID_REQUEST, null, 0), e.toString());
      return;
    }
    pacer.submit(send);
  }

  /** Completes with FAILED {@code timeout} instead of failing the job, as the default would. */
  @Override
  public void timeout(T request, ResultFuture<Delivery<T>> resultFuture) {
    Send send = inFlight.get(resultFuture);
    if (send == null) {
      // Already answered; Flink ignores a second completion, but there is nothing to complete.
      return;
    }
    finish(
        send,
        SendResult.failed(SendResult.TIMEOUT, send.lastErrorCode, send.attempts),
        "the operator's timeout passed");
    CompletableFuture<AttemptResult> call = send.call;
    if (call != null) {
      call.cancel(false);
    }
  }

  @Override
  public void close() {
    if (pacer != null) {
      pacer.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private void onAnswer(Send send, AttemptResult answer, long startedNanos) {
    metrics.attemptTook((System.nanoTime() - startedNanos) / 1_000_000);
    if (send.done.get()) {
      return;
    }
    switch (answer.kind()) {
      case ACCEPTED -> finish(send, SendResult.sent(answer.messageId(), send.attempts), null);
      case PERMANENT ->
          finish(
              send,
              SendResult.failed(answer.reason(), answer.errorCode(), send.attempts),
              answer.detail());
      case UNAUTHORIZED ->
          finish(
              send,
              SendResult.failed(SendResult.UNAUTHORIZED, answer.errorCode(), send.attempts),
              answer.detail());
      case RETRYABLE -> retryOrGiveUp(send, answer);
    }
  }

  private void retryOrGiveUp(Send send, AttemptResult answer) {
    send.lastErrorCode = answer.errorCode();
    Duration delay =
        backoff.delay(send.attempts, answer.errorCode(), ThreadLocalRandom.current().nextDouble());
    if (System.nanoTime() + delay.toNanos() > send.deadlineNanos) {
      finish(
          send,
          SendResult.failed(SendResult.RETRIES_EXHAUSTED, answer.errorCode(), send.attempts),
          answer.reason() + ", " + answer.detail());
      return;
    }
    metrics.retried();
    LOG.debug(
        "Retrying the WhatsApp message to {} in {} ms after {} ({})",
        PhoneMask.mask(send.message.to),
        delay.toMillis(),
        answer.reason(),
        answer.detail());
    pacer.submitAfter(delay, send);
  }

  private void finish(Send send, SendResult result, String detail) {
    if (!send.done.compareAndSet(false, true)) {
      return;
    }
    inFlight.remove(send.resultFuture);
    metrics.finished(result);
    if (result.status == SendResult.Status.FAILED) {
      LOG.warn(
          "WhatsApp message to {} failed: {} (code {}) after {} attempt(s): {}",
          PhoneMask.mask(send.message == null ? null : send.message.to),
          result.reason,
          result.errorCode,
          result.attempts,
          detail);
    }
    send.resultFuture.complete(List.of(new Delivery<>(send.request, result)));
  }

  /** One request on its way: its attempts, its deadline and whether it has been answered. */
  private final class Send implements Pacer.Task {
    final T request;
    final ResultFuture<Delivery<T>> resultFuture;
    final long deadlineNanos;
    final AtomicBoolean done = new AtomicBoolean();
    volatile TemplateMessage message;
    volatile int attempts;
    volatile Integer lastErrorCode;
    volatile CompletableFuture<AttemptResult> call;

    Send(T request, ResultFuture<Delivery<T>> resultFuture, long deadlineNanos) {
      this.request = request;
      this.resultFuture = resultFuture;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public boolean isCancelled() {
      return done.get();
    }

    /** Runs on the pacer's thread, one attempt at a time. */
    @Override
    public void start() {
      attempts++;
      long started = System.nanoTime();
      CompletableFuture<AttemptResult> attempt = client.send(message);
      call = attempt;
      if (done.get()) {
        // The timeout came while this attempt was being started; it found no call to cancel.
        attempt.cancel(false);
        return;
      }
      attempt.thenAccept(answer -> onAnswer(this, answer, started));
    }
  }
}
