package dev.cartrescue.job.pipeline;

import dev.cartrescue.job.message.CartMessage;
import dev.cartrescue.job.pipeline.CartRescueTopology.Inputs;
import dev.cartrescue.job.pipeline.CartRescueTopology.Outputs;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.DeliveryStatus;
import dev.cartrescue.job.records.Handoff;
import dev.cartrescue.job.records.Outcome;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.records.WebhookEvent;
import dev.cartrescue.job.records.WebhookNotification;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.job.rule.WallClock;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings;
import dev.cartrescue.sinks.whatsapp.Delivery;
import dev.cartrescue.sinks.whatsapp.WhatsAppSender;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * The whole rule on Flink at parallelism 2, on bounded inputs held in memory, with a fixed wall
 * clock and the real WhatsApp sender talking to the Cloud API simulator: no Kafka. Each input is
 * emitted in timestamp order (as a partition would be); at its end, event time runs out and every
 * deadline fires.
 */
final class TopologyUnderTest {
  static final String TOKEN = "topology-test-token";

  private final CloudApiSimulator cloudApi;
  private final Path tokenFile;
  private final List<ClickEvent> clicks = new ArrayList<>();
  private final List<ContactProfile> profiles = new ArrayList<>();
  private final List<CappingEvent> cappingEvents = new ArrayList<>();
  private final List<RecordedOutcome> recordedOutcomes = new ArrayList<>();
  private final List<WebhookNotification> webhooks = new ArrayList<>();
  private RuleSettings rule = RuleSettings.defaults();
  private long wallClock;

  TopologyUnderTest(CloudApiSimulator cloudApi, Path temp, long wallClock) {
    this.cloudApi = cloudApi;
    this.wallClock = wallClock;
    this.tokenFile = temp.resolve("whatsapp-token");
    try {
      Files.writeString(tokenFile, TOKEN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TopologyUnderTest rule(RuleSettings rule) {
    this.rule = rule;
    return this;
  }

  TopologyUnderTest clicks(ClickEvent... events) {
    clicks.addAll(List.of(events));
    return this;
  }

  TopologyUnderTest profiles(ContactProfile... versions) {
    profiles.addAll(List.of(versions));
    return this;
  }

  TopologyUnderTest cappingEvents(CappingEvent... events) {
    cappingEvents.addAll(List.of(events));
    return this;
  }

  TopologyUnderTest recordedOutcomes(RecordedOutcome... outcomes) {
    recordedOutcomes.addAll(List.of(outcomes));
    return this;
  }

  /** Each event as a notification of its own. */
  TopologyUnderTest webhooks(WebhookEvent... events) {
    for (WebhookEvent e : events) {
      webhooks.add(WebhookNotification.of(e));
    }
    return this;
  }

  /** What one run of the job wrote. */
  record Written(
      List<Outcome> outcomes,
      List<CappingEvent> cappingEvents,
      List<DeliveryStatus> deliveries,
      List<ConsentChange> consentChanges,
      List<Handoff> handoffs) {}

  Written run() throws Exception {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    Inputs inputs =
        new Inputs(
            bounded(env, clicks, ClickEvent.class, (e, kafka) -> e.timestamp),
            bounded(env, profiles, ContactProfile.class, (p, kafka) -> p.updatedAt),
            bounded(env, cappingEvents, CappingEvent.class, (c, kafka) -> c.timestamp),
            bounded(env, recordedOutcomes, RecordedOutcome.class, (o, kafka) -> o.deadline),
            bounded(env, webhooks, WebhookNotification.class, (n, kafka) -> n.events[0].timestamp),
            bounded(env, profiles, ContactProfile.class, (p, kafka) -> p.updatedAt));
    long now = wallClock;
    Outputs outputs = CartRescueTopology.build(inputs, rule, sender(), fixed(now));
    CloseableIterator<Outcome> outcomes = outputs.outcomes().collectAsync();
    CloseableIterator<CappingEvent> capping = outputs.cappingEvents().collectAsync();
    CloseableIterator<DeliveryStatus> deliveries = outputs.deliveries().collectAsync();
    CloseableIterator<ConsentChange> consent = outputs.consentChanges().collectAsync();
    CloseableIterator<Handoff> handoffs = outputs.handoffs().collectAsync();
    env.execute("topology under test");
    return new Written(
        drain(outcomes), drain(capping), drain(deliveries), drain(consent), drain(handoffs));
  }

  /** Everything the stream gave; after a bounded job has ended, its collected results. */
  private static <T> List<T> drain(CloseableIterator<T> results) throws Exception {
    try {
      List<T> all = new ArrayList<>();
      results.forEachRemaining(all::add);
      return all;
    } finally {
      results.close();
    }
  }

  private static <T> T blank(Class<T> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static WallClock fixed(long now) {
    return () -> now;
  }

  private CartRescueTopology.Sender sender() {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .baseUrl(cloudApi.baseUrl())
            .phoneNumberId("106540352242922")
            .accessTokenFile(tokenFile)
            .rateLimitPerSecond(1000)
            .build();
    CartMessage message = new CartMessage("cart_advisor_help", rule.defaultLanguage());
    TypeInformation<Delivery<CartDecision>> type =
        new TypeHint<Delivery<CartDecision>>() {}.getTypeInfo();
    return byPhoneNumber ->
        WhatsAppSender.send(byPhoneNumber, settings, message, type)
            .uid("whatsapp-sender")
            .name("send WhatsApp template (async)");
  }

  private static <T> DataStream<T> bounded(
      StreamExecutionEnvironment env,
      List<T> records,
      Class<T> type,
      SerializableTimestampAssigner<T> time) {
    List<T> inOrder = new ArrayList<>(records);
    inOrder.sort(Comparator.comparingLong(r -> time.extractTimestamp(r, 0)));
    if (inOrder.isEmpty()) {
      // Flink's collection source cannot be empty: one blank record, dropped at once.
      return env.fromData(List.of(blank(type)), TypeInformation.of(type))
          .filter(record -> false)
          .returns(type);
    }
    return env.fromData(inOrder, TypeInformation.of(type))
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<T>forMonotonousTimestamps().withTimestampAssigner(time));
  }
}
