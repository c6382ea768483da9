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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>{@code POST /{version}/{phone-number-id}/messages} and {@code
 * /{version}/{phone-number-id}/marketing_messages} (the Marketing Messages API: the same template,
 * with its own optional fields) are decided in this order, the first that applies answering:
 *
 * <ol>
 *   <li>an outage ({@link #startOutage}, {@link #outageFor}): HTTP 503 with a plain-text body and
 *       no Cloud API error, as a load balancer with no healthy backend answers;
 *   <li>a send that gets no answer ({@link #noAnswerNext}): recorded with status 0 and left open
 *       until the client gives up (or the simulator is reset or closed); nothing is delivered;
 *   <li>the bearer token (missing or wrong: HTTP 401, code 190, {@code OAuthException});
 *   <li>an injected failure ({@link #failNext});
 *   <li>the body ({@link SendRequestValidator} lists the rejections and their codes);
 *   <li>on {@code /marketing_messages}, a business that has not onboarded to the Marketing Messages
 *       API ({@link #refuseMarketingMessages}): HTTP 400 code 131055;
 *   <li>the template's approved languages ({@link #approveLanguages}): another language is HTTP 404
 *       code 132001, as for a template without that translation;
 *   <li>a number that stopped marketing messages ({@link #optOut}): HTTP 400 code 131050;
 *   <li>the pair rate ({@link #enforcePairRate}): a second message to one number within the window
 *       is HTTP 400 code 131056;
 *   <li>the throughput limit ({@link #limitThroughput}): more accepted messages than the limit in
 *       the last second is HTTP 400 code 130429.
 * </ol>
 *
 * An accepted send answers HTTP 200 with a fresh {@code wamid.} id (on {@code /marketing_messages}
 * with {@code "message_status":"accepted"}, as that endpoint answers). Other POST paths get HTTP
 * 400 code 100, as the Graph API answers an unsupported request. Injections are off until a test
 * turns them on, and {@link #reset()} turns them all off again.
 *
 * <p>{@link #postWebhooksTo} makes it post Meta's webhook notifications (statuses, replies,
 * preference changes) for every message it accepts from then on, signed, to a receiver; see {@link
 * WebhookPoster}.
 *
 * <p>{@code GET /} (or {@code /messages}) shows the delivered messages as a phone would, newest
 * first, refreshing every 2 s; {@code GET /_sim/messages.json} gives the same data as JSON. On the
 * page a person can tap a message's buttons: "Chat with an advisor" ({@code POST
 * /_sim/messages/{id}/advisor}) has the webhook poster post the tap, signed, as Meta would; "View
 * cart" ({@code GET /_sim/messages/{id}/cart}) opens a page standing in for the shop's cart.
 *
 * <p>Every decision (token, injection, recording) is taken when a request arrives; the simulated
 * latency is then spent before the answer, so a client that gives up early still leaves its message
 * delivered, as it would be at Meta.
 */
public final class CloudApiSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudApiSimulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEND_PATH =
      Pattern.compile("/(v\\d+\\.\\d+)/([^/]+)/(messages|marketing_messages)/?");

  private static final Pattern PHONE_PATH = Pattern.compile("/_sim/messages/([^/]+)/(\\w+)");

  private static final String MARKETING_MESSAGES = "marketing_messages";

  /** Handlers never wait (latency is spent on the scheduler), so a few threads serve many. */
  private static final int THREADS = 8;

  private static final String OUTAGE_TEXT = "Service Unavailable\n";

  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();
  private final AtomicInteger sequence = new AtomicInteger();

  // Guarded by lock.
  private final List<ReceivedMessage> received = new ArrayList<>();
  private final List<ReceivedRequest> requests = new ArrayList<>();
  private final List<HttpExchange> unanswered = new ArrayList<>();
  private final Set<String> optedOut = new HashSet<>();
  private final Map<String, Integer> advisorTaps = new HashMap<>();
  private final Set<String> approvedLanguages = new HashSet<>();
  private final Map<String, Instant> lastAcceptedTo = new HashMap<>();
  private final Deque<Instant> acceptedInLastSecond = new ArrayDeque<>();
  private String expectedToken;
  private Duration minLatency = Duration.ZERO;
  private Duration maxLatency = Duration.ZERO;
  private int failuresLeft;
  private int failureStatus;
  private int failureCode;
  private int noAnswersLeft;
  private boolean outage;
  private Duration pairRateWindow = Duration.ZERO;
  private int throughputPerSecond;
  private boolean marketingMessagesRefused;
  private WebhookPoster webhooks;

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
    setLatency(latency, latency);
  }

  /**
   * Adds a delay drawn evenly from {@code [min, max]} before every answer, as real round trips
   * vary.
   */
  public void setLatency(Duration min, Duration max) {
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ", " + max);
    }
    synchronized (lock) {
      this.minLatency = min;
      this.maxLatency = max;
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

  /**
   * Leaves the next {@code count} sends without an answer, as when a request is lost on the way:
   * recorded with status 0, nothing delivered, the connection held open until the client gives up.
   */
  public void noAnswerNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    synchronized (lock) {
      noAnswersLeft = count;
    }
  }

  /** Answers every send with HTTP 503 and no Cloud API error until {@link #endOutage()}. */
  public void startOutage() {
    synchronized (lock) {
      outage = true;
    }
  }

  public void endOutage() {
    synchronized (lock) {
      outage = false;
    }
  }

  /** An outage that ends by itself after {@code duration}. */
  public void outageFor(Duration duration) {
    startOutage();
    try {
      scheduler.schedule(this::endOutage, duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      LOG.debug("Cloud API simulator is closing; the outage will not end by itself");
    }
  }

  /**
   * Sends to this number (E.164 with '+') fail with 131050: the user stopped marketing messages.
   */
  public void optOut(String to) {
    synchronized (lock) {
      optedOut.add(Objects.requireNonNull(to, "to"));
    }
  }

  /**
   * Accepts only these template language codes; any other gets 132001 (the template does not exist
   * in that translation). With none given, every language is accepted (the default).
   */
  public void approveLanguages(String... codes) {
    synchronized (lock) {
      approvedLanguages.clear();
      approvedLanguages.addAll(List.of(codes));
    }
  }

  /**
   * Refuses a message with 131056 when the same number got an accepted message less than {@code
   * window} before (Meta's pair rate: one message per 6 seconds); {@link Duration#ZERO} turns it
   * off (the default).
   */
  public void enforcePairRate(Duration window) {
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must not be negative: " + window);
    }
    synchronized (lock) {
      pairRateWindow = window;
    }
  }

  /**
   * Refuses a message with 130429 when {@code messagesPerSecond} messages were already accepted in
   * the second before it arrived, as Meta's throughput limit does; 0 turns it off (the default).
   */
  public void limitThroughput(int messagesPerSecond) {
    if (messagesPerSecond < 0) {
      throw new IllegalArgumentException("must not be negative: " + messagesPerSecond);
    }
    synchronized (lock) {
      throughputPerSecond = messagesPerSecond;
    }
  }

  /**
   * Answers every send to {@code /marketing_messages} with HTTP 400 code 131055, as for a business
   * that has not accepted the Marketing Messages API's terms (or a template that is not a marketing
   * one); {@code false} (the default) accepts them again. {@code /messages} is not affected.
   */
  public void refuseMarketingMessages(boolean refuse) {
    synchronized (lock) {
      marketingMessagesRefused = refuse;
    }
  }

  /**
   * From now on, posts Meta's webhook notifications for every message this simulator accepts to
   * {@code url}, signed with {@code appSecret}, as {@code scenario} plays them (statuses, replies,
   * preference stops, re-deliveries). Posting is asynchronous: it never delays a send's answer.
   * Replaces (and closes) the poster a previous call started; {@link #reset()} and {@link #close()}
   * stop it.
   *
   * @return the poster, for its counts
   */
  public WebhookPoster postWebhooksTo(URI url, String appSecret, WebhookScenario scenario) {
    WebhookPoster poster = WebhookPoster.start(url, appSecret, scenario);
    WebhookPoster previous;
    synchronized (lock) {
      previous = webhooks;
      webhooks = poster;
    }
    if (previous != null) {
      previous.close();
    }
    return poster;
  }

  /** {@link #postWebhooksTo(URI, String, WebhookScenario)} with {@link WebhookScenario#demo()}. */
  public WebhookPoster postWebhooksTo(URI url, String appSecret) {
    return postWebhooksTo(url, appSecret, WebhookScenario.demo());
  }

  /** The poster {@link #postWebhooksTo} started, if it still runs. */
  public Optional<WebhookPoster> webhooks() {
    synchronized (lock) {
      return Optional.ofNullable(webhooks);
    }
  }

  /** Stops posting webhooks (notifications not yet posted are dropped). */
  public void stopWebhooks() {
    WebhookPoster poster;
    synchronized (lock) {
      poster = webhooks;
      webhooks = null;
    }
    if (poster != null) {
      poster.close();
    }
  }

  /**
   * How many accepted messages carried each {@code biz_opaque_callback_data} (messages without one
   * are left out): a value above 1 is a message delivered twice.
   */
  public Map<String, Long> acceptedCountByCallbackData() {
    Map<String, Long> counts = new TreeMap<>();
    for (ReceivedMessage message : received()) {
      JsonNode data = message.body().get("biz_opaque_callback_data");
      if (data != null && data.isTextual()) {
        counts.merge(data.textValue(), 1L, Long::sum);
      }
    }
    return counts;
  }

  /**
   * Forgets every recorded request and message, the latency and every injection, stops posting
   * webhooks, and drops the connections left without an answer.
   */
  public void reset() {
    stopWebhooks();
    synchronized (lock) {
      received.clear();
      requests.clear();
      minLatency = Duration.ZERO;
      maxLatency = Duration.ZERO;
      failuresLeft = 0;
      noAnswersLeft = 0;
      outage = false;
      optedOut.clear();
      advisorTaps.clear();
      approvedLanguages.clear();
      lastAcceptedTo.clear();
      acceptedInLastSecond.clear();
      pairRateWindow = Duration.ZERO;
      throughputPerSecond = 0;
      marketingMessagesRefused = false;
      unanswered.forEach(HttpExchange::close);
      unanswered.clear();
    }
  }

  @Override
  public void close() {
    stopWebhooks();
    synchronized (lock) {
      unanswered.forEach(HttpExchange::close);
      unanswered.clear();
    }
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
    Matcher phone = PHONE_PATH.matcher(path);
    if (method.equals("POST") && !phone.matches()) {
      handleSend(exchange, path);
      return;
    }
    try (exchange) {
      if (phone.matches()) {
        handlePhone(exchange, method, phone.group(1), phone.group(2));
      } else if (method.equals("GET") && (path.equals("/") || path.equals("/messages"))) {
        respond(exchange, 200, "text/html; charset=utf-8", Inbox.html(received(), this::phoneView));
      } else if (method.equals("GET") && path.equals("/_sim/messages.json")) {
        respond(exchange, 200, "application/json", Inbox.json(received()).toString());
      } else {
        respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (IOException e) {
      LOG.debug("Cloud API simulator could not answer a request", e);
    }
  }

  /**
   * The phone page's buttons. {@code POST .../advisor} taps "Chat with an advisor": the webhook
   * poster posts the tap, signed, and the page is shown again (303 to {@code /}). {@code GET
   * .../cart} is what "View cart" opens; a URL button sends no webhook, as on WhatsApp.
   */
  private void handlePhone(HttpExchange exchange, String method, String messageId, String button)
      throws IOException {
    ReceivedMessage message = null;
    WebhookPoster poster;
    synchronized (lock) {
      for (ReceivedMessage m : received) {
        if (m.messageId().equals(messageId)) {
          message = m;
          break;
        }
      }
      poster = webhooks;
    }
    String text = "text/plain; charset=utf-8";
    String blocked = message == null ? null : phoneView(message, poster).blocked();
    if (message == null) {
      respond(exchange, 404, text, "no delivered message " + messageId + "\n");
    } else if (button.equals("cart") && method.equals("GET")) {
      respond(exchange, 200, "text/html; charset=utf-8", Inbox.cartPage(message));
    } else if (!button.equals("advisor") || !method.equals("POST")) {
      respond(exchange, 405, text, "POST .../advisor or GET .../cart\n");
    } else if (blocked != null) {
      respond(exchange, 409, text, blocked + "\n");
    } else {
      poster.tapAdvisor(message);
      synchronized (lock) {
        advisorTaps.merge(messageId, 1, Integer::sum);
      }
      exchange.getResponseHeaders().set("Location", "/");
      respond(exchange, 303, text, "tapped\n");
    }
  }

  /** What the phone page shows of a message beyond its content: taps, and why it cannot be. */
  private Inbox.PhoneView phoneView(ReceivedMessage message) {
    WebhookPoster poster;
    synchronized (lock) {
      poster = webhooks;
    }
    return phoneView(message, poster);
  }

  /** The same with the poster that would post a tap, read once by the caller. */
  private Inbox.PhoneView phoneView(ReceivedMessage message, WebhookPoster poster) {
    int taps;
    synchronized (lock) {
      taps = advisorTaps.getOrDefault(message.messageId(), 0);
    }
    if (poster == null) {
      return new Inbox.PhoneView(taps, "no webhooks are posted, so a tap would reach nobody");
    }
    Integer failure = poster.failureCodeFor(message);
    return new Inbox.PhoneView(taps, failure == null ? null : "not delivered (" + failure + ")");
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
    WebhookPoster poster;
    synchronized (lock) {
      answer = decide(at, path, authorization, body);
      requests.add(
          new ReceivedRequest(
              at, path, endpointOf(path), answer.status(), body, answer.errorCode()));
      if (answer == Answer.NONE) {
        unanswered.add(exchange);
        return;
      }
      delay = latency();
      poster = webhooks;
    }
    if (poster != null && answer.accepted() != null) {
      poster.accepted(answer.accepted());
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

  /** Called under the lock. */
  private Duration latency() {
    if (minLatency.equals(maxLatency)) {
      return minLatency;
    }
    long spread = maxLatency.toNanos() - minLatency.toNanos();
    return minLatency.plusNanos(ThreadLocalRandom.current().nextLong(spread + 1));
  }

  private static void send(HttpExchange exchange, Answer answer) {
    try (exchange) {
      if (answer.status() == 401) {
        exchange
            .getResponseHeaders()
            .set("WWW-Authenticate", "OAuth \"Facebook Platform\" \"invalid_token\"");
      }
      if (answer.body() == null) {
        respond(exchange, answer.status(), "text/plain; charset=utf-8", OUTAGE_TEXT);
      } else {
        respond(exchange, answer.status(), "application/json", answer.body().toString());
      }
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
    if (outage) {
      return Answer.OUTAGE;
    }
    if (noAnswersLeft > 0) {
      noAnswersLeft--;
      return Answer.NONE;
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
    boolean marketing = send.group(3).equals(MARKETING_MESSAGES);
    Optional<CloudApiError> rejection = SendRequestValidator.check(body, marketing);
    if (rejection.isPresent()) {
      return error(rejection.get());
    }
    if (marketing && marketingMessagesRefused) {
      return error(
          CloudApiError.of(
              400,
              131055,
              "the business has not accepted the Marketing Messages API terms of service"));
    }
    String to = body.get("to").textValue();
    String language = body.path("template").path("language").path("code").asText();
    if (!approvedLanguages.isEmpty() && !approvedLanguages.contains(language)) {
      return error(
          CloudApiError.of(
              404, 132001, "template name does not exist in the translation " + language));
    }
    if (optedOut.contains(to)) {
      return error(CloudApiError.of(400, 131050, "the user stopped marketing messages"));
    }
    Instant last = lastAcceptedTo.get(to);
    if (!pairRateWindow.isZero() && last != null && at.isBefore(last.plus(pairRateWindow))) {
      return error(
          CloudApiError.of(
              400,
              131056,
              "a message to this number was accepted "
                  + Duration.between(last, at).toMillis()
                  + " ms before"));
    }
    while (!acceptedInLastSecond.isEmpty()
        && !acceptedInLastSecond.peekFirst().isAfter(at.minusSeconds(1))) {
      acceptedInLastSecond.removeFirst();
    }
    if (throughputPerSecond > 0 && acceptedInLastSecond.size() >= throughputPerSecond) {
      return error(
          CloudApiError.of(
              400, 130429, "more than " + throughputPerSecond + " messages in one second"));
    }
    String messageId = newMessageId();
    ReceivedMessage message =
        new ReceivedMessage(at, send.group(2), send.group(3), to, messageId, body);
    received.add(message);
    lastAcceptedTo.put(to, at);
    acceptedInLastSecond.addLast(at);
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    answer.put("messaging_product", "whatsapp");
    ObjectNode contact = answer.putArray("contacts").addObject();
    contact.put("input", to);
    contact.put("wa_id", to.substring(1));
    ObjectNode sent = answer.putArray("messages").addObject().put("id", messageId);
    if (marketing) {
      sent.put("message_status", "accepted");
    }
    return new Answer(200, answer, null, message);
  }

  /** The send endpoint a path names ({@code messages} or {@code marketing_messages}), or null. */
  static String endpointOf(String path) {
    Matcher send = SEND_PATH.matcher(path);
    return send.matches() ? send.group(3) : null;
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
        error.httpStatus(),
        error.toJson("A" + HexFormat.of().formatHex(trace)),
        error.code(),
        null);
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

  /**
   * @param body null for a plain-text answer without a Cloud API error
   * @param accepted the message, when the send was accepted
   */
  private record Answer(int status, JsonNode body, Integer errorCode, ReceivedMessage accepted) {
    /** Recorded with status 0 and never answered. */
    static final Answer NONE = new Answer(0, null, null, null);

    static final Answer OUTAGE = new Answer(503, null, null, null);
  }
}
