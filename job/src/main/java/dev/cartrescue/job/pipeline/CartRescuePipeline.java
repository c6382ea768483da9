package dev.cartrescue.job.pipeline;

import dev.cartrescue.connectors.DeadLetter;
import dev.cartrescue.connectors.DeadLetters;
import dev.cartrescue.connectors.EventTimeWatermarks;
import dev.cartrescue.connectors.KafkaInputs;
import dev.cartrescue.connectors.KafkaOutputs;
import dev.cartrescue.connectors.OutputRecord;
import dev.cartrescue.connectors.Parsed;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.message.CartMessage;
import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.CappingEventParser;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactProfileParser;
import dev.cartrescue.job.records.ContactSignal;
import dev.cartrescue.job.records.Outcome;
import dev.cartrescue.job.records.OutputJson;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.records.RecordedOutcomeParser;
import dev.cartrescue.job.rule.AbandonedCartEmitter;
import dev.cartrescue.job.rule.AbandonmentPattern;
import dev.cartrescue.job.rule.ClickstreamCleaner;
import dev.cartrescue.job.rule.EligibilityFunction;
import dev.cartrescue.job.rule.WallClock;
import dev.cartrescue.sinks.whatsapp.Delivery;
import dev.cartrescue.sinks.whatsapp.SendResult;
import dev.cartrescue.sinks.whatsapp.WhatsAppSender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job as a diagram:
 *
 * <pre>
 * clickstream ─ cart events ─ keyBy contact ─ cleaner ─┬─ CEP abandonment ─┐
 *                                                       └──────────────────┤
 * contacts ────────────────────────────────────────────────────────────────┤
 * capping ─────────────────────────────────────────────────────────────────┼─ keyBy contact ─ eligibility
 * outcomes (our own, read back) ─ opt-outs ────────────────────────────────┘        │
 *            suppressed ─────────────────────────────────────────────────── outcomes ┤
 *            to send ─ keyBy number ─ WhatsApp (async) ─ sent / failed ──── outcomes ┤
 *                                                        └ sent ────────── capping  ├─ Kafka (exactly once)
 *            unreadable input of every topic ───────────────────────── dead letters ┘
 * </pre>
 *
 * Every stateful operator has a stable uid, so savepoints survive changes to the job.
 *
 * <p>Sends are keyed by phone number so that every message to one number goes through the same
 * sender subtask, which keeps Meta's pair rate (one message per 6 s to a number) on its own.
 */
public final class CartRescuePipeline {
  private final CartRescueOptions options;
  private final WallClock clock;

  public CartRescuePipeline(CartRescueOptions options, WallClock clock) {
    this.options = options;
    this.clock = clock;
  }

  public void build(StreamExecutionEnvironment env) {
    List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    DataStream<ClickEvent> clicks =
        read(
            env,
            "clickstream",
            options.clickstreamTopic,
            new ClickEventParser(),
            ClickEvent.class,
            deadLetters);
    DataStream<ContactProfile> profiles =
        read(
            env,
            "contacts",
            options.contactsTopic,
            new ContactProfileParser(),
            ContactProfile.class,
            deadLetters);
    DataStream<CappingEvent> cappings =
        read(
            env,
            "capping",
            options.cappingTopic,
            new CappingEventParser(),
            CappingEvent.class,
            deadLetters);

    // An opt-out (Cloud API 131050) comes back through the outcomes topic, as our capping events
    // do.
    DataStream<RecordedOutcome> optOuts =
        read(
                env,
                "outcomes",
                options.outcomesTopic,
                new RecordedOutcomeParser(),
                RecordedOutcome.class,
                deadLetters,
                outsideEventTime())
            .filter(RecordedOutcome::isOptOut)
            .name("opt-outs");

    DataStream<ClickEvent> cartEvents =
        clicks
            .filter(ClickEvent::mattersToTheRule)
            .name("cart events")
            .keyBy(e -> e.contactId)
            .process(new ClickstreamCleaner())
            .uid("clickstream-cleaner")
            .name("drop duplicate and late cart events");

    DataStream<AbandonedCart> abandonedCarts =
        CEP.pattern(
                cartEvents.keyBy(e -> e.contactId),
                AbandonmentPattern.of(options.rule.abandonAfter()))
            .inEventTime()
            .process(
                new AbandonedCartEmitter(options.rule.abandonAfter()),
                TypeInformation.of(AbandonedCart.class))
            .uid("abandonment-pattern")
            .name("abandoned carts (CEP)");

    DataStream<ContactSignal> signals =
        cartEvents
            .map(ContactSignal::of)
            .name("cart event signals")
            .union(
                profiles.map(ContactSignal::of).name("profile signals"),
                cappings.map(ContactSignal::of).name("capping signals"),
                optOuts.map(ContactSignal::of).name("opt-out signals"),
                abandonedCarts.map(ContactSignal::of).name("abandoned cart signals"));

    SingleOutputStreamOperator<CartDecision> decisions =
        signals
            .keyBy(ContactSignal::contactId)
            .process(new EligibilityFunction(options.rule, clock))
            .uid("eligibility")
            .name("eligibility at the deadline");

    DataStream<Outcome> suppressed =
        decisions
            .filter(d -> !d.isSend())
            .name("suppressed")
            .map(Outcome::suppressed)
            .name("suppressed outcomes");

    SingleOutputStreamOperator<Delivery<CartDecision>> deliveries =
        WhatsAppSender.send(
                decisions.filter(CartDecision::isSend).name("to send").keyBy(d -> d.phoneE164),
                options.whatsapp,
                new CartMessage(options.templateName, options.rule.defaultLanguage()),
                sendLedger(),
                new TypeHint<Delivery<CartDecision>>() {}.getTypeInfo())
            .uid("whatsapp-sender")
            .name("send WhatsApp template (async)");

    DataStream<Outcome> outcomes =
        deliveries
            .map(CartRescuePipeline::outcomeOf)
            .name("delivery outcomes")
            .union(suppressed)
            .map(new OutcomeMetrics())
            .uid("outcome-metrics")
            .name("count outcomes");

    DataStream<CappingEvent> sentCappings =
        deliveries
            .filter(d -> d.result.status == SendResult.Status.SENT)
            .name("sent")
            .map(CartRescuePipeline::cappingOf)
            .name("capping events");

    String outcomesTopic = options.outcomesTopic;
    String cappingTopic = options.cappingTopic;
    String deadLetterTopic = options.deadLetterTopic;
    DataStream<OutputRecord> records =
        outcomes
            .map(o -> new OutputRecord(outcomesTopic, o.contactId, OutputJson.outcome(o)))
            .name("outcome records")
            .union(
                sentCappings
                    .map(c -> new OutputRecord(cappingTopic, c.contactId, OutputJson.capping(c)))
                    .name("capping records"));
    for (DataStream<DeadLetter> dead : deadLetters) {
      records =
          records.union(
              dead.map(d -> new OutputRecord(deadLetterTopic, null, d.toJson()))
                  .name("dead letter records"));
    }
    records
        .sinkTo(KafkaOutputs.exactlyOnce(options.kafka, transactionalIdPrefix()))
        .uid("kafka-outputs")
        .name("outcomes, capping, dead letters (exactly once)");
  }

