package dev.cartrescue.webhooks;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cartrescue.webhooks.ReceiverMetrics.Cause;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WhatsApp webhook receiver: Meta's notifications in, one Kafka record each out.
 *
 * <ul>
 *   <li>{@code GET /webhooks/whatsapp}: Meta's verification. {@code hub.mode=subscribe} and the
 *       right {@code hub.verify_token} give 200 and the {@code hub.challenge}; anything else 403.
 *   <li>{@code POST /webhooks/whatsapp}: at most {@value #MAX_BODY_BYTES} bytes (413 beyond),
 *       signed with the app secret ({@code X-Hub-Signature-256}; 401 and nothing written when it
 *       does not match), not empty (400). The raw body is written to Kafka unchanged, and 200 comes
 *       only after the broker acknowledged it; when Kafka cannot take it, 503, and Meta retries.
 *       The JSON is not parsed: the job reads it, and dead-letters what it cannot read.
 *   <li>{@code GET /healthz}: 200 {@code ok}, or 503 while the last write to Kafka failed within
 *       the last {@value #UNHEALTHY_AFTER_FAILURE_SECONDS} s. {@code GET /metrics}: Prometheus.
 * </ul>
 *
 * <p>With {@code webhooks.forward-url}, each POST answered 200 is then also forwarded, as it came,
 * to that URL ({@link Forwarder}: asynchronous, bounded, best effort); the verification GET is not,
 * and neither is a POST that a receiver forwarded. Whether forwards get through changes no answer
 * to Meta and not {@code /healthz}.
 *
 * <p>Requests are handled by a bounded pool of {@value #THREADS} threads, each waiting for its
 * record's ack, behind a queue of {@value #QUEUE} requests; beyond that a request is answered 503
 * at once, without reading its body, and Meta retries it. Nothing is logged per accepted request,
 * and no body is ever logged: notifications hold phone numbers.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** Where Meta is told to send its webhooks (the callback URL's path). */
  public static final String PATH = "/webhooks/whatsapp";

  /** Meta's largest payload: 3 MB. */
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  /** The Kafka record header with the time of the POST: epoch milliseconds as text. */
  public static final String RECEIVED_AT_HEADER = KafkaWriter.RECEIVED_AT_HEADER;

  static final int THREADS = 64;
  static final int QUEUE = 1024;

  /** How long {@link #close()} lets requests in flight finish. */
  static final Duration GRACE = Duration.ofSeconds(5);

  static final long UNHEALTHY_AFTER_FAILURE_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final Duration LOG_PERIOD = Duration.ofSeconds(10);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  /** Set on the overflow thread while it runs a request the pool refused. */
  private static final ThreadLocal<Boolean> OVERFLOW = ThreadLocal.withInitial(() -> false);

  private final ReceiverOptions options;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  /**
   * Runs the requests the full pool refuses, one at a time, to answer them 503 at once: refusing
   * the task outright would leave the server's dispatcher to close the connection unanswered.
   */
  private final ExecutorService overflow;

  private final KafkaWriter kafka;

  /** Null without {@code webhooks.forward-url}. */
  private final Forwarder forwarder;

  private final Signature signature;
  private final byte[] verifyToken;
  private final ReceiverMetrics metrics = new ReceiverMetrics();
  private final RateLimitedLog warnings = new RateLimitedLog(LOG, LOG_PERIOD);

  /** {@code System.nanoTime()} of the last failed write and of the last one acked; 0 for none. */
  private final AtomicLong lastFailureNanos = new AtomicLong();

  private final AtomicLong lastSuccessNanos = new AtomicLong();
  private final Object inFlightLock = new Object();
  private volatile boolean closing;
  private boolean closed;

  private WebhookReceiver(
      ReceiverOptions options,
      KafkaWriter kafka,
      HttpServer server,
      Forwarder.Settings forwarding) {
    this.options = options;
    this.kafka = kafka;
    this.server = server;
    this.forwarder =
        options.forwardUrl().map(url -> new Forwarder(url, forwarding, metrics)).orElse(null);
    this.signature = new Signature(options.appSecret());
    this.verifyToken = options.verifyToken().getBytes(StandardCharsets.UTF_8);
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, "webhooks-http-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            factory,
            (task, pool) -> overflow(task));
    executor.allowCoreThreadTimeOut(true);
    overflow =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "webhooks-http-overflow");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", guarded(this::notFound));
    server.createContext(PATH, guarded(this::webhook));
    server.createContext("/healthz", guarded(this::health));
    server.createContext("/metrics", guarded(this::metrics));
  }

  /**
   * Starts the receiver: the producer, then the HTTP server on {@code options.port()} (all
   * interfaces). Returns once it accepts requests. Kafka need not be reachable yet: until it is,
   * POSTs are answered 503.
   *
   * @throws OptionsException when the port is taken or the producer refuses a {@code
   *     kafka.property}
   */
  public static WebhookReceiver start(ReceiverOptions options) {
    return start(options, Forwarder.Settings.DEFAULT);
  }

  /** As {@link #start(ReceiverOptions)}, forwards sent and retried as {@code forwarding} says. */
  static WebhookReceiver start(ReceiverOptions options, Forwarder.Settings forwarding) {
    KafkaWriter kafka;
    try {
      kafka =
          new KafkaWriter(options.bootstrapServers(), options.kafkaProperties(), options.topic());
    } catch (KafkaException e) {
      throw new OptionsException("option --kafka.property: " + masked(options, e.getMessage()));
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(options.port()), QUEUE);
    } catch (IOException e) {
      kafka.close();
      throw new OptionsException(
          "option --"
              + ReceiverOption.PORT.key()
              + ": cannot listen on "
              + options.port()
              + ": "
              + e.getMessage());
    }
    WebhookReceiver receiver = new WebhookReceiver(options, kafka, server, forwarding);
    try {
      kafka.warmUp();
    } catch (KafkaException e) {
      LOG.warn(
          "Kafka cannot say where topic {} is yet ({}): POSTs are answered 503 until it can",
          options.topic(),
          masked(options, e.getMessage()));
    }
    server.start();
    LOG.info(
        "WhatsApp webhook receiver on port {} ({}), writing to {}; {}",
        receiver.port(),
        PATH,
        options.topic(),
        options.describe());
    return receiver;
  }

  /** The port it listens on (the one chosen when the option was 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The webhook's address on this machine: {@code http://localhost:<port>/webhooks/whatsapp}. */
  public URI url() {
    return URI.create("http://localhost:" + port() + PATH);
  }

  /** Requests being handled now. */
  int inFlight() {
    return metrics.inFlight().get();
  }

  /**
   * Stops accepting (new requests get 503, which Meta retries elsewhere or later), lets requests in
   * flight finish for up to {@link #GRACE}, stops the server, gives the forwards due now a last
   * chance ({@link Forwarder#close()}), then flushes and closes the producer. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closing = true;
    long deadline = System.nanoTime() + GRACE.toNanos();
    synchronized (inFlightLock) {
      while (metrics.inFlight().get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    server.stop(0);
    executor.shutdown();
    overflow.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    kafka.close();
    LOG.info("WhatsApp webhook receiver on port {} stopped", server.getAddress().getPort());
  }

  private void overflow(Runnable exchange) {
    try {
      overflow.execute(
          () -> {
            OVERFLOW.set(true);
            try {
              exchange.run();
            } finally {
              OVERFLOW.set(false);
            }
          });
    } catch (RejectedExecutionException e) {
      // Stopping: the server closes the connection.
    }
  }

  // --- handlers -----------------------------------------------------------------------------

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Counts the request in flight, refuses it while closing, and always closes the exchange. */
  private HttpHandler guarded(Handler handler) {
    return exchange -> {
      metrics.inFlight().incrementAndGet();
      try {
        if (closing) {
          exchange.getResponseHeaders().set("Connection", "close");
          respond(exchange, 503, "stopping\n");
        } else if (OVERFLOW.get()) {
          metrics.rejected(Cause.BUSY);
          warnings.warn(
              "busy", "503 for a request: all " + THREADS + " threads and the queue busy");
          exchange.getResponseHeaders().set("Connection", "close");
          respond(exchange, 503, "busy, retry later\n");
        } else {
          handler.handle(exchange);
        }
      } catch (IOException | UncheckedIOException e) {
        // The client went away mid-request: nothing to answer.
      } finally {
        exchange.close();
        if (metrics.inFlight().decrementAndGet() == 0 && closing) {
          synchronized (inFlightLock) {
            inFlightLock.notifyAll();
          }
        }
      }
    };
  }

  private void notFound(HttpExchange exchange) throws IOException {
    respond(exchange, 404, "not found\n");
  }

  private void webhook(HttpExchange exchange) throws IOException {
    if (!PATH.equals(exchange.getRequestURI().getRawPath())) {
      notFound(exchange);
      return;
    }
    switch (exchange.getRequestMethod()) {
      case "GET" -> verification(exchange);
      case "POST" -> notification(exchange);
      default -> methodNotAllowed(exchange, "GET, POST");
    }
  }

  /** Meta's handshake when the callback URL or the verify token is set in the App Dashboard. */
  private void verification(HttpExchange exchange) throws IOException {
    Map<String, String> query;
    try {
      query = query(exchange.getRequestURI().getRawQuery());
    } catch (IllegalArgumentException e) {
      metrics.rejected(Cause.BAD_REQUEST);
      respond(exchange, 400, "unreadable query\n");
      return;
    }
    String token = query.get("hub.verify_token");
    boolean tokenMatches =
        token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), verifyToken);
    if (!"subscribe".equals(query.get("hub.mode")) || !tokenMatches) {
      metrics.rejected(Cause.VERIFY);
      warnings.warn(
          "verify", "403 for a verification GET: another hub.mode or another verify token");
      respond(exchange, 403, "forbidden\n");
      return;
    }
    String challenge = query.get("hub.challenge");
    if (challenge == null || challenge.isEmpty()) {
      metrics.rejected(Cause.BAD_REQUEST);
      respond(exchange, 400, "no hub.challenge\n");
      return;
    }
    metrics.verified();
    LOG.info("Answered Meta's verification GET: the callback URL is verified");
    respond(exchange, 200, challenge);
  }

  private void notification(HttpExchange exchange) throws IOException {
    long receivedAt = System.currentTimeMillis();
    Body body = Body.read(exchange, MAX_BODY_BYTES);
    if (body == null) {
      metrics.rejected(Cause.TOO_LARGE);
      exchange.getResponseHeaders().set("Connection", "close");
      respond(exchange, 413, "over " + MAX_BODY_BYTES + " bytes\n");
      return;
    }
    if (body.length() == 0) {
      metrics.rejected(Cause.BAD_REQUEST);
      respond(exchange, 400, "empty body\n");
      return;
    }
    if (!signature.matches(
        exchange.getRequestHeaders().getFirst(Signature.HEADER), body.bytes(), body.length())) {
      metrics.rejected(Cause.SIGNATURE);
      warnings.warn(
          "signature",
          "401 for a POST whose "
              + Signature.HEADER
              + " is missing, malformed or not the app secret's (check "
              + ReceiverOption.APP_SECRET_FILE.key()
              + ")");
      respond(exchange, 401, "invalid signature\n");
      return;
    }
    long ackNanos;
    try {
      ackNanos = kafka.write(body.bytes(), body.length(), receivedAt);
    } catch (KafkaWriter.NotWritten e) {
      lastFailureNanos.set(System.nanoTime());
      metrics.rejected(Cause.KAFKA);
      warnings.warn(
          "kafka-" + e.kind(),
          "503 for a POST: Kafka did not take it (" + masked(options, e.getMessage()) + ")");
      respond(exchange, 503, "not stored, retry later\n");
      return;
    }
    lastSuccessNanos.set(System.nanoTime());
    metrics.kafkaAck(ackNanos);
    metrics.accepted();
    respond(exchange, 200, "");
    if (forwarder != null) {
      forwardAfterTheAnswer(exchange, body);
    }
  }

  /** Meta has its 200: the forward is queued, and never sent back to a receiver that forwarded. */
  private void forwardAfterTheAnswer(HttpExchange exchange, Body body) {
    if (exchange.getRequestHeaders().containsKey(Forwarder.FORWARDED_HEADER)) {
      warnings.warn(
          "forwarded-post",
          "A POST forwarded by a receiver is not forwarded again (does "
              + ReceiverOption.FORWARD_URL.key()
              + " name a receiver, maybe this one?)");
      return;
    }
    forwarder.forward(
        body.bytes(), body.length(), exchange.getRequestHeaders().getFirst(Signature.HEADER));
  }

  private void health(HttpExchange exchange) throws IOException {
    if (!"/healthz".equals(exchange.getRequestURI().getRawPath())) {
      notFound(exchange);
    } else if (!"GET".equals(exchange.getRequestMethod())) {
      methodNotAllowed(exchange, "GET");
    } else if (kafkaFailing()) {
      respond(exchange, 503, "kafka failing\n");
    } else {
      respond(exchange, 200, "ok\n");
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!"/metrics".equals(exchange.getRequestURI().getRawPath())) {
      notFound(exchange);
    } else if (!"GET".equals(exchange.getRequestMethod())) {
      methodNotAllowed(exchange, "GET");
    } else {
      exchange.getResponseHeaders().set("Content-Type", PROMETHEUS);
      byte[] text = metrics.prometheusText().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, text.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(text);
      }
    }
  }

  /** The last write failed, recently, and none succeeded since. */
  private boolean kafkaFailing() {
    long failure = lastFailureNanos.get();
    long success = lastSuccessNanos.get();
    return failure != 0
        && (success == 0 || failure - success > 0)
        && System.nanoTime() - failure < TimeUnit.SECONDS.toNanos(UNHEALTHY_AFTER_FAILURE_SECONDS);
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    respond(exchange, 405, "method not allowed\n");
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", TEXT);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Cache-Control", "no-store");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** A query's parameters, decoded; the first of repeated ones. */
  static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  /** {@code message} with the values of secret-looking producer properties masked. */
  private static String masked(ReceiverOptions options, String message) {
    String text = message == null ? "no message" : message;
    for (Map.Entry<String, String> p : options.kafkaProperties().entrySet()) {
      if (Secrets.isSecret(ReceiverOption.KAFKA_PROPERTY_PREFIX + p.getKey())
          && !p.getValue().isEmpty()) {
        text = text.replace(p.getValue(), Secrets.MASK);
      }
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /** A request body read into memory, up to a limit. */
  record Body(byte[] bytes, int length) {
    /**
     * Reads the body, or returns null when it is over {@code max} bytes: at once when its {@code
     * Content-Length} says so, otherwise as soon as {@code max + 1} bytes have arrived. Never reads
     * more than that.
     */
    static Body read(HttpExchange exchange, int max) throws IOException {
      String declared = exchange.getRequestHeaders().getFirst("Content-Length");
      int expected = -1;
      if (declared != null) {
        try {
          long n = Long.parseLong(declared.strip());
          if (n > max) {
            return null;
          }
          expected = (int) n;
        } catch (NumberFormatException e) {
          // The server has refused a malformed Content-Length already; read as chunked.
        }
      }
      byte[] buffer = new byte[expected >= 0 ? expected : Math.min(max + 1, 64 * 1024)];
      int length = 0;
      try (InputStream in = exchange.getRequestBody()) {
        while (true) {
          if (length == buffer.length) {
            if (length > max) {
              return null;
            }
            if (expected >= 0) {
              // Content-Length reached: the stream ends here.
              break;
            }
            buffer = Arrays.copyOf(buffer, Math.min(max + 1, buffer.length * 2));
          }
          int n = in.read(buffer, length, buffer.length - length);
          if (n < 0) {
            break;
          }
          length += n;
        }
      }
      return new Body(buffer, length);
    }
  }
}
