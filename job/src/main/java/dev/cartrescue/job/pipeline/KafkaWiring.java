package dev.cartrescue.job.pipeline;

import dev.cartrescue.connectors.DeadLetter;
import dev.cartrescue.connectors.DeadLetters;
import dev.cartrescue.connectors.EventTimeWatermarks;
import dev.cartrescue.connectors.KafkaInputs;
import dev.cartrescue.connectors.KafkaOutputs;
import dev.cartrescue.connectors.KafkaSettings;
import dev.cartrescue.connectors.OutputRecord;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.message.CartMessage;
import dev.cartrescue.job.pipeline.CartRescueTopology.Inputs;
import dev.cartrescue.job.pipeline.CartRescueTopology.Outputs;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.CappingEventParser;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactProfileParser;
import dev.cartrescue.job.records.OutputJson;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.records.RecordedOutcomeParser;
import dev.cartrescue.job.records.WebhookNotification;
import dev.cartrescue.job.records.WebhookNotificationParser;
import dev.cartrescue.job.rule.WallClock;
import dev.cartrescue.sinks.whatsapp.Delivery;
import dev.cartrescue.sinks.whatsapp.WhatsAppSender;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The topology's ports on Kafka and the Cloud API: the five input topics with their watermarks and
 * partition-bounded parallelism, the dead-letter split of each, the WhatsApp sender with its send
 * ledger, and the one exactly-once sink for everything the job writes.
 *
 * <p>Unlike the topology, this asks Kafka for partition counts and creates the send-ledger topic: a
 * missing topic or an unreachable broker stops the job before it starts.
 */
public final class KafkaWiring {
  private final CartRescueOptions options;
  private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();

  public KafkaWiring(CartRescueOptions options) {
    this.options = options;
  }

  /** The whole job on {@code env}. */
  public static void build(
      StreamExecutionEnvironment env, CartRescueOptions options, WallClock clock) {
    KafkaWiring kafka = new KafkaWiring(options);
    Outputs outputs =
        CartRescueTopology.build(kafka.inputs(env), options.rule, kafka.sender(), clock);
    kafka.write(outputs);
  }

  public Inputs inputs(StreamExecutionEnvironment env) {
    return new Inputs(
        read(
            env, "clickstream", options.clickstreamTopic, new ClickEventParser(), ClickEvent.class),
        read(
            env,
            "contacts",
            options.contactsTopic,
            new ContactProfileParser(),
            ContactProfile.class),
        read(env, "capping", options.cappingTopic, new CappingEventParser(), CappingEvent.class),
        // An opt-out (Cloud API 131050) comes back through the outcomes topic, as our capping
        // events do.
        read(
            env,
            "outcomes",
            options.outcomesTopic,
            new RecordedOutcomeParser(),
            RecordedOutcome.class,
            options.kafka,
            outsideEventTime(),
            false,
            true),
        read(
            env,
            "webhooks",
            options.webhooksTopic,
            new WebhookNotificationParser(),
            WebhookNotification.class),
        numberProfiles(env));
  }

  /**
   * The contacts topic once more, for the numbers the contacts own: a consumer group of its own
   * that starts from the earliest offsets whenever this source has no checkpointed offsets (the
   * first start, an upgrade from a version without it), so that every contact's number is known,
   * not only those of the profiles written since. Its dead letters are the contacts source's, and
   * written by that one only.
   */
  private DataStream<ContactProfile> numberProfiles(StreamExecutionEnvironment env) {
    KafkaSettings fromTheStart =
        new KafkaSettings(
            options.kafka.bootstrapServers(),
            options.kafka.groupId() + "-numbers",
            KafkaSettings.StartingOffsets.EARLIEST,
            options.kafka.properties());
    return read(
        env,
        "numbers",
        options.contactsTopic,
        new ContactProfileParser(),
        ContactProfile.class,
        fromTheStart,
        EventTimeWatermarks.forInputs(
            options.outOfOrderness, options.idleAdvance, fromTheStart, options.contactsTopic),
        true,
        false);
  }

  /** The Cloud API with the send ledger, which keeps a restart from sending a message again. */
  public CartRescueTopology.Sender sender() {
    KafkaSendLedger ledger = new KafkaSendLedger(options.kafka, options.rule.maxSendDelay());
    ledger.ensureTopic();
    CartMessage message = new CartMessage(options.templateName, options.rule.defaultLanguage());
    return byPhoneNumber ->
        WhatsAppSender.send(
                byPhoneNumber,
                options.whatsapp,
                message,
                ledger,
                new TypeHint<Delivery<CartDecision>>() {}.getTypeInfo())
            .uid("whatsapp-sender")
            .name("send WhatsApp template (async)");
  }

