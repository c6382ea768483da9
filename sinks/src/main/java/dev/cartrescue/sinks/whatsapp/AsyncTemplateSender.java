package dev.cartrescue.sinks.whatsapp;

import dev.cartrescue.sinks.whatsapp.AttemptResult.Kind;
import dev.cartrescue.sinks.whatsapp.AuthPause.Released;
import dev.cartrescue.sinks.whatsapp.RecipientSpacing.Reservation;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * <ul>
 *   <li><b>Pace.</b> Each subtask sends at its share of the job-wide rate limit (rate /
 *       parallelism), evenly spaced, slower for a while after a throughput error, and never to one
 *       number more often than Meta's pair rate allows ({@link Pacer}).
 *   <li><b>Retries.</b> Retryable failures are tried again after an exponential backoff with jitter
 *       until {@link CloudApiSettings#retryFor()} has passed since the request arrived; permanent
 *       errors end the send at once. A template missing in the contact's language is sent once more
 *       in the fallback language, if the message has one.
 *   <li><b>Refused token.</b> An authorization error does not fail the send: the subtask pauses
 *       ({@link AuthPause}), holds every message (backpressure does the rest), and resumes by
 *       itself when the token file changes or a probe goes through. Paused time does not count
 *       toward {@code retryFor}.
 *   <li><b>Operator timeout.</b> It ends a send only when an HTTP request has run past it; a send
 *       that is held, waiting for its turn or waiting to retry is still in the sender's hands, so
 *       the check is put off, and time spent held or waiting for a turn extends it.
 * </ul>
 */
public class AsyncTemplateSender<T> extends RichAsyncFunction<T, Delivery<T>> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AsyncTemplateSender.class);

  /** Warn at most this often that the connections are short for the latency seen. */
  private static final Duration CAPACITY_WARNING_INTERVAL = Duration.ofMinutes(30);

  private static final double CAPACITY_WARNING_SHARE = 0.8;

  private final CloudApiSettings settings;
  private final MessageFactory<T> messageFactory;
  private final int maxInFlight;
  private SendLedger ledger = SendLedger.none();
  private final Duration operatorTimeout;

  private transient String name;
  private transient double ratePerSubtask;
  private transient AccessTokenSource accessToken;
  private transient CloudApiClient client;
  private transient Pacer pacer;
  private transient RetryBackoff backoff;
  private transient AuthPause<Send> pause;
  private transient SenderMetrics metrics;
  private transient ScheduledExecutorService timers;
  private transient Map<ResultFuture<Delivery<T>>, Send> inFlight;
  private transient long lastCapacityWarning;
  private transient SendLedger.Session ledgerSession;

  /** Sized for the settings' rate, as {@link WhatsAppSender#send} sizes it. */
  public AsyncTemplateSender(CloudApiSettings settings, MessageFactory<T> messageFactory) {
    this(settings, messageFactory, WhatsAppSender.connections(settings));
  }

  /**
   * @param maxInFlight the most HTTP requests this subtask has in calls at once (its connections)
   */
  public AsyncTemplateSender(
      CloudApiSettings settings, MessageFactory<T> messageFactory, int maxInFlight) {
    this(settings, messageFactory, maxInFlight, WhatsAppSender.operatorTimeout(settings));
  }

  /**
   * @param maxInFlight the most HTTP requests this subtask has in calls at once (its connections)
   * @param operatorTimeout the timeout the async operator is given, to tell which of its calls to
   *     {@link #timeout} are due
   */
  public AsyncTemplateSender(
      CloudApiSettings settings,
      MessageFactory<T> messageFactory,
      int maxInFlight,
      Duration operatorTimeout) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
    if (operatorTimeout.isNegative() || operatorTimeout.isZero()) {
      throw new IllegalArgumentException("operatorTimeout must be positive: " + operatorTimeout);
    }
    this.settings = Objects.requireNonNull(settings, "settings");
    this.messageFactory = Objects.requireNonNull(messageFactory, "messageFactory");
    this.maxInFlight = maxInFlight;
    this.operatorTimeout = operatorTimeout;
  }

  /** Records accepted sends in {@code ledger} and never repeats one it holds. */
  public AsyncTemplateSender<T> withLedger(SendLedger ledger) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    return this;
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    ledgerSession = ledger.open();
    accessToken = new AccessTokenSource(settings);
    int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    name = "WhatsApp sender " + (subtask + 1) + "/" + parallelism;
    ratePerSubtask = settings.rateLimitPerSecond() / parallelism;
    inFlight = new ConcurrentHashMap<>();
    pause = new AuthPause<>();
    backoff = new RetryBackoff(settings.initialBackoff(), settings.maxBackoff());
    pacer = new Pacer(ratePerSubtask, "whatsapp-pacer-" + subtask);
    metrics =
        new SenderMetrics(
            getRuntimeContext().getMetricGroup(),
            inFlight::size,
            pacer::currentPerSecond,
            pause::isPaused);
    client = new CloudApiClient(settings, accessToken.token(), maxInFlight);
    timers =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "whatsapp-sender-timers-" + subtask);
              thread.setDaemon(true);
              return thread;
            });
    long every = settings.tokenCheckInterval().toNanos();
    timers.scheduleWithFixedDelay(this::housekeeping, every, every, TimeUnit.NANOSECONDS);
    LOG.info(
        "{} sends to {} at most every {} ms, holds up to {} messages, token from {}",
        name,
        settings.sendUri(),
        pacer.spacing().toMillis(),
        maxInFlight,
        accessToken.source());
  }

  @Override
  public void asyncInvoke(T request, ResultFuture<Delivery<T>> resultFuture) {
    Send send = new Send(request, resultFuture, System.nanoTime());
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
    send.idempotencyKey = messageFactory.idempotencyKey(request);
    String sentBefore =
        send.idempotencyKey == null ? null : ledgerSession.acceptedMessageId(send.idempotencyKey);
    if (sentBefore != null) {
      // Sent before a crash or a restore: the outcome is replayed, never the message.
      LOG.info(
          "WhatsApp message to {} was sent before a restart as {}; not sending it again",
          PhoneMask.mask(send.message.to),
          sentBefore);
      finish(send, SendResult.sent(sentBefore, 0), null);
      return;
    }
    pacer.submit(send);
  }

  /**
   * Completes with FAILED {@code timeout} instead of failing the job, as the default would, but
   * only for a send whose HTTP request has run past the timeout; see the class comment.
   */
  @Override
  public void timeout(T request, ResultFuture<Delivery<T>> resultFuture) {
    Send send = inFlight.get(resultFuture);
    if (send != null) {
      expireIfDue(send);
    }
  }

  @Override
  public void close() {
    if (timers != null) {
      timers.shutdownNow();
    }
    if (pacer != null) {
      pacer.close();
    }
    if (client != null) {
      client.close();
    }
    if (ledgerSession != null) {
      ledgerSession.close();
    }
  }

  private void expireIfDue(Send send) {
    if (send.done.get()) {
      return;
    }
    long now = System.nanoTime();
    long recheckIn;
    if (!send.inCall || pause.heldNanos(send, now) > 0) {
      recheckIn = operatorTimeout.toNanos();
    } else {
      long due = send.arrived + operatorTimeout.toNanos() + send.pausedNanos + send.queuedNanos;
      recheckIn = due - now;
    }
    if (recheckIn > 0) {
      try {
        timers.schedule(() -> expireIfDue(send), recheckIn, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        LOG.debug("{} is closing; a timeout check was dropped", name);
      }
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

  /** Runs every {@code tokenCheckInterval} on the timer thread; must never throw. */
  private void housekeeping() {
    try {
      if (accessToken.reload()) {
        client.accessToken(accessToken.token());
        LOG.info("{} read a new access token from {}", name, accessToken.source());
        resume("the access token was replaced");
      }
      Released<Send> probe = pause.probe(System.nanoTime(), settings.authProbeInterval().toNanos());
      if (probe != null) {
        Send send = probe.send();
        send.pausedNanos += probe.heldNanos();
        send.probe = true;
        LOG.info("{} tries the access token again with one held message", name);
        pacer.submit(send);
      }
      warnIfCapacityIsShort();
    } catch (RuntimeException e) {
      LOG.error(
          "{}: housekeeping failed; it runs again in {}", name, settings.tokenCheckInterval(), e);
    }
  }

  /** Little's law: the requests in flight are the rate times the latency. */
  private void warnIfCapacityIsShort() {
    double latencyMillis = metrics.latencyP99Millis();
    double needed = ratePerSubtask * latencyMillis / 1000;
    long now = System.nanoTime();
    if (needed > CAPACITY_WARNING_SHARE * maxInFlight
        && (lastCapacityWarning == 0
            || now - lastCapacityWarning > CAPACITY_WARNING_INTERVAL.toNanos())) {
      lastCapacityWarning = now;
      LOG.warn(
          "{}: at {} messages per second and {} ms per send (p99), about {} requests are in"
              + " flight, close to its {} connections: messages will wait; size the sender for"
              + " a longer latency (expected latency {})",
          name,
          String.format(Locale.ROOT, "%.1f", ratePerSubtask),
          Math.round(latencyMillis),
          Math.round(needed),
          maxInFlight,
          settings.expectedLatency());
    }
  }

  private void onAnswer(
      Send send, AttemptResult answer, long started, int tokenGeneration, Reservation reserved) {
    send.inCall = false;
    metrics.attemptTook((System.nanoTime() - started) / 1_000_000);
    if (!answer.mayHaveReachedTheUser()) {
      pacer.release(reserved);
    }
    if (CloudApiErrors.isThroughputLimit(answer.errorCode())) {
      pacer.throttled(started);
    }
    boolean wasProbe = send.probe;
    send.probe = false;
    if (send.done.get()) {
      return;
    }
    if (answer.kind() == Kind.UNAUTHORIZED) {
      onRefusedToken(send, answer, tokenGeneration);
      return;
    }
    if (wasProbe) {
      resume("a message went through with the token in use");
    }
    switch (answer.kind()) {
      case ACCEPTED -> onAccepted(send, answer.messageId());
      case PERMANENT -> onPermanentError(send, answer);
      case RETRYABLE -> retryOrGiveUp(send, answer);
      case UNAUTHORIZED -> throw new IllegalStateException("handled above");
    }
  }

  /**
   * Records the send in the ledger before the request completes, without blocking the HTTP client.
   * A crash before the write is acknowledged is the one window in which a message can be sent twice
   * (see docs/exactly-once.md).
   */
  private void onAccepted(Send send, String messageId) {
    SendResult sent = SendResult.sent(messageId, send.attempts);
    if (send.idempotencyKey == null) {
      finish(send, sent, null);
      return;
    }
    ledgerSession
        .recordAccepted(send.idempotencyKey, messageId)
        .whenComplete(
            (written, error) -> {
              if (error != null) {
                LOG.error(
                    "Message {} was sent but could not be recorded in the send ledger: after a"
                        + " crash it could be sent again. {}",
                    messageId,
                    error.toString());
              }
              finish(send, sent, null);
            });
  }

  private void onPermanentError(Send send, AttemptResult answer) {
    Integer code = answer.errorCode();
    if (code != null && code == CloudApiErrors.TEMPLATE_NOT_IN_LANGUAGE && !send.fellBack) {
      TemplateMessage fallback = send.message.inFallbackLanguage();
      if (fallback != null) {
        LOG.info(
            "The template {} does not exist in {}; sending in {} instead",
            send.message.templateName,
            send.message.languageCode,
            fallback.languageCode);
        send.fellBack = true;
        send.message = fallback;
        metrics.retried();
        pacer.submit(send);
        return;
      }
    }
    finish(send, SendResult.failed(answer.reason(), code, send.attempts), answer.detail());
  }

  private void onRefusedToken(Send send, AttemptResult answer, int tokenGeneration) {
    if (tokenGeneration != accessToken.generation()) {
      // Sent with the token that was just replaced: try again with the new one.
      metrics.retried();
      pacer.submit(send);
      return;
    }
    if (pause.pause(send, System.nanoTime())) {
      LOG.warn(
          "{} pauses sending: the Cloud API refused the access token from {} (code {}: {})."
              + " Messages are held, not failed, and their retry time stands still. Sending"
              + " resumes when the token is replaced (checked every {}) or when a held message"
              + " goes through (one is tried every {}).",
          name,
          accessToken.source(),
          answer.errorCode(),
          answer.detail(),
          accessToken.isReloadable() ? settings.tokenCheckInterval() : "never: not from a file",
          settings.authProbeInterval());
    }
    if (tokenGeneration != accessToken.generation()) {
      // The token was replaced while this answer was on its way.
      resume("the access token was replaced");
    }
  }

  /** Ends a pause, if there is one, and lets every held message go on its way. */
  private void resume(String why) {
    long now = System.nanoTime();
    long pausedFor = pause.pausedNanos(now);
    if (!pause.isPaused()) {
      return;
    }
    List<Released<Send>> released = pause.resume(now);
    for (Released<Send> held : released) {
      held.send().pausedNanos += held.heldNanos();
      pacer.submit(held.send());
    }
    LOG.info(
        "{} resumes sending after a pause of {} s ({}); {} held message(s) go out again",
        name,
        pausedFor / 1_000_000_000L,
        why,
        released.size());
  }

  private void retryOrGiveUp(Send send, AttemptResult answer) {
    send.lastErrorCode = answer.errorCode();
    Duration delay =
        backoff.delay(send.attempts, answer.errorCode(), ThreadLocalRandom.current().nextDouble());
    long deadline = send.arrived + settings.retryFor().toNanos() + send.pausedNanos;
    if (System.nanoTime() + delay.toNanos() - deadline > 0) {
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
      String to = PhoneMask.mask(send.message == null ? null : send.message.to);
      if (SendResult.OPTED_OUT.equals(result.reason)) {
        LOG.info("WhatsApp message to {} not sent: the user stopped marketing messages", to);
      } else {
        LOG.warn(
            "WhatsApp message to {} failed: {} (code {}) after {} attempt(s): {}",
            to,
            result.reason,
            result.errorCode,
            result.attempts,
            detail);
      }
    }
    send.resultFuture.complete(List.of(new Delivery<>(send.request, result)));
  }

  /** One request on its way: its attempts, its clocks and whether it has been answered. */
  private final class Send implements Pacer.Task {
    final T request;
    final ResultFuture<Delivery<T>> resultFuture;
    final long arrived;
    final AtomicBoolean done = new AtomicBoolean();
    volatile TemplateMessage message;
    volatile String idempotencyKey;
    volatile int attempts;
    volatile Integer lastErrorCode;
    volatile CompletableFuture<AttemptResult> call;

    /** Time held while sending was paused: it counts toward neither retryFor nor the timeout. */
    volatile long pausedNanos;

    /** Time spent waiting for a turn: it does not count toward the operator's timeout. */
    volatile long queuedNanos;

    volatile boolean inCall;
    volatile boolean probe;
    volatile boolean fellBack;

    Send(T request, ResultFuture<Delivery<T>> resultFuture, long arrived) {
      this.request = request;
      this.resultFuture = resultFuture;
      this.arrived = arrived;
    }

    @Override
    public boolean isCancelled() {
      return done.get();
    }

    @Override
    public String recipient() {
      return message.to;
    }

    /** Runs on the pacer's thread, one attempt at a time. */
    @Override
    public boolean start(long waitedNanos, Reservation reservation) {
      if (done.get()) {
        return false;
      }
      queuedNanos += waitedNanos;
      metrics.waitedForTurn(waitedNanos);
      if (!probe && pause.holdIfPaused(this, System.nanoTime())) {
        return false;
      }
      attempts++;
      int tokenGeneration = accessToken.generation();
      long started = System.nanoTime();
      inCall = true;
      CompletableFuture<AttemptResult> attempt = client.send(message);
      call = attempt;
      if (done.get()) {
        // The timeout came while this attempt was being started; it found no call to cancel.
        attempt.cancel(false);
        return true;
      }
      attempt.thenAccept(
          answer -> {
            try {
              onAnswer(this, answer, started, tokenGeneration, reservation);
            } catch (RuntimeException e) {
              LOG.error("{}: an answer could not be handled", name, e);
              finish(
                  this,
                  SendResult.failed(SendResult.INVALID_RESPONSE, answer.errorCode(), attempts),
                  e.toString());
            }
          });
      return true;
    }
  }
}
