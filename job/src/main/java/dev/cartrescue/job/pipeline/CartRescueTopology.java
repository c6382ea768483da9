package dev.cartrescue.job.pipeline;

import dev.cartrescue.job.feedback.ConsentByNumber;
import dev.cartrescue.job.feedback.ContactNumbers;
import dev.cartrescue.job.feedback.DeliveryStatuses;
import dev.cartrescue.job.feedback.Handoffs;
import dev.cartrescue.job.feedback.NumberSignal;
import dev.cartrescue.job.feedback.SentCart;
import dev.cartrescue.job.feedback.WebhookEvents;
import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactSignal;
import dev.cartrescue.job.records.DeliveryStatus;
import dev.cartrescue.job.records.Handoff;
import dev.cartrescue.job.records.Outcome;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.records.WebhookEvent;
import dev.cartrescue.job.records.WebhookNotification;
import dev.cartrescue.job.rule.AbandonedCartEmitter;
import dev.cartrescue.job.rule.AbandonmentPattern;
import dev.cartrescue.job.rule.ClickstreamCleaner;
import dev.cartrescue.job.rule.EligibilityFunction;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.job.rule.WallClock;
import dev.cartrescue.sinks.whatsapp.Delivery;
import dev.cartrescue.sinks.whatsapp.SendResult;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The rule as a diagram; its inputs, its outputs and the sender are ports, so {@code main} plugs in
 * Kafka and the Cloud API ({@link KafkaWiring}) and tests plug in data in memory. Building it makes
 * no network call.
 *
 * <pre>
 * clicks ─ cart events ─ keyBy contact ─ cleaner ─┬─ CEP: add_to_cart not followed by add/purchase
 *                                                  │        within abandon-after ─ abandoned carts ┐
 *                                                  └──────────────────────────────── cart events ──┤
 * profiles ────────────────────────────────────────────────────────────────────────────────────────┤
 * capping events ──────────────────────────────────────────────────────────────────────────────────┤
 * recorded outcomes (what the sender's results came to, read back) ─ failed sends ─────────────────┤
 *    │  └ sent ─ keyBy message id ─┐                                                                 │
 * webhooks ─ statuses ─────────────┴ delivery statuses ─ deliveries     consent changes ────────────┤
 *    └ replies, preferences ─ keyBy number ─ consent by number ─────────┘ (also written out)         │
 * profiles ─ keyBy contact ─ contact numbers ─┘                                                       │
 *                                                                   keyBy contact ─ eligibility at D
 *                                          ┌─ suppressed (reason) ────────────────────────┐      │
 *                                          │                                              ├─ outcomes
 *            to send ─ keyBy number ─ [sender port] ─ sent / failed ─────────────────────┘
 *                                                   └ sent ─┬────────────────────────────── capping events
 *    taps, replies (from webhooks) ─ keyBy number ─┐        └ keyBy number ─┐
 *                                                  └──────── advisor hand-offs ─ hand-offs
 * </pre>
 *
 * Every stateful operator has a stable uid, so savepoints survive changes to the job. Sends are
 * keyed by phone number so that every message to one number goes through the same sender subtask,
 * which keeps Meta's pair rate (one message per 6 s to a number) on its own.
 */
public final class CartRescueTopology {
  private static final Duration MAX_EVENT_TIME_STEP = Duration.ofSeconds(10);

  /**
   * What the rule hears. Every stream carries event-time timestamps and watermarks. {@code
   * numberProfiles} are the profiles again, read for the WhatsApp numbers they name, from the start
   * of their topic whenever that reader has no state (Kafka: a source of its own).
   */
  public record Inputs(
      DataStream<ClickEvent> clicks,
      DataStream<ContactProfile> profiles,
      DataStream<CappingEvent> cappingEvents,
      DataStream<RecordedOutcome> recordedOutcomes,
      DataStream<WebhookNotification> webhooks,
      DataStream<ContactProfile> numberProfiles) {}

  /**
   * What the rule decides: one outcome per abandoned cart, one capping event per accepted send; and
   * what it heard back: one delivery status per sent cart and status, one record per consent
   * change, one hand-off per customer's answer to a cart's message.
   */
  public record Outputs(
      DataStream<Outcome> outcomes,
      DataStream<CappingEvent> cappingEvents,
      DataStream<DeliveryStatus> deliveries,
      DataStream<ConsentChange> consentChanges,
      DataStream<Handoff> handoffs) {}

  /**
   * Sends each decision's message and emits one delivery per decision, never failing the job; the
   * implementation names its operator and gives it a uid.
   */
  @FunctionalInterface
  public interface Sender {
    DataStream<Delivery<CartDecision>> send(KeyedStream<CartDecision, String> byPhoneNumber);
  }

  private CartRescueTopology() {}

  public static Outputs build(Inputs in, RuleSettings rule, Sender sender, WallClock clock) {
    long step = eventTimeStep(rule.abandonAfter());
    SingleOutputStreamOperator<ClickEvent> cartEvents =
        in.clicks()
            .filter(ClickEvent::mattersToTheRule)
            .name("cart events")
            .keyBy(e -> e.contactId)
            .process(new ClickstreamCleaner(step))
            .uid("clickstream-cleaner")
            .name("drop duplicate and late cart events");

    // Still keyed by contact and chained to the cleaner: no second shuffle of the same stream.
    KeyedStream<ClickEvent, String> abandonmentActivity =
        DataStreamUtils.reinterpretAsKeyedStream(
            cartEvents
                .filter(AbandonmentPattern::concerns)
                .name("add_to_cart and purchase")
                .transform(
                    "event time in steps of " + step + " ms",
                    cartEvents.getType(),
                    new CoarseWatermarks<>(step)),
            e -> e.contactId);
    DataStream<AbandonedCart> abandonedCarts =
        CEP.pattern(abandonmentActivity, AbandonmentPattern.of(rule.abandonAfter()))
            .inEventTime()
            .process(
                new AbandonedCartEmitter(rule.abandonAfter()),
                TypeInformation.of(AbandonedCart.class))
            .uid("abandonment-pattern")
            .name("abandoned carts (CEP)");

    DataStream<RecordedOutcome> failedSends =
        in.recordedOutcomes().filter(RecordedOutcome::isFailedSend).name("failed sends");

    Feedback feedback = feedback(in);

    DataStream<ContactSignal> signals =
        cartEvents
            .map(ContactSignal::of)
            .name("cart event signals")
            .union(
                in.profiles().map(ContactSignal::of).name("profile signals"),
                in.cappingEvents().map(ContactSignal::of).name("capping signals"),
                failedSends.map(ContactSignal::of).name("signals"),
                feedback.consentChanges().map(ContactSignal::of).name("consent signals"),
                abandonedCarts.map(ContactSignal::of).name("abandoned cart signals"));

    SingleOutputStreamOperator<CartDecision> decisions =
        signals
            .keyBy(ContactSignal::contactId)
            .process(new EligibilityFunction(rule, clock))
            .uid("eligibility")
            .name("eligibility at the deadline");

    DataStream<Outcome> suppressed =
        decisions
            .filter(d -> !d.isSend())
            .name("suppressed")
            .map(Outcome::suppressed)
            .name("suppressed outcomes");

    DataStream<Delivery<CartDecision>> deliveries =
        sender.send(decisions.filter(CartDecision::isSend).name("to send").keyBy(d -> d.phoneE164));

    DataStream<Outcome> outcomes =
        deliveries
            .map(CartRescueTopology::outcomeOf)
            .name("delivery outcomes")
            .union(suppressed)
            .map(new OutcomeMetrics())
            .uid("outcome-metrics")
            .name("count outcomes");

    DataStream<Delivery<CartDecision>> sent =
        deliveries.filter(d -> d.result.status == SendResult.Status.SENT).name("sent");
    DataStream<CappingEvent> cappingEvents =
        sent.map(CartRescueTopology::cappingOf).name("capping events");

    String defaultLanguage = rule.defaultLanguage();
    DataStream<Handoff> handoffs =
        sent.map(d -> SentCart.of(d.request, d.result.messageId, defaultLanguage))
            .name("sent carts")
            .keyBy(SentCart::numberKey)
            .connect(feedback.answers().keyBy(e -> e.key))
            .process(new Handoffs())
            .uid("advisor-handoffs")
            .name("advisor hand-offs");

    DataStream<ConsentChange> consentChanges =
        feedback
            .consentChanges()
            .union(decisions.getSideOutput(EligibilityFunction.CONSENT_CHANGES));
    return new Outputs(outcomes, cappingEvents, feedback.deliveries(), consentChanges, handoffs);
  }

  /** {@code answers}: taps and texts, keyed like the numbers ({@link NumberSignal#key}). */
  private record Feedback(
      DataStream<DeliveryStatus> deliveries,
      DataStream<ConsentChange> consentChanges,
      DataStream<NumberSignal> answers) {}

  /**
   * What WhatsApp tells back (docs/webhooks.md): statuses tied to their carts by message id, and
   * the users' opt-outs tied to their contacts by WhatsApp number.
   */
  private static Feedback feedback(Inputs in) {
    SingleOutputStreamOperator<WebhookEvent> statuses =
        in.webhooks()
            .process(new WebhookEvents(), TypeInformation.of(WebhookEvent.class))
            .name("events");

    DataStream<RecordedOutcome> sentOutcomes =
        in.recordedOutcomes().filter(RecordedOutcome::isSent).name("sent");
    SingleOutputStreamOperator<DeliveryStatus> deliveries =
        sentOutcomes
            .keyBy(o -> o.messageId)
            .connect(statuses.keyBy(e -> e.messageId))
            .process(new DeliveryStatuses())
            .uid("delivery-statuses")
            .name("delivery statuses");

    DataStream<NumberSignal> owners =
        in.numberProfiles()
            .keyBy(p -> p.contactId)
            .process(new ContactNumbers())
            .uid("contact-numbers")
            .name("contact numbers");
    DataStream<NumberSignal> fromUsers = statuses.getSideOutput(WebhookEvents.FROM_USERS);
    DataStream<ConsentChange> consentFromUsers =
        fromUsers
            .union(owners, deliveries.getSideOutput(DeliveryStatuses.IDENTITIES))
            .keyBy(s -> s.key)
            .process(new ConsentByNumber())
            .uid("consent-by-number")
            .name("consent by number");
    DataStream<NumberSignal> answers = fromUsers.filter(NumberSignal::isAnswer).name("answers");
    return new Feedback(
        deliveries,
        consentFromUsers.union(deliveries.getSideOutput(DeliveryStatuses.CONSENT)),
        answers);
  }

  /**
   * How far event time moves at a time for the abandonment pattern: a 360th of abandon-after (10 s
   * for an hour), at most 10 s. A decision comes at most that late after its deadline, a delay
   * smaller than the watermark's out-of-orderness in a live store.
   */
  static long eventTimeStep(Duration abandonAfter) {
    return Math.max(1, Math.min(MAX_EVENT_TIME_STEP.toMillis(), abandonAfter.toMillis() / 360));
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