  /**
   * Outcomes, capping events, delivery statuses, consent changes, hand-offs and the dead letters of
   * every input, in one transaction per checkpoint.
   */
  public void write(Outputs outputs) {
    String outcomesTopic = options.outcomesTopic;
    String cappingTopic = options.cappingTopic;
    String deliveriesTopic = options.deliveriesTopic;
    String consentChangesTopic = options.consentChangesTopic;
    String handoffsTopic = options.handoffsTopic;
    String deadLetterTopic = options.deadLetterTopic;
    DataStream<OutputRecord> records =
        outputs
            .outcomes()
            .map(o -> new OutputRecord(outcomesTopic, o.contactId, OutputJson.outcome(o)))
            .name("outcome records")
            .union(
                outputs
                    .cappingEvents()
                    .map(c -> new OutputRecord(cappingTopic, c.contactId, OutputJson.capping(c)))
                    .name("capping records"),
                outputs
                    .deliveries()
                    .map(
                        d -> new OutputRecord(deliveriesTopic, d.contactId, OutputJson.delivery(d)))
                    .name("delivery records"),
                outputs
                    .consentChanges()
                    .map(
                        c ->
                            new OutputRecord(
                                consentChangesTopic, c.contactId, OutputJson.consentChange(c)))
                    .name("consent change records"),
                outputs
                    .handoffs()
                    .map(h -> new OutputRecord(handoffsTopic, h.contactId, OutputJson.handoff(h)))
                    .name("hand-off records"));
    for (DataStream<DeadLetter> dead : deadLetters) {
      records =
          records.union(
              dead.map(d -> new OutputRecord(deadLetterTopic, null, d.toJson()))
                  .name("dead letters"));
    }
    records
        .sinkTo(KafkaOutputs.exactlyOnce(options.kafka, transactionalIdPrefix()))
        .uid("kafka-outputs")
        .name("all outputs (exactly once)");
  }

  /**
   * The parser's name. Flink names a source's task after its chain ("Source: clickstream -> parse
   * -> (cart events, dead letters)") and cuts metric names at 80 characters: short names keep every
   * chain whole (OperatorNamesTest), the topic is in the source's description.
   */
  static final String PARSE = "parse";

  /** {@link KeptEventTime}'s name, in every source's chain. */
  static final String EVENT_TIME = "event time";

  /** Stable across restarts (the sink finds and ends its own transactions by it). */
  String transactionalIdPrefix() {
    return options.kafka.groupId() + "-outputs";
  }

  private <T> DataStream<T> read(
      StreamExecutionEnvironment env,
      String name,
      String topic,
      RecordParser<T> parser,
      Class<T> type) {
    return read(
        env,
        name,
        topic,
        parser,
        type,
        options.kafka,
        EventTimeWatermarks.forInputs(
            options.outOfOrderness, options.idleAdvance, options.kafka, topic),
        true,
        true);
  }

  /**
   * @param inEventTime whether the input's event time counts, and so is kept across restores
   *     ({@link KeptEventTime}); the outcomes read back stay outside it ({@link #outsideEventTime})
   * @param writesDeadLetters false for a second reader of a topic whose first one writes them
   */
  private <T> DataStream<T> read(
      StreamExecutionEnvironment env,
      String name,
      String topic,
      RecordParser<T> parser,
      Class<T> type,
      KafkaSettings kafka,
      WatermarkStrategy<Parsed<T>> watermarks,
      boolean inEventTime,
      boolean writesDeadLetters) {
    TypeInformation<Parsed<T>> parsedType = Parsed.typeInfo(TypeInformation.of(type));
    // A source subtask without a partition would hold event time back forever.
    int partitions = KafkaInputs.partitions(kafka, topic);
    int parallelism = Math.min(Math.max(env.getParallelism(), 1), partitions);
    SingleOutputStreamOperator<Parsed<T>> source =
        env.fromSource(
                KafkaInputs.source(kafka, topic, parser, parsedType), watermarks, name, parsedType)
            .uid(name + "-source")
            .setDescription("Kafka topic " + topic)
            .setParallelism(parallelism);
    SingleOutputStreamOperator<Parsed<T>> read =
        !inEventTime
            ? source
            : source
                .transform(EVENT_TIME, parsedType, new KeptEventTime<>())
                .uid(name + "-event-time")
                .setParallelism(parallelism);
    SingleOutputStreamOperator<T> valid =
        DeadLetters.split(read, TypeInformation.of(type))
            .uid(name + "-records")
            .name(PARSE)
            .setParallelism(parallelism);
    if (writesDeadLetters) {
      deadLetters.add(valid.getSideOutput(DeadLetters.OUTPUT));
    }
    return valid;
  }

  /**
   * For the job's own outcomes read back. Their times are deadlines already decided, behind the
   * decisions that made them: they can add nothing to event time, only hold it back (while the
   * topic lags, or before its first record). So the source stays idle for ever and out of event
   * time, and an opt-out counts from when it is read: seconds after its send failed (one
   * checkpoint), long before the capping period that the failed send reserved has passed, so no
   * later cart of the contact is decided without it.
   */
  private static <T> WatermarkStrategy<Parsed<T>> outsideEventTime() {
    return WatermarkStrategy.<Parsed<T>>forGenerator(
            context ->
                new WatermarkGenerator<>() {
                  @Override
                  public void onEvent(Parsed<T> event, long timestamp, WatermarkOutput output) {}

                  @Override
                  public void onPeriodicEmit(WatermarkOutput output) {
                    output.markIdle();
                  }
                })
        .withTimestampAssigner(
            (parsed, kafkaTimestamp) -> parsed.isValid() ? parsed.eventTime : kafkaTimestamp);
  }
}
