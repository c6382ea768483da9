package dev.cartrescue.advisor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cartrescue.webhooks.OptionsException;
import dev.cartrescue.webhooks.Secrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Chatwoot connector: the job's advisor hand-offs in, one Chatwoot conversation with one
 * private note each out (docs/advisor.md). One consumer thread does the work ({@link HandoffLoop});
 * an HTTP port answers {@code GET /healthz} (200 while that thread runs, 503 once it has stopped)
 * and {@code GET /metrics} (Prometheus).
 *
 * <p>For the demo and tests: {@code ChatwootConnector.start(AdvisorOptions.of(keys, token))}, then
 * {@link #noted()}, {@link #alreadyNoted()}, {@link #deadLettered()} and {@link #close()}.
 */
public final class ChatwootConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChatwootConnector.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private final AdvisorOptions options;
  private final HttpServer server;
  private final HandoffLoop loop;
  private final Thread thread;
  private final DeadLetterWriter deadLetters;
  private final AdvisorMetrics metrics;
  private boolean closed;

  private ChatwootConnector(
      AdvisorOptions options,
      HttpServer server,
      HandoffLoop loop,
      DeadLetterWriter deadLetters,
      AdvisorMetrics metrics) {
    this.options = options;
    this.server = server;
    this.loop = loop;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.thread = new Thread(loop, "advisor-handoffs");
  }

  /**
   * Listens on the options' port and starts reading hand-offs; returns at once (Chatwoot and Kafka
   * are not called before the first record).
   *
   * @throws OptionsException when the port is taken
   */
  public static ChatwootConnector start(AdvisorOptions options) {
    return start(options, HandoffLoop.Backoff.DEFAULT);
  }

  static ChatwootConnector start(AdvisorOptions options, HandoffLoop.Backoff backoff) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(options.port()), 16);
    } catch (IOException e) {
      throw new OptionsException(
          "option --"
              + AdvisorOption.PORT.key()
              + ": cannot listen on port "
              + options.port()
              + " ("
              + e.getMessage()
              + ")");
    }
    AdvisorMetrics metrics = new AdvisorMetrics();
    DeadLetterWriter deadLetters;
    KafkaConsumer<byte[], byte[]> consumer;
    try {
      deadLetters =
          new DeadLetterWriter(
              options.bootstrapServers(), options.kafkaProperties(), options.deadLetterTopic());
    } catch (KafkaException e) {
      server.stop(0);
      throw clientOptions(options, e);
    }
    try {
      consumer = consumer(options);
    } catch (KafkaException e) {
      deadLetters.close();
      server.stop(0);
      throw clientOptions(options, e);
    }
    ChatwootHandoff chatwoot =
        new ChatwootHandoff(
            new ChatwootClient(options.baseUrl(), options.accountId(), options.apiToken()),
            options.inboxId(),
            options.teamId());
    HandoffLoop loop =
        new HandoffLoop(consumer, options.handoffsTopic(), chatwoot, deadLetters, metrics, backoff);
    ChatwootConnector connector =
        new ChatwootConnector(options, server, loop, deadLetters, metrics);
    server.createContext("/healthz", connector::health);
    server.createContext("/metrics", connector::metrics);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread t = new Thread(task, "advisor-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    connector.thread.start();
    LOG.info(
        "Chatwoot connector reading {} into {} (account {}, inbox {}); /healthz and /metrics on"
            + " port {}; {}",
        options.handoffsTopic(),
        options.baseUrl(),
        options.accountId(),
        options.inboxId(),
        connector.port(),
        options.describe());
    return connector;
  }

  /** Options Kafka's clients refuse, in one line that shows no secret. */
  private static OptionsException clientOptions(AdvisorOptions options, KafkaException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message = String.valueOf(cause.getMessage());
    for (var property : options.kafkaProperties().entrySet()) {
      if (Secrets.isSecret(AdvisorOption.KAFKA_PROPERTY_PREFIX + property.getKey())
          && !property.getValue().isEmpty()) {
        message = message.replace(property.getValue(), Secrets.MASK);
      }
    }
    int nl = message.indexOf('\n');
    return new OptionsException(
        "Kafka's clients refuse their options ("
            + cause.getClass().getSimpleName()
            + (cause instanceof org.apache.kafka.common.config.ConfigException
                ? ": " + (nl < 0 ? message : message.substring(0, nl))
                : "")
            + ")");
  }

  private static KafkaConsumer<byte[], byte[]> consumer(AdvisorOptions options) {
    Properties props = new Properties();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "cart-rescue-advisor");
    props.putAll(options.kafkaProperties());
    // Ours whatever the properties say: the job writes transactionally, and an offset is committed
    // only once its hand-off is in Chatwoot.
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The port of /healthz and /metrics (the one chosen when the option was 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Hand-offs whose note this connector posted. */
  public long noted() {
    return metrics.notedCount();
  }

  /** Hand-offs read again whose note was there already. */
  public long alreadyNoted() {
    return metrics.alreadyNotedCount();
  }

  /** Hand-offs written to the dead-letter topic. */
  public long deadLettered() {
    return metrics.deadLetteredCount();
  }

  /** Chatwoot calls retried, every cause. */
  public long retries() {
    return metrics.retryCount();
  }

  /** Whether the consumer thread runs. */
  public boolean running() {
    return thread.isAlive();
  }

  /**
   * Stops the consumer (the hand-off in hand, if any, stays uncommitted and is read again at the
   * next start, where its marker keeps it from a second note), then the port. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    loop.stop();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deadLetters.close();
    server.stop(0);
    LOG.info("Chatwoot connector on {} stopped", options.handoffsTopic());
  }

  private void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"/healthz".equals(exchange.getRequestURI().getPath())) {
        respond(exchange, 404, TEXT, "not found\n");
      } else if (running()) {
        respond(exchange, 200, TEXT, "ok\n");
      } else {
        respond(exchange, 503, TEXT, "stopped\n");
      }
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
        respond(exchange, 404, TEXT, "not found\n");
      } else {
        respond(exchange, 200, PROMETHEUS, metrics.prometheusText());
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
