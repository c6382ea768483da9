package dev.cartrescue.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cartrescue.testkit.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connectors against a real broker, on a Flink MiniCluster at parallelism 2. */
class KafkaRoundTripTest {

  private static final int PARALLELISM = 2;
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(PARALLELISM)
              .build());

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  @Timeout(90)
  void goodRecordsFlowOnAndBrokenOnesComeOutAsDeadLetters() throws Exception {
    kafka.createTopics(2, "events");
    kafka.send("events", "c-1", event("e-1", "\"2026-11-22T10:00:00Z\""));
    kafka.send("events", "c-2", "this is not JSON");
    kafka.send("events", "c-3", "{\"id\": \"e-3\"}");
    kafka.send("events", "c-4", null);
    kafka.send("events", "c-5", event("e-5", String.valueOf(T0 + 5_000)));
    kafka.send("events", "c-6", event("e-6", "\"2026-11-22T10:00:00\""));

    StreamExecutionEnvironment env = environment();
    SingleOutputStreamOperator<Event> events =
        DeadLetters.split(readEvents(env, "events", "split-test"), TypeInformation.of(Event.class))
            .uid("split")
            .name("split");
    DataStream<OutputRecord> valid =
        events.process(new StampWithFlinkTimestamp(), TypeInformation.of(OutputRecord.class));
    DataStream<OutputRecord> dead =
        events
            .getSideOutput(DeadLetters.OUTPUT)
            .map(
                d -> new OutputRecord("dead", null, d.toJson()),
                TypeInformation.of(OutputRecord.class));

    List<OutputRecord> out = collect(env, valid.union(dead), 6);

    assertThat(out)
        .filteredOn(r -> r.topic.equals("valid"))
        .extracting(r -> r.key, r -> r.value)
        .containsExactlyInAnyOrder(
            tuple("e-1", String.valueOf(T0)), tuple("e-5", String.valueOf(T0 + 5_000)));
    List<DeadLetter> deadLetters =
        out.stream()
            .filter(r -> r.topic.equals("dead"))
            .map(r -> read(r.value, DeadLetter.class))
            .toList();
    assertThat(deadLetters)
        .extracting(d -> d.reason, d -> d.value)
        .containsExactlyInAnyOrder(
            tuple("not JSON", "this is not JSON"),
            tuple("missing field timestamp", "{\"id\": \"e-3\"}"),
            tuple("empty value", null),
            tuple("field timestamp is not a timestamp", event("e-6", "\"2026-11-22T10:00:00\"")));
    List<ConsumerRecord<String, String>> written = kafka.readAll("events");
    assertThat(deadLetters)
        .allSatisfy(
            d -> {
              ConsumerRecord<String, String> original =
                  written.stream()
                      .filter(w -> w.partition() == d.partition && w.offset() == d.offset)
                      .findFirst()
                      .orElseThrow();
              assertThat(d.topic).isEqualTo("events");
              assertThat(original.value()).isEqualTo(d.value);
            });
  }

  @Test
  @Timeout(90)
  void exactlyOnceSinkPublishesToReadCommittedReadersAfterACheckpoint() throws Exception {
    kafka.createTopics(2, "sink-in", "sink-out-a", "sink-out-b");
    for (int i = 0; i < 10; i++) {
      kafka.send("sink-in", "c-" + i, event("e-" + i, String.valueOf(T0 + i)));
    }

    StreamExecutionEnvironment env = environment();
    DeadLetters.split(readEvents(env, "sink-in", "sink-test"), TypeInformation.of(Event.class))
        .uid("split")
        .name("split")
        .map(
            e ->
                new OutputRecord(
                    Integer.parseInt(e.id.substring(2)) % 2 == 0 ? "sink-out-a" : "sink-out-b",
                    e.id,
                    Json.write(e)),
            TypeInformation.of(OutputRecord.class))
        .sinkTo(KafkaOutputs.exactlyOnce(settings("sink-test"), "connectors-round-trip"))
        .uid("sink")
        .name("sink");

    JobClient job = env.executeAsync("exactly-once sink");
    try {
      List<ConsumerRecord<String, String>> a =
          await(() -> kafka.readAll("sink-out-a"), records -> records.size() >= 5);
      List<ConsumerRecord<String, String>> b =
          await(() -> kafka.readAll("sink-out-b"), records -> records.size() >= 5);

      assertThat(a)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrder("e-0", "e-2", "e-4", "e-6", "e-8");
      assertThat(b)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrder("e-1", "e-3", "e-5", "e-7", "e-9");
      assertThat(a)
          .filteredOn(r -> r.key().equals("e-4"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(read(r.value(), Event.class).timestamp).isEqualTo(T0 + 4);
                // The Kafka timestamp is the record's event time, as Flink's serializers do.
                assertThat(r.timestamp()).isEqualTo(T0 + 4);
              });
    } finally {
      cancel(job);
    }
  }

  @Test
  @Timeout(90)
  void eventTimeFollowsTheWallClockOnceATopicFallsQuiet() throws Exception {
    // One partition for two source subtasks: the subtask without a partition must not hold
    // event time back either.
    kafka.createTopics(1, "quiet");
    long now = System.currentTimeMillis();
    kafka.send("quiet", "c-1", event("e-1", String.valueOf(now)));

    StreamExecutionEnvironment env = environment();
    DataStream<Parsed<Event>> parsed =
        env.fromSource(
            KafkaInputs.source(
                settings("quiet-test"),
                "quiet",
                new EventParser(),
                Parsed.typeInfo(TypeInformation.of(Event.class))),
            EventTimeWatermarks.forInputs(
                Duration.ZERO, Duration.ofSeconds(1), settings("quiet-test"), "quiet"),
            "quiet");
    // A deadline after the last event: only a watermark that follows the clock reaches it.
    DataStream<String> deadlines =
        DeadLetters.split(parsed, TypeInformation.of(Event.class))
            .keyBy(e -> e.id)
            .process(new DeadlineAfter(Duration.ofSeconds(2)), Types.STRING);

    assertThat(collect(env, deadlines, 1)).containsExactly("e-1 at " + (now + 2_000));
  }

  @Test
  void countsThePartitionsOfATopic() {
    kafka.createTopics(3, "three-partitions");

    assertThat(KafkaInputs.partitions(settings("admin"), "three-partitions")).isEqualTo(3);
    assertThatThrownBy(() -> KafkaInputs.partitions(settings("admin"), "no-such-topic"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topic no-such-topic does not exist");
  }

  @Test
  void describesParsedRecordsToFlinkAsPojos() {
    TypeInformation<Parsed<Event>> type = Parsed.typeInfo(TypeInformation.of(Event.class));

    assertThat(type).isEqualTo(new TypeHint<Parsed<Event>>() {}.getTypeInfo());
    assertThat(type.toString()).startsWith("PojoType<" + Parsed.class.getName());
    assertThat(TypeInformation.of(DeadLetter.class).toString()).startsWith("PojoType<");
    assertThat(TypeInformation.of(OutputRecord.class).toString()).startsWith("PojoType<");
    assertThat(Types.POJO(Event.class).toString()).startsWith("PojoType<");
  }

  /** The test's input: {"id": ..., "timestamp": ...}. */
  public static class Event {
    public String id;
    public long timestamp;

    public Event() {}
  }

  /** Reads an Event, as a real parser of the job would. */
  private static final class EventParser implements RecordParser<Event> {
    private static final long serialVersionUID = 1L;

    @Override
    public Parsed<Event> parse(byte[] key, byte[] value, long recordTimestamp)
        throws InvalidRecordException {
      var json = Json.readObject(value);
      Event event = new Event();
      event.id = Json.requiredText(json, "id");
      event.timestamp = Json.requiredTimestamp(json, "timestamp");
      return Parsed.of(event, event.timestamp);
    }
  }

  /** Passes valid events on as (id, their Flink timestamp): the event time must survive split. */
  private static final class StampWithFlinkTimestamp extends ProcessFunction<Event, OutputRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(Event e, Context ctx, Collector<OutputRecord> out) {
      out.collect(new OutputRecord("valid", e.id, String.valueOf(ctx.timestamp())));
    }
  }

  /** Fires an event-time timer some time after each event. */
  private static final class DeadlineAfter extends KeyedProcessFunction<String, Event, String> {
    private static final long serialVersionUID = 1L;
    private final long delayMillis;

    DeadlineAfter(Duration delay) {
      this.delayMillis = delay.toMillis();
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<String> out) {
      ctx.timerService().registerEventTimeTimer(e.timestamp + delayMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
      out.collect(ctx.getCurrentKey() + " at " + timestamp);
    }
  }

  private static DataStream<Parsed<Event>> readEvents(
      StreamExecutionEnvironment env, String topic, String groupId) {
    WatermarkStrategy<Parsed<Event>> watermarks =
        EventTimeWatermarks.forInputs(
            Duration.ofSeconds(10), Duration.ofMinutes(1), settings(groupId), topic);
    return env.fromSource(
            KafkaInputs.source(
                settings(groupId),
                topic,
                new EventParser(),
                Parsed.typeInfo(TypeInformation.of(Event.class))),
            watermarks,
            topic)
        .uid("source-" + topic);
  }

  private static KafkaSettings settings(String groupId) {
    return new KafkaSettings(
        kafka.bootstrapServers(),
        groupId,
        KafkaSettings.StartingOffsets.COMMITTED,
        Map.of("client.dns.lookup", "use_all_dns_ips"));
  }

  private static StreamExecutionEnvironment environment() {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(PARALLELISM);
    env.enableCheckpointing(500);
    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled())
        .as("Kryo is off")
        .isTrue();
    return env;
  }

  /** Runs the job until it has produced {@code count} records, then cancels it. */
  private static <T> List<T> collect(
      StreamExecutionEnvironment env, DataStream<T> stream, int count) throws Exception {
    List<T> out = new ArrayList<>();
    CloseableIterator<T> it = stream.collectAsync();
    JobClient job = env.executeAsync("collect");
    try {
      while (out.size() < count && it.hasNext()) {
        out.add(it.next());
      }
    } finally {
      cancel(job);
      it.close();
    }
    return out;
  }

  private static <T> T await(Supplier<T> read, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      T value = read.get();
      if (done.test(value) || System.nanoTime() - deadline > 0) {
        return value;
      }
      Thread.sleep(200);
    }
  }

  /** Cancels a job and waits until it has let go of its slots, so the next test can start. */
  private static void cancel(JobClient job) throws Exception {
    try {
      job.cancel().get();
    } catch (Exception alreadyDone) {
      // It may have finished or been cancelled by the collect iterator.
    }
    await(
        () -> {
          try {
            return job.getJobStatus().get().isGloballyTerminalState();
          } catch (Exception e) {
            return true;
          }
        },
        terminated -> terminated);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (Exception e) {
      throw new AssertionError("not " + type.getSimpleName() + ": " + json, e);
    }
  }

  private static String event(String id, String timestamp) {
    return "{\"id\": \"" + id + "\", \"timestamp\": " + timestamp + "}";
  }
}
