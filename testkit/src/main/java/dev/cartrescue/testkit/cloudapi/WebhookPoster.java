package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.testkit.cloudapi.WebhookPayloads.Recipient;
import dev.cartrescue.testkit.cloudapi.WebhookScenario.Kind;
import dev.cartrescue.testkit.cloudapi.WebhookScenario.Plan;
import dev.cartrescue.testkit.cloudapi.WebhookScenario.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts Meta-shaped WhatsApp webhook notifications to a receiver, as Meta does for a business's
 * messages: statuses ({@code sent}, {@code delivered}, {@code read}, {@code failed}), the user's
 * text replies and {@code user_preferences} changes, each POST signed with the app secret in {@code
 * X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body bytes>}. The simulator hands it every
 * message it accepts ({@link CloudApiSimulator#postWebhooksTo}); a {@link WebhookScenario} decides
 * what each one gets and when.
 *
 * <p>Everything happens on its own threads: {@link #accepted} only schedules. Like Meta, it batches
 * some changes into one POST, re-delivers some notifications, escapes non-ASCII characters (so that
 * only a receiver that hashes the raw bytes, not a re-serialised tree, verifies the signature), and
 * retries a POST not answered 200 with a doubling backoff for a bounded time. {@link #close()}
 * stops it; notifications not yet posted are dropped.
 */
public final class WebhookPoster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookPoster.class);

  /** Meta escapes non-ASCII characters in its webhook bodies. */
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final Duration BATCH_WINDOW = Duration.ofMillis(200);
  private static final int MAX_BATCH = 1000;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final URI url;
  private final String appSecret;
  private final WebhookScenario scenario;
  private final ExecutorService httpThreads;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger replySequence = new AtomicInteger();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicLong posts = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();
  private final AtomicLong gaveUp = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final Map<Kind, AtomicLong> byKind = new EnumMap<>(Kind.class);

  // Guarded by itself.
  private final List<Notification> batch = new ArrayList<>();

  /** One change to post, and what it counts as once the receiver has it. */
  private record Notification(ObjectNode change, Kind kind, boolean duplicate) {}

  /** One POST: its exact bytes, retried as they are. */
  private record Post(List<Notification> notifications, byte[] body, Instant firstAttempt) {}

  private WebhookPoster(URI url, String appSecret, WebhookScenario scenario) {
    this.url = Objects.requireNonNull(url, "url");
    this.appSecret = Objects.requireNonNull(appSecret, "appSecret");
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    for (Kind kind : Kind.values()) {
      byKind.put(kind, new AtomicLong());
    }
    this.httpThreads = Executors.newFixedThreadPool(2, daemonThreads("webhook-poster-http-"));
    this.http =
        HttpClient.newBuilder()
            .executor(httpThreads)
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("webhook-poster-"));
  }

  /** Starts a poster; {@link CloudApiSimulator#postWebhooksTo} is the usual way. */
  public static WebhookPoster start(URI url, String appSecret, WebhookScenario scenario) {
    return new WebhookPoster(url, appSecret, scenario);
  }

  /** Schedules the notifications {@code message} gets from the scenario; returns at once. */
  public void accepted(ReceivedMessage message) {
    Recipient recipient = Recipient.of(message, scenario.wabaId(), scenario.displayPhoneNumber());
    Plan plan = scenario.planFor(message.to());
    for (Step step : plan.steps()) {
      outstanding.incrementAndGet();
      if (step.repeatedAfter() != null) {
        outstanding.incrementAndGet();
      }
      schedule(() -> due(recipient, message.to(), step, plan.failureCode()), step.after());
    }
  }

  /**
   * Posts now, alone, a tap on "Chat with an advisor" by the recipient of {@code message}, as a
   * person on the phone page makes it; each call is a new tap with its own message id.
   */
  public void tapAdvisor(ReceivedMessage message) {
    Recipient recipient = Recipient.of(message, scenario.wabaId(), scenario.displayPhoneNumber());
    ObjectNode tap =
        WebhookPayloads.advisorTap(recipient, Instant.now().getEpochSecond(), newReplyId());
    outstanding.incrementAndGet();
    send(List.of(new Notification(tap, Kind.ADVISOR_TAP, false)));
  }

  /** The error a send to this message's number fails with in the scenario, or null. */
  Integer failureCodeFor(ReceivedMessage message) {
    return scenario.planFor(message.to()).failureCode();
  }

  /** What it has posted so far. */
  public WebhookCounts counts() {
    return new WebhookCounts(
        posts.get(),
        answered.get(),
        refused.get(),
        unreachable.get(),
        gaveUp.get(),
        byKind.get(Kind.SENT).get(),
        byKind.get(Kind.DELIVERED).get(),
        byKind.get(Kind.READ).get(),
        byKind.get(Kind.FAILED).get(),
        byKind.get(Kind.STOP_REPLY).get(),
        byKind.get(Kind.PREFERENCE_STOP).get(),
        byKind.get(Kind.ADVISOR_TAP).get(),
        duplicates.get());
  }

  /**
   * Waits until every notification scheduled so far was answered 200 or given up.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outstanding.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Stops posting at once; notifications not yet posted are dropped. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    httpThreads.shutdownNow();
  }

  /** {@code sha256=} and the lowercase hex HMAC-SHA256 of {@code body} with {@code appSecret}. */
  public static String signature(String appSecret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  /**
   * Posts {@code body} once, as Meta would: {@code Content-Type: application/json} and its
   * signature. For a test that needs a body of its own (a tampered one, an unknown field).
   */
  public static HttpResponse<String> post(URI url, String appSecret, byte[] body)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return client.send(request(url, appSecret, body), HttpResponse.BodyHandlers.ofString());
  }

  /** The exact bytes of a notification holding these changes, as they are posted. */
  static byte[] bytes(ObjectNode notification) {
    try {
      return JSON.writeValueAsBytes(notification);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings and numbers always writes", e);
    }
  }

  private static HttpRequest request(URI url, String appSecret, byte[] body) {
    return HttpRequest.newBuilder(url)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("X-Hub-Signature-256", signature(appSecret, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Builds the notification when it is due: its timestamp is the wall clock then. */
  private void due(Recipient to, String number, Step step, Integer failureCode) {
    long now = Instant.now().getEpochSecond();
    ObjectNode change =
        switch (step.kind()) {
          case SENT -> WebhookPayloads.status(to, "sent", now, null);
          case DELIVERED -> WebhookPayloads.status(to, "delivered", now, null);
          case READ -> WebhookPayloads.status(to, "read", now, null);
          case FAILED -> WebhookPayloads.status(to, "failed", now, failureCode);
          case STOP_REPLY -> WebhookPayloads.stopReply(to, now, newReplyId());
          case PREFERENCE_STOP -> WebhookPayloads.preferenceStop(to, now);
          case ADVISOR_TAP -> WebhookPayloads.advisorTap(to, now, newReplyId());
        };
    Notification notification = new Notification(change, step.kind(), false);
    if (scenario.batched(number, step.kind())) {
      addToBatch(notification);
    } else {
      send(List.of(notification));
    }
    if (step.repeatedAfter() != null) {
      // Meta re-delivers the same notification, alone, a little later.
      schedule(
          () -> send(List.of(new Notification(change, step.kind(), true))), step.repeatedAfter());
    }
  }

  private void addToBatch(Notification notification) {
    boolean first;
    synchronized (batch) {
      first = batch.isEmpty();
      batch.add(notification);
    }
    if (first) {
      schedule(this::flushBatch, BATCH_WINDOW);
    }
  }

  private void flushBatch() {
    List<Notification> all;
    synchronized (batch) {
      all = List.copyOf(batch);
      batch.clear();
    }
    for (int from = 0; from < all.size(); from += MAX_BATCH) {
      send(all.subList(from, Math.min(all.size(), from + MAX_BATCH)));
    }
  }

  private void send(List<Notification> notifications) {
    ObjectNode notification =
        WebhookPayloads.notification(
            scenario.wabaId(), notifications.stream().map(Notification::change).toList());
    attempt(new Post(notifications, bytes(notification), Instant.now()), 0);
  }

  private void attempt(Post post, int retries) {
    posts.incrementAndGet();
    try {
      http.sendAsync(request(url, appSecret, post.body()), HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, failure) -> {
                if (failure == null && response.statusCode() == 200) {
                  answered.incrementAndGet();
                  for (Notification n : post.notifications()) {
                    (n.duplicate() ? duplicates : byKind.get(n.kind())).incrementAndGet();
                  }
                  outstanding.addAndGet(-post.notifications().size());
                  return;
                }
                if (failure == null) {
                  refused.incrementAndGet();
                  LOG.debug("webhook receiver answered HTTP {}", response.statusCode());
                } else {
                  unreachable.incrementAndGet();
                  LOG.debug("webhook receiver unreachable: {}", failure.toString());
                }
                retry(post, retries);
              });
    } catch (RejectedExecutionException | IllegalStateException closed) {
      LOG.debug("webhook poster is closed; a notification is dropped");
    }
  }

  private void retry(Post post, int retries) {
    long factor = 1L << Math.min(retries, 20);
    Duration backoff = scenario.initialBackoff().multipliedBy(factor);
    if (backoff.compareTo(MAX_BACKOFF) > 0) {
      backoff = MAX_BACKOFF;
    }
    Duration spent = Duration.between(post.firstAttempt(), Instant.now());
    if (spent.plus(backoff).compareTo(scenario.retryFor()) > 0) {
      gaveUp.addAndGet(post.notifications().size());
      outstanding.addAndGet(-post.notifications().size());
      return;
    }
    schedule(() -> attempt(post, retries + 1), backoff);
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      LOG.debug("webhook poster is closed; a notification is dropped");
    }
  }

  private String newReplyId() {
    byte[] random = new byte[12];
    ThreadLocalRandom.current().nextBytes(random);
    return "wamid.SIMIN" + replySequence.incrementAndGet() + "." + HexFormat.of().formatHex(random);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger number = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
