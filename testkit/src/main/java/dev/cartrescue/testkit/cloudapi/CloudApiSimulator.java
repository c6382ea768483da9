package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real HTTP server on 127.0.0.1 that answers template sends like Meta's WhatsApp Cloud API, for
 * tests and the demo.
 *
 * <p>{@code POST /{version}/{phone-number-id}/messages} is checked in Meta's order: the bearer
 * token (missing or wrong: HTTP 401, code 190, {@code OAuthException}), then any injected failure
 * ({@link #failNext}), then the body ({@link SendRequestValidator} lists the rejections and their
 * codes). An accepted send answers HTTP 200 with a fresh {@code wamid.} id. Other POST paths get
 * HTTP 400 code 100, as the Graph API answers an unsupported request.
 *
 * <p>{@code GET /} (or {@code /messages}) shows the delivered messages as a phone would, newest
 * first, refreshing every 2 s; {@code GET /_sim/messages.json} gives the same data as JSON.
 *
 * <p>Every decision (token, injection, recording) is taken when a request arrives; the simulated
 * latency is then spent before the answer, so a client that gives up early still leaves its message
 * delivered, as it would be at Meta.
 */
public final class CloudApiSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudApiSimulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEND_PATH = Pattern.compile("/(v\\d+\\.\\d+)/([^/]+)/messages/?");

  /** Handlers never wait (latency is spent on the scheduler), so a few threads serve many. */
  private static final int THREADS = 8;

  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();
  private final AtomicInteger sequence = new AtomicInteger();

  // Guarded by lock.
  private final List<ReceivedMessage> received = new ArrayList<>();
  private final List<ReceivedRequest> requests = new ArrayList<>();
  private String expectedToken;
  private Duration latency = Duration.ZERO;
  private int failuresLeft;
  private int failureStatus;
  private int failureCode;

  private CloudApiSimulator(
      HttpServer server,
      ExecutorService executor,
      ScheduledExecutorService scheduler,
      String expectedToken) {
    this.server = server;
    this.executor = executor;
    this.scheduler = scheduler;
    this.expectedToken = expectedToken;
  }

  /**
   * Starts a simulator on 127.0.0.1.
   *
   * @param port the port to listen on, 0 for any free port
   * @param expectedToken the access token that requests must carry as {@code Bearer}
   */
  public static CloudApiSimulator start(int port, String expectedToken) {
    Objects.requireNonNull(expectedToken, "expectedToken");
    HttpServer server;
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(THREADS, daemonThreads("cloud-api-sim-"));
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("cloud-api-sim-latency-"));
    CloudApiSimulator simulator = new CloudApiSimulator(server, executor, scheduler, expectedToken);
    server.createContext("/", simulator::handle);
    server.setExecutor(executor);
    server.start();
    LOG.debug("Cloud API simulator listening on {}", simulator.baseUrl());
    return simulator;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger number = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** {@code http://127.0.0.1:<port>}, to use as the Cloud API base URL. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The messages it accepted (HTTP 200), in arrival order. */
  public List<ReceivedMessage> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** Every POST it got, accepted or not, in arrival order. */
  public List<ReceivedRequest> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** Adds this delay before every answer (not before recording the request and deciding). */
  public void setLatency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    synchronized (lock) {
      this.latency = latency;
    }
  }

  /**
   * Answers the next {@code count} authenticated sends with this Cloud API error, whatever their
   * body, in Meta's error shape.
   */
  public void failNext(int count, int httpStatus, int errorCode) {
    if (count < 0 || httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException(
          "need count >= 0 and an HTTP error status, got " + count + ", " + httpStatus);
    }
    synchronized (lock) {
      failuresLeft = count;
      failureStatus = httpStatus;
      failureCode = errorCode;
    }
  }

  /** Accepts only this token from now on, as after a token rotation. */
  public void setToken(String expectedToken) {
    Objects.requireNonNull(expectedToken, "expectedToken");
    synchronized (lock) {
      this.expectedToken = expectedToken;
    }
  }

  /** Forgets every recorded request and message, the latency and any injected failure. */
  public void reset() {
    synchronized (lock) {
      received.clear();
      requests.clear();
      latency = Duration.ZERO;
      failuresLeft = 0;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    scheduler.shutdownNow();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    if (method.equals("POST")) {
      handleSend(exchange, path);
      return;
    }
    try (exchange) {
      if (method.equals("GET") && (path.equals("/") || path.equals("/messages"))) {
        respond(exchange, 200, "text/html; charset=utf-8", Inbox.html(received()));
      } else if (method.equals("GET") && path.equals("/_sim/messages.json")) {
        respond(exchange, 200, "application/json", Inbox.json(received()).toString());
      } else {
        respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (IOException e) {
      LOG.debug("Cloud API simulator could not answer a request", e);
    }
  }

  /** Decides and records at once; only the answer waits for the latency, on the scheduler. */
  private void handleSend(HttpExchange exchange, String path) {
    Instant at = Instant.now();
    byte[] raw;
    try {
      raw = exchange.getRequestBody().readAllBytes();
    } catch (IOException e) {
      exchange.close();
      return;
    }
    JsonNode body = parse(raw);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Answer answer;
    Duration delay;
    synchronized (lock) {
      answer = decide(at, path, authorization, body);
      requests.add(new ReceivedRequest(at, path, answer.status(), body, answer.errorCode()));
      delay = latency;
    }
    if (delay.isZero()) {
      send(exchange, answer);
      return;
    }
    try {
      scheduler.schedule(() -> send(exchange, answer), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, Answer answer) {
    try (exchange) {
      if (answer.status() == 401) {
        exchange
            .getResponseHeaders()
            .set("WWW-Authenticate", "OAuth \"Facebook Platform\" \"invalid_token\"");
      }
      respond(exchange, answer.status(), "application/json", answer.body().toString());
    } catch (IOException e) {
      LOG.debug("Cloud API simulator could not answer a send (the client may have given up)", e);
    }
  }

  /** Takes the whole decision for one send; called under the lock. */
  private Answer decide(Instant at, String path, String authorization, JsonNode body) {
    Matcher send = SEND_PATH.matcher(path);
    if (!send.matches()) {
      return error(CloudApiError.of(400, 100, "Unsupported post request: " + path));
    }
    if (authorization == null) {
      return error(CloudApiError.of(401, 190, "An access token is required"));
    }
    if (!authorization.equals("Bearer " + expectedToken)) {
      return error(CloudApiError.of(401, 190, "The access token is invalid or has expired"));
    }
    if (failuresLeft > 0) {
      failuresLeft--;
      return error(CloudApiError.of(failureStatus, failureCode, "injected by the simulator"));
    }
    if (body == null) {
      return error(CloudApiError.of(400, 100, "the request body is not valid JSON"));
    }
    Optional<CloudApiError> rejection = SendRequestValidator.check(body);
    if (rejection.isPresent()) {
      return error(rejection.get());
    }
    String to = body.get("to").textValue();
    String messageId = newMessageId();
    received.add(new ReceivedMessage(at, send.group(2), to, messageId, body));
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    answer.put("messaging_product", "whatsapp");
    ObjectNode contact = answer.putArray("contacts").addObject();
    contact.put("input", to);
    contact.put("wa_id", to.substring(1));
    answer.putArray("messages").addObject().put("id", messageId);
    return new Answer(200, answer, null);
  }

  private String newMessageId() {
    byte[] random = new byte[12];
    ThreadLocalRandom.current().nextBytes(random);
    return "wamid.SIM" + sequence.incrementAndGet() + "." + HexFormat.of().formatHex(random);
  }

  private static Answer error(CloudApiError error) {
    byte[] trace = new byte[8];
    ThreadLocalRandom.current().nextBytes(trace);
    return new Answer(
        error.httpStatus(), error.toJson("A" + HexFormat.of().formatHex(trace)), error.code());
  }

  private static JsonNode parse(byte[] raw) {
    try {
      JsonNode tree = JSON.readTree(raw);
      return tree == null || tree.isMissingNode() ? null : tree;
    } catch (IOException notJson) {
      return null;
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private record Answer(int status, JsonNode body, Integer errorCode) {}
}
