package dev.cartrescue.webhooks;

import dev.cartrescue.webhooks.ReceiverMetrics.ForwardDrop;
import dev.cartrescue.webhooks.ReceiverMetrics.ForwardFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each accepted notification, as Meta sent it, to a second webhook URL ({@code
 * webhooks.forward-url}): a shared inbox, such as Chatwoot's WhatsApp inbox, also needs the
 * customers' messages, and Meta calls one URL per app.
 *
 * <p>A forward is a POST of the body's bytes unchanged, with {@code Content-Type: application/json}
 * and the notification's own {@code X-Hub-Signature-256}, so that the target checks it with the
 * same app secret; and {@value #FORWARDED_HEADER}, so that a receiver given a forwarded POST does
 * not forward it again. It is queued once Meta has its 200, and sent by threads of its own: a slow
 * or failing target never delays an answer to Meta, nor a write to Kafka.
 *
 * <p>Best effort, bounded. The forwards are held in memory only, {@link Settings#capacity()} of
 * them and {@link Settings#capacityBytes()} bytes at most; an IO error, a timeout, 429 or 5xx is
 * retried after a backoff, up to {@link Settings#attempts()} attempts, none started later than
 * {@link Settings#retryWindow()} after the first; any other status is not retried. A forward that
 * does not fit, or that nothing got through, is dropped, counted and logged (at most one line per
 * cause and period, never a body, a number or a signature). A forward still held when the process
 * dies is lost; Kafka has the notification all the same.
 */
final class Forwarder implements AutoCloseable {
  /** The header on every forward; a POST that carries it is not forwarded again. */
  static final String FORWARDED_HEADER = "X-Cart-Rescue-Forwarded";

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Duration LOG_PERIOD = Duration.ofSeconds(10);

  /**
   * How forwards are sent and retried. {@link #DEFAULT} is what the receiver runs with; tests take
   * shorter waits.
   *
   * @param threads requests to the target at a time
   * @param capacity forwards held at most (waiting, being sent or between two attempts)
   * @param capacityBytes their bodies' bytes at most
   * @param backoffs the wait before each retry; their number plus one is the attempts at most
   * @param retryWindow from the first attempt, the time after which no retry starts
   * @param grace how long {@link #close()} lets forwards due now be sent
   */
  record Settings(
      int threads,
      int capacity,
      long capacityBytes,
      Duration connectTimeout,
      Duration requestTimeout,
      List<Duration> backoffs,
      Duration retryWindow,
      Duration grace) {
    /**
     * 8 requests at a time; 10,000 forwards or 32 MiB held (five minutes of a busy number's 2 KB
     * statuses, well within the pod's memory); 5 s to connect, 10 s for an answer; 5 attempts, 0.5
     * s, 2 s, 8 s and 30 s apart (each ±20 %), none after 60 s; 2 s to send what is due when
     * stopping.
     */
    static final Settings DEFAULT =
        new Settings(
            8,
            10_000,
            32L * 1024 * 1024,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            List.of(
                Duration.ofMillis(500),
                Duration.ofSeconds(2),
                Duration.ofSeconds(8),
                Duration.ofSeconds(30)),
            Duration.ofSeconds(60),
            Duration.ofSeconds(2));

    Settings {
      backoffs = List.copyOf(backoffs);
    }

    int attempts() {
      return backoffs.size() + 1;
    }
  }

  private final URI target;
  private final Settings settings;
  private final ReceiverMetrics metrics;
  private final HttpClient client;
  private final ExecutorService threads;
  private final RateLimitedLog warnings = new RateLimitedLog(LOG, LOG_PERIOD);

  /** Forwards due now, and retries due later: the earliest first, in order of arrival. */
  private final DelayQueue<Forward> queue = new DelayQueue<>();

  private final AtomicLong arrivals = new AtomicLong();
  private final AtomicInteger droppedOnStop = new AtomicInteger();

  /** Guards {@link #held} and {@link #heldBytes}, and is notified when a forward is done. */
  private final Object lock = new Object();

  private int held;
  private long heldBytes;
  private volatile boolean closing;

  Forwarder(URI target, Settings settings, ReceiverMetrics metrics) {
    this.target = target;
    this.settings = settings;
    this.metrics = metrics;
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    AtomicInteger count = new AtomicInteger();
    threads =
        Executors.newFixedThreadPool(
            settings.threads(),
            task -> {
              Thread thread = new Thread(task, "webhooks-forward-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    for (int i = 0; i < settings.threads(); i++) {
      threads.execute(this::work);
    }
  }

  /**
   * Queues the forward of an accepted notification: its first {@code length} bytes of {@code body}
   * (kept, not copied: the caller no longer changes them) and its signature header as received.
   * Never blocks; when the forwards held are at their limit, drops it.
   */
  void forward(byte[] body, int length, String signature) {
    if (closing) {
      metrics.forwardDropped(ForwardDrop.STOPPING);
      droppedOnStop.incrementAndGet();
      return;
    }
    synchronized (lock) {
      if (held >= settings.capacity() || heldBytes + length > settings.capacityBytes()) {
        metrics.forwardDropped(ForwardDrop.QUEUE_FULL);
        warnings.warn(
            "forward-queue-full",
            "A forward dropped: "
                + held
                + " forwards ("
                + heldBytes / 1024
                + " KiB) are held already, the target is slow or down");
        return;
      }
      held++;
      heldBytes += length;
      metrics.forwardQueue().set(held);
    }
    queue.put(new Forward(body, length, signature, arrivals.incrementAndGet()));
  }

  /**
   * Stops: drops the retries still waiting, lets the forwards due now be sent for up to {@link
   * Settings#grace()}, then stops the threads (a forward being sent is dropped) and drops what is
   * left; says how many in one line.
   */
  @Override
  public void close() {
    closing = true;
    for (Forward forward : queue) {
      if (forward.attempts > 0 && queue.remove(forward)) {
        dropOnStop(forward);
      }
    }
    long deadline = System.nanoTime() + settings.grace().toNanos();
    synchronized (lock) {
      while (held > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Forward forward : queue) {
      if (queue.remove(forward)) {
        dropOnStop(forward);
      }
    }
    int dropped = droppedOnStop.get();
    if (dropped > 0) {
      LOG.warn(
          "Stopped with {} forward{} not sent to the target; Kafka has their notifications",
          dropped,
          dropped == 1 ? "" : "s");
    }
  }

  private void work() {
    while (!Thread.currentThread().isInterrupted()) {
      Forward forward;
      try {
        forward = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      send(forward);
    }
  }

  /** One attempt: done on 2xx, else retried later or dropped. */
  private void send(Forward forward) {
    long start = System.nanoTime();
    if (forward.attempts == 0) {
      forward.firstAttemptNanos = start;
    }
    forward.attempts++;
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/json")
            .header(Signature.HEADER, forward.signature)
            .header(FORWARDED_HEADER, "cart-rescue-webhooks")
            .POST(HttpRequest.BodyPublishers.ofByteArray(forward.body, 0, forward.length))
            .build();
    ForwardFailure failure;
    String why;
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status >= 200 && status < 300) {
        metrics.forwarded(System.nanoTime() - forward.acceptedNanos);
        done(forward);
        return;
      }
      failure =
          status == 429
              ? ForwardFailure.TOO_MANY_REQUESTS
              : status >= 500 ? ForwardFailure.SERVER_ERROR : ForwardFailure.REFUSED;
      why = "the target answered " + status;
    } catch (HttpTimeoutException e) {
      failure = ForwardFailure.TIMEOUT;
      why = e.getClass().getSimpleName();
    } catch (IOException e) {
      failure = ForwardFailure.IO;
      why = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
    } catch (InterruptedException e) {
      // Stopping: close() interrupts the threads once its grace is over.
      Thread.currentThread().interrupt();
      dropOnStop(forward);
      return;
    }
    metrics.forwardFailed(failure);
    if (failure == ForwardFailure.REFUSED) {
      metrics.forwardDropped(ForwardDrop.REFUSED);
      warnings.warn(
          "forward-refused-" + why,
          "A forward dropped: "
              + why
              + ", which is not retried (check "
              + ReceiverOption.FORWARD_URL.key()
              + ", and that the target checks this app's signature)");
      done(forward);
      return;
    }
    if (closing) {
      dropOnStop(forward);
      return;
    }
    long due = System.nanoTime() + backoff(forward.attempts);
    if (forward.attempts >= settings.attempts()
        || due - forward.firstAttemptNanos > settings.retryWindow().toNanos()) {
      metrics.forwardDropped(ForwardDrop.RETRIES_EXHAUSTED);
      warnings.warn(
          "forward-exhausted",
          "A forward dropped after "
              + forward.attempts
              + " attempts in "
              + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - forward.firstAttemptNanos)
              + " s, the last: "
              + why);
      done(forward);
      return;
    }
    forward.dueNanos = due;
    queue.put(forward);
  }

  /** The wait after attempt {@code attempt} (from 1), ±20 %. */
  private long backoff(int attempt) {
    List<Duration> backoffs = settings.backoffs();
    long nanos = backoffs.get(Math.min(attempt, backoffs.size()) - 1).toNanos();
    return (long) (nanos * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
  }

  private void dropOnStop(Forward forward) {
    metrics.forwardDropped(ForwardDrop.STOPPING);
    droppedOnStop.incrementAndGet();
    done(forward);
  }

  /** The forward is no longer held. */
  private void done(Forward forward) {
    synchronized (lock) {
      held--;
      heldBytes -= forward.length;
      metrics.forwardQueue().set(held);
      lock.notifyAll();
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** A notification to forward, and where its attempts stand. */
  private static final class Forward implements Delayed {
    final byte[] body;
    final int length;
    final String signature;
    final long arrival;
    final long acceptedNanos = System.nanoTime();

    /** Written by the one thread that holds it, read by the next after the queue's hand-over. */
    int attempts;

    long firstAttemptNanos;
    long dueNanos = acceptedNanos;

    Forward(byte[] body, int length, String signature, long arrival) {
      this.body = body;
      this.length = length;
      this.signature = signature;
      this.arrival = arrival;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Forward that = (Forward) other;
      int byDue = Long.compare(dueNanos - that.dueNanos, 0);
      return byDue != 0 ? byDue : Long.compare(arrival, that.arrival);
    }
  }
}
