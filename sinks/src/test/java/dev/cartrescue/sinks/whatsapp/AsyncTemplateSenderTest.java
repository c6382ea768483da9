package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.sinks.whatsapp.SendResult.Status;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import dev.cartrescue.testkit.cloudapi.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  void resetSimulator() {
    simulator.reset();
    simulator.setToken(TOKEN);
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
  void failsAsUnauthorizedWithoutRetryingWhenTheTokenIsRefused() throws Exception {
    simulator.setToken("rotated");

    List<Delivery<String>> deliveries = send(settings().build(), 1, phones(1));

    assertThat(deliveries)
        .singleElement()
        .extracting(d -> d.result)
        .isEqualTo(SendResult.failed(SendResult.UNAUTHORIZED, 190, 1));
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
        null);
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
    Configuration configuration = new Configuration();
    configuration.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(configuration);
    env.setParallelism(parallelism);
    SingleOutputStreamOperator<Delivery<String>> deliveries =
        operatorTimeout == null
            ? WhatsAppSender.send(env.fromData(phones), settings, factory, DELIVERY)
            : WhatsAppSender.send(
                env.fromData(phones), settings, factory, DELIVERY, operatorTimeout, 10);
    deliveries.name(OPERATOR).uid(OPERATOR);

    List<Delivery<String>> collected = new ArrayList<>();
    CloseableIterator<Delivery<String>> results = deliveries.collectAsync();
    JobClient job = env.executeAsync();
    lastJob = job.getJobID();
    try {
      results.forEachRemaining(collected::add);
    } finally {
      results.close();
    }
    job.getJobExecutionResult().get();
    return collected;
  }

  private Map<String, Metric> operatorMetrics() {
    List<OperatorMetricGroup> groups = METRICS.findOperatorMetricGroups(lastJob, OPERATOR);
    assertThat(groups).hasSize(1);
    return METRICS.getMetricsByGroup(groups.get(0));
  }
}