  /** Accepted sends, recorded outside the checkpoints: see docs/exactly-once.md. */
  private KafkaSendLedger sendLedger() {
    KafkaSendLedger ledger = new KafkaSendLedger(options.kafka, options.rule.maxSendDelay());
    ledger.ensureTopic();
    return ledger;
  }

  /** Stable across restarts (the sink finds and ends its own transactions by it). */
  String transactionalIdPrefix() {
    return options.kafka.groupId() + "-outputs";
  }

  private <T> DataStream<T> read(
      StreamExecutionEnvironment env,
      String name,
      String topic,
      RecordParser<T> parser,
      Class<T> type,
      List<DataStream<DeadLetter>> deadLetters) {
    return read(
        env,
        name,
        topic,
        parser,
        type,
        deadLetters,
        EventTimeWatermarks.forInputs(
            options.outOfOrderness, options.idleAdvance, options.kafka, topic));
  }

  private <T> DataStream<T> read(
      StreamExecutionEnvironment env,
      String name,
      String topic,
      RecordParser<T> parser,
      Class<T> type,
      List<DataStream<DeadLetter>> deadLetters,
      WatermarkStrategy<Parsed<T>> watermarks) {
    TypeInformation<Parsed<T>> parsedType = parsedType(type);
    // A source subtask without a partition would hold event time back forever.
    int partitions = KafkaInputs.partitions(options.kafka, topic);
    int parallelism = Math.min(Math.max(env.getParallelism(), 1), partitions);
    SingleOutputStreamOperator<Parsed<T>> source =
        env.fromSource(
                KafkaInputs.source(options.kafka, topic, parser, parsedType),
                watermarks,
                name + " (Kafka " + topic + ")",
                parsedType)
            .uid(name + "-source")
            .setParallelism(parallelism);
    SingleOutputStreamOperator<T> valid =
        DeadLetters.split(source, TypeInformation.of(type))
            .uid(name + "-records")
            .name(name + " records")
            .setParallelism(parallelism);
    deadLetters.add(valid.getSideOutput(DeadLetters.OUTPUT));
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> TypeInformation<Parsed<T>> parsedType(Class<T> type) {
    return (TypeInformation)
        Types.POJO(
            Parsed.class,
            Map.of(
                "value", TypeInformation.of(type),
                "deadLetter", TypeInformation.of(DeadLetter.class),
                "eventTime", Types.LONG));
  }

  private static Outcome outcomeOf(Delivery<CartDecision> delivery) {
    SendResult result = delivery.result;
    return result.status == SendResult.Status.SENT
        ? Outcome.sent(delivery.request, result.messageId)
        : Outcome.failed(delivery.request, result.reason, result.errorCode);
  }

  private static CappingEvent cappingOf(Delivery<CartDecision> delivery) {
    CartDecision cart = delivery.request;
    CappingEvent capping = new CappingEvent(cart.contactId, cart.deadline);
    capping.eventId = "capping:" + cart.decisionId();
    capping.cartId = cart.cartId;
    capping.messageId = delivery.result.messageId;
    return capping;
  }
}
