package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.cartrescue.sinks.whatsapp.SendResult.Status;
import dev.cartrescue.testkit.LogCapture;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import dev.cartrescue.testkit.cloudapi.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sender as a Flink operator, on a MiniCluster, against the Cloud API simulator. */
class AsyncTemplateSenderTest {

  private static final String TOKEN = "EAAG-test-token";
  private static final String OPERATOR = "whatsapp-sender";
  private static final String UNUSABLE = "no phone";
  private static final TypeInformation<Delivery<String>> DELIVERY =
      new TypeHint<Delivery<String>>() {}.getTypeInfo();

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(METRICS.addToConfiguration(new Configuration()))
              .build());

  @TempDir static Path secrets;
  private static Path tokenFile;
  private static CloudApiSimulator simulator;

  private JobID lastJob;

  @BeforeAll
  static void startSimulator() throws Exception {
    tokenFile = Files.writeString(secrets.resolve("whatsapp-token"), TOKEN + "\n");
    simulator = CloudApiSimulator.start(0, TOKEN);
  }

  @AfterAll
  static void stopSimulator() {
    simulator.close();
  }

  @BeforeEach
  void resetSimulator() throws Exception {
    simulator.reset();
    simulator.setToken(TOKEN);
    Files.writeString(tokenFile, TOKEN + "\n");
  }

  @Test
  void sendsEveryRequestAndEmitsTheMessageIdsTheCloudApiGave() throws Exception {
    List<String> phones = phones(6);

    List<Delivery<String>> deliveries = send(settings().build(), 2, phones);

    assertThat(deliveries).extracting(d -> d.request).containsExactlyInAnyOrderElementsOf(phones);
    assertThat(deliveries).allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
    assertThat(deliveries).allSatisfy(d -> assertThat(d.result.attempts).isEqualTo(1));
    assertThat(deliveries)
        .extracting(d -> d.result.messageId)
        .containsExactlyInAnyOrderElementsOf(
            simulator.received().stream().map(ReceivedMessage::messageId).toList());
    assertThat(simulator.received())
        .extracting(ReceivedMessage::to)
        .containsExactlyInAnyOrderElementsOf(phones);
  }

  @Test
  void retriesARetryableErrorThenSucceeds() throws Exception {
    simulator.failNext(2, 429, 130429);

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.result.status).isEqualTo(Status.SENT);
              assertThat(d.result.attempts).isEqualTo(3);
              assertThat(d.result.messageId).isEqualTo(simulator.received().get(0).messageId());
            });
    assertThat(simulator.requests())
        .extracting(ReceivedRequest::errorCode)
        .containsExactly(130429, 130429, null);
  }

  @Test
  void failsAtOnceWithTheCodeOfAPermanentError() throws Exception {
    simulator.failNext(1, 400, 131026);

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .extracting(d -> d.result)
        .isEqualTo(SendResult.failed(SendResult.PERMANENT_ERROR, 131026, 1));
    assertThat(simulator.requests()).hasSize(1);
  }

  @Test
  void doesNotRetryWhenMetaHoldsBackMarketing() throws Exception {
    simulator.failNext(1, 400, 131049);

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .extracting(d -> d.result)
        .isEqualTo(SendResult.failed(SendResult.PERMANENT_ERROR, 131049, 1));
  }

  @Test
  void anOptedOutUserFailsAsOptedOutWithoutRetry() throws Exception {
    simulator.optOut("+33612345610");

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones(2));

    assertThat(deliveries)
        .filteredOn(d -> d.request.equals("+33612345610"))
        .singleElement()
        .extracting(d -> d.result)
        .isEqualTo(SendResult.failed(SendResult.OPTED_OUT, 131050, 1));
    assertThat(simulator.received())
        .extracting(ReceivedMessage::to)
        .containsExactly("+33612345611");
  }

  /**
   * A request without an answer is retried like a server error, but only once the pair rate allows
   * another message to the number: the first one may have been delivered all the same.
   */
  @Test
  void retriesARequestThatGotNoAnswerOnceThePairRateAllows() throws Exception {
    simulator.noAnswerNext(1);

    List<Delivery<String>> deliveries =
        send(settings().responseTimeout(Duration.ofMillis(300)).build(), 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.result.status).isEqualTo(Status.SENT);
              assertThat(d.result.attempts).isEqualTo(2);
            });
    List<ReceivedRequest> requests = simulator.requests();
    assertThat(requests).extracting(ReceivedRequest::status).containsExactly(0, 200);
    assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void sendsInTheFallbackLanguageWhenTheTemplateIsMissingInTheContactsOwn() throws Exception {
    simulator.approveLanguages("en");
    MessageFactory<String> german =
        phone -> {
          TemplateMessage message = message(phone);
          message.languageCode = "de";
          message.fallbackLanguageCode = "en";
          return message;
        };

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones(1), german, null);

    assertThat(deliveries)
        .singleElement()
        .satisfies(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
    assertThat(simulator.requests())
        .extracting(
            r -> r.body().at("/template/language/code").asText(), ReceivedRequest::errorCode)
        .containsExactly(tuple("de", 132001), tuple("en", null));
  }

  /**
   * The token is refused until the operator replaces the file: sending pauses (one warning),
   * nothing fails although the pause lasts longer than retryFor, and everything goes once the new
   * token is read.
   */
  @Test
  void pausesOnARefusedTokenAndResumesWhenTheTokenFileIsReplaced() throws Exception {
    simulator.setToken("EAAG-rotated-token");
    CloudApiSettings settings =
        settings()
            .retryFor(Duration.ofMillis(500))
            .tokenCheckInterval(Duration.ofMillis(100))
            .authProbeInterval(Duration.ofMinutes(10))
            .build();

    try (LogCapture logs = LogCapture.of("dev.cartrescue.sinks", Level.INFO)) {
      Running running = start(settings, 1, phones(4), AsyncTemplateSenderTest::message, null);
      awaitUntil("sending pauses", () -> Integer.valueOf(1).equals(gauge("pausedForAuth")));
      // Longer than retryFor: a pause must not use up the retry budget.
      Thread.sleep(1200);
      assertThat(running.collected).as("nothing failed while paused").isEmpty();

      Files.writeString(tokenFile, "EAAG-rotated-token\n");
      List<Delivery<String>> deliveries = running.await();

      assertThat(deliveries)
          .hasSize(4)
          .allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
      // Only requests already on their way when the pause began were refused; nothing was sent
      // while paused, and each message went through once with the new token.
      Map<String, List<Integer>> answersByNumber =
          simulator.requests().stream()
              .collect(
                  Collectors.groupingBy(
                      r -> r.body().path("to").asText(),
                      Collectors.mapping(ReceivedRequest::status, Collectors.toList())));
      assertThat(answersByNumber)
          .hasSize(4)
          .allSatisfy(
              (to, statuses) -> {
                assertThat(statuses)
                    .filteredOn(status -> status == 401)
                    .hasSizeLessThanOrEqualTo(1);
                assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
              });
      assertThat(gauge("pausedForAuth")).isEqualTo(0);
      assertThat(logs.linesAt(Level.WARN))
          .filteredOn(line -> line.contains("pauses sending"))
          .singleElement()
          .satisfies(
              line ->
                  assertThat(line)
                      .contains("refused the access token from the access token file")
                      .contains("code 190"));
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("resumes sending"));
      assertThat(logs.lines())
          .noneSatisfy(line -> assertThat(line).contains("EAAG-rotated-token"))
          .noneSatisfy(line -> assertThat(line).contains(TOKEN));
    }
  }

  /** A permission granted again in Business Manager needs no new token: a probe notices it. */
  @Test
  void resumesWhenAHeldMessageGoesThroughAgainWithTheSameToken() throws Exception {
    simulator.failNext(1, 403, 10);
    CloudApiSettings settings =
        settings()
            .tokenCheckInterval(Duration.ofMillis(100))
            .authProbeInterval(Duration.ofMillis(300))
            .build();

    List<Delivery<String>> deliveries = send(settings, 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.result.status).isEqualTo(Status.SENT);
              assertThat(d.result.attempts).isEqualTo(2);
            });
    assertThat(simulator.requests())
        .extracting(ReceivedRequest::errorCode)
        .containsExactly(10, null);
  }

  @Test
  void theOperatorTimeoutDoesNotEndAPausedMessage() throws Exception {
    simulator.setToken("EAAG-rotated-token");
    CloudApiSettings settings =
        settings()
            .tokenCheckInterval(Duration.ofMillis(100))
            .authProbeInterval(Duration.ofMinutes(10))
            .build();

    Running running =
        start(settings, 1, phones(2), AsyncTemplateSenderTest::message, Duration.ofMillis(500));
    awaitUntil("sending pauses", () -> Integer.valueOf(1).equals(gauge("pausedForAuth")));
    Thread.sleep(1500);
    Files.writeString(tokenFile, "EAAG-rotated-token\n");

    assertThat(running.await())
        .hasSize(2)
        .allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
  }

  @Test
  void givesUpWithTheLastCodeOnceRetryForHasPassed() throws Exception {
    simulator.failNext(1000, 503, 131000);

    List<Delivery<String>> deliveries =
        send(settings().retryFor(Duration.ofMillis(400)).build(), 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.result.status).isEqualTo(Status.FAILED);
              assertThat(d.result.reason).isEqualTo(SendResult.RETRIES_EXHAUSTED);
              assertThat(d.result.errorCode).isEqualTo(131000);
              assertThat(d.result.attempts).isGreaterThan(1);
              assertThat(simulator.requests()).hasSize(d.result.attempts);
            });
  }

  @Test
  void answersThatNeverComeEndAsFailedDeliveriesNotAsAJobFailure() throws Exception {
    simulator.setLatency(Duration.ofSeconds(2));
    CloudApiSettings settings =
        settings().responseTimeout(Duration.ofMillis(200)).retryFor(Duration.ofMillis(300)).build();

    List<Delivery<String>> deliveries = send(settings, 2, phones(3));

    assertThat(deliveries)
        .hasSize(3)
        .allSatisfy(
            d -> {
              assertThat(d.result.status).isEqualTo(Status.FAILED);
              assertThat(d.result.reason).isEqualTo(SendResult.RETRIES_EXHAUSTED);
              assertThat(d.result.errorCode).isNull();
            });
  }

  @Test
  void theOperatorTimeoutCompletesAsFailedTimeout() throws Exception {
    simulator.setLatency(Duration.ofSeconds(3));
    CloudApiSettings settings = settings().responseTimeout(Duration.ofSeconds(10)).build();

    List<Delivery<String>> deliveries =
        send(settings, 1, phones(2), AsyncTemplateSenderTest::message, Duration.ofMillis(500));

    assertThat(deliveries)
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.result.status).isEqualTo(Status.FAILED);
              assertThat(d.result.reason).isEqualTo(SendResult.TIMEOUT);
            });
  }

  @Test
  void aRequestWithoutAMessageFailsAsInvalidWithoutStoppingTheOthers() throws Exception {
    List<Delivery<String>> deliveries =
        send(settings().build(), 1, List.of("+33612345670", UNUSABLE, "+33612345671"));

    assertThat(deliveries).hasSize(3);
    assertThat(deliveries)
        .filteredOn(d -> d.request.equals(UNUSABLE))
        .singleElement()
        .extracting(d -> d.result)
        .isEqualTo(SendResult.failed(SendResult.INVALID_REQUEST, null, 0));
    assertThat(simulator.received()).hasSize(2);
  }

  /**
   * The sender paces when it hands requests to the HTTP client; the simulator records when they
   * arrive. The two differ by the time in transit, which is long and uneven for the very first
   * requests of a cold JVM (class loading, first connections), so a short run warms the path up
   * before the measured one.
   */
  @Test
  void neverSendsMoreThanTheRateLimitInAnySecondAcrossSubtasks() throws Exception {
    int limit = 20;
    CloudApiSettings settings = settings().rateLimitPerSecond(limit).build();
    send(settings, 2, phones(4));
    simulator.reset();

    List<Delivery<String>> deliveries = send(settings, 2, phones(50));

    assertThat(deliveries).allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
    List<Instant> arrivals =
        simulator.requests().stream().map(ReceivedRequest::at).sorted().toList();
    assertThat(arrivals).hasSize(50);
    for (int first = 0; first < arrivals.size(); first++) {
      Instant windowEnd = arrivals.get(first).plusSeconds(1);
      long inWindow = arrivals.stream().skip(first).filter(at -> at.isBefore(windowEnd)).count();
      assertThat(inWindow)
          .as("requests in the second from %s", arrivals.get(first))
          .isLessThanOrEqualTo(limit);
    }
  }

  @Test
  void reportsSentFailedRetriedAndLatencyMetrics() throws Exception {
    simulator.failNext(1, 429, 130429);

    send(settings().build(), 1, List.of("+33612345670", "+33612345671", UNUSABLE, "+33612345672"));

    Map<String, Metric> metrics = operatorMetrics();
    assertThat(((Counter) metrics.get("messagesSent")).getCount()).isEqualTo(3);
    assertThat(((Counter) metrics.get("messagesFailed")).getCount()).isEqualTo(1);
    assertThat(((Counter) metrics.get("sendRetries")).getCount()).isEqualTo(1);
    assertThat(((Histogram) metrics.get("sendLatencyMs")).getCount()).isEqualTo(4);
    assertThat(((Gauge<?>) metrics.get("requestsInFlight")).getValue()).isEqualTo(0);
    assertThat(((Gauge<?>) metrics.get("pausedForAuth")).getValue()).isEqualTo(0);
    assertThat((Double) ((Gauge<?>) metrics.get("sendRatePerSecond")).getValue()).isPositive();
    assertThat(((Counter) metrics.get("rateLimitWaitMs")).getCount()).isNotNegative();
    assertThat(failedCounters())
        .containsOnly(entry("reason.invalid_request.errorCode.none.messagesFailed", 1L));
  }

  /**
   * The simulator answers 130429 beyond 10 messages per second; the sender is told 30. It slows
   * down by itself, so that few requests are refused: at a steady 30 per second, two in three would
   * be.
   */
  @Test
  void slowsDownWhenTheCloudApiSaysItSendsTooFast() throws Exception {
    simulator.limitThroughput(10);
    CloudApiSettings settings =
        settings()
            .rateLimitPerSecond(30)
            .retryFor(Duration.ofSeconds(60))
            .initialBackoff(Duration.ofMillis(200))
            .maxBackoff(Duration.ofSeconds(1))
            .build();

    List<Delivery<String>> deliveries = send(settings, 1, phones(40));

    assertThat(deliveries).allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
    long throttled =
        simulator.requests().stream()
            .filter(r -> Integer.valueOf(130429).equals(r.errorCode()))
            .count();
    assertThat(throttled).isLessThan(20);
  }

  /**
   * Meta's pair rate: one message per 6 seconds to the same number (131056 otherwise). The sender
   * keeps 6.3 s; a short run first warms the path up, so that the first request's time in transit
   * on a cold JVM does not eat the 0.3 s of headroom.
   */
  @Test
  void neverSendsTwoMessagesToOneNumberWithinSixSeconds() throws Exception {
    send(settings().build(), 1, List.of("+33612345699"));
    simulator.reset();
    simulator.enforcePairRate(Duration.ofSeconds(6));
    List<String> phones = List.of("+33612345610", "+33612345610", "+33612345611", "+33612345612");

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones);

    assertThat(deliveries).allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
    assertThat(simulator.requests()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    List<Instant> anna =
        simulator.received().stream()
            .filter(m -> m.to().equals("+33612345610"))
            .map(ReceivedMessage::at)
            .toList();
    assertThat(Duration.between(anna.get(0), anna.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(6));
    assertThat(simulator.received())
        .filteredOn(m -> !m.to().equals("+33612345610"))
        .allSatisfy(m -> assertThat(m.at()).isBefore(anna.get(1)));
  }

  /**
   * A ten-minute outage of the Cloud API with the default fifteen minutes of retries, compressed a
   * hundred times: 6 s of HTTP 503 answers, 9 s of retries. Every message is delivered exactly once
   * (counted by its biz_opaque_callback_data) and none fails.
   */
  @Test
  void aTenMinuteOutageCompressedLosesNothingAndDoublesNothing() throws Exception {
    simulator.setLatency(Duration.ofMillis(5), Duration.ofMillis(30));
    CloudApiSettings settings =
        settings()
            .rateLimitPerSecond(100)
            .retryFor(Duration.ofSeconds(9))
            .initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(600))
            .build();
    List<String> phones = phones(60);

    simulator.outageFor(Duration.ofSeconds(6));
    List<Delivery<String>> deliveries =
        send(
            settings,
            2,
            phones,
            AsyncTemplateSenderTest::message,
            WhatsAppSender.operatorTimeout(settings),
            10);

    assertThat(deliveries)
        .hasSize(60)
        .allSatisfy(d -> assertThat(d.result.status).isEqualTo(Status.SENT));
    Map<String, Long> delivered = simulator.acceptedCountByCallbackData();
    assertThat(delivered.keySet())
        .containsExactlyInAnyOrderElementsOf(
            phones.stream().map(AsyncTemplateSenderTest::decisionId).toList());
    assertThat(delivered.values()).containsOnly(1L);
    assertThat(simulator.requests()).anySatisfy(r -> assertThat(r.status()).isEqualTo(503));
  }

  private static CloudApiSettings.Builder settings() {
    return CloudApiSettings.builder()
        .baseUrl(simulator.baseUrl())
        .phoneNumberId("106540352242922")
        .accessTokenFile(tokenFile)
        .rateLimitPerSecond(500)
        .connectTimeout(Duration.ofSeconds(1))
        .responseTimeout(Duration.ofSeconds(2))
        .retryFor(Duration.ofSeconds(10))
        .initialBackoff(Duration.ofMillis(50))
        .maxBackoff(Duration.ofMillis(200));
  }

  private static List<String> phones(int count) {
    return IntStream.range(0, count).mapToObj(i -> "+336123456" + (10 + i)).toList();
  }

  /** Stands in for the job's factory: one message per phone number. */
  private static TemplateMessage message(String phone) {
    if (phone.equals(UNUSABLE)) {
      throw new IllegalArgumentException("not a phone number");
    }
    return new TemplateMessage(
        phone,
        "cart_advisor_help",
        "en",
        List.of("Anna", "Trail shoe"),
        "cart-" + phone.substring(1),
        "advisor:" + phone.substring(1),
        decisionId(phone));
  }

  private static String decisionId(String phone) {
    return "decision:" + phone.substring(1);
  }

  private List<Delivery<String>> send(
      CloudApiSettings settings, int parallelism, List<String> phones) throws Exception {
    return send(settings, parallelism, phones, AsyncTemplateSenderTest::message, null);
  }

  private List<Delivery<String>> send(
      CloudApiSettings settings,
      int parallelism,
      List<String> phones,
      MessageFactory<String> factory,
      Duration operatorTimeout)
      throws Exception {
    return start(settings, parallelism, phones, factory, operatorTimeout).await();
  }

  private List<Delivery<String>> send(
      CloudApiSettings settings,
      int parallelism,
      List<String> phones,
      MessageFactory<String> factory,
      Duration operatorTimeout,
      int capacity)
      throws Exception {
    return start(settings, parallelism, phones, factory, operatorTimeout, capacity).await();
  }

  private Running start(
      CloudApiSettings settings,
      int parallelism,
      List<String> phones,
      MessageFactory<String> factory,
      Duration operatorTimeout)
      throws Exception {
    return start(settings, parallelism, phones, factory, operatorTimeout, 10);
  }

  /** Starts a job that sends to every phone; {@code operatorTimeout} null for the default. */
  private Running start(
      CloudApiSettings settings,
      int parallelism,
      List<String> phones,
      MessageFactory<String> factory,
      Duration operatorTimeout,
      int capacity)
      throws Exception {
    Configuration configuration = new Configuration();
    configuration.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(configuration);
    env.setParallelism(parallelism);
    SingleOutputStreamOperator<Delivery<String>> deliveries =
        operatorTimeout == null
            ? WhatsAppSender.send(env.fromData(phones), settings, factory, DELIVERY)
            : WhatsAppSender.send(
                env.fromData(phones), settings, factory, DELIVERY, operatorTimeout, capacity);
    deliveries.name(OPERATOR).uid(OPERATOR);

    CloseableIterator<Delivery<String>> results = deliveries.collectAsync();
    JobClient job = env.executeAsync();
    lastJob = job.getJobID();
    return new Running(job, results);
  }

  /** A job on its way; its deliveries are collected as they come. */
  private static final class Running {
    final List<Delivery<String>> collected = new CopyOnWriteArrayList<>();
    private final JobClient job;
    private final Thread reader;

    Running(JobClient job, CloseableIterator<Delivery<String>> results) {
      this.job = job;
      this.reader =
          new Thread(
              () -> {
                try (results) {
                  results.forEachRemaining(collected::add);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "collect-deliveries");
      reader.setDaemon(true);
      reader.start();
    }

    List<Delivery<String>> await() throws Exception {
      job.getJobExecutionResult().get(90, TimeUnit.SECONDS);
      reader.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(reader.isAlive()).as("all deliveries read").isFalse();
      return List.copyOf(collected);
    }
  }

  private static void awaitUntil(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** A gauge of the sender, or null until the operator has registered it. */
  private Object gauge(String name) {
    List<OperatorMetricGroup> groups = METRICS.findOperatorMetricGroups(lastJob, OPERATOR);
    if (groups.isEmpty()) {
      return null;
    }
    Metric metric = METRICS.getMetricsByGroup(groups.get(0)).get(name);
    return metric == null ? null : ((Gauge<?>) metric).getValue();
  }

  /** The failure counters by cause, named from the cause's groups down. */
  private Map<String, Long> failedCounters() {
    return METRICS.getMetricsByIdentifiers(lastJob).entrySet().stream()
        .filter(e -> e.getKey().contains(".reason."))
        .collect(
            Collectors.toMap(
                e -> e.getKey().substring(e.getKey().indexOf("reason.")),
                e -> ((Counter) e.getValue()).getCount()));
  }

  private Map<String, Metric> operatorMetrics() {
    List<OperatorMetricGroup> groups = METRICS.findOperatorMetricGroups(lastJob, OPERATOR);
    assertThat(groups).hasSize(1);
    return METRICS.getMetricsByGroup(groups.get(0));
  }
}
