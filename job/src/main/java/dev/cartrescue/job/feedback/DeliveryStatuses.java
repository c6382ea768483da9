package dev.cartrescue.job.feedback;

import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.DeliveryStatus;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.records.WebhookEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by message id: ties each status webhook to the cart whose message it reports, and writes
 * one {@link DeliveryStatus} per message and status, however often Meta re-delivers it and in
 * whatever order ({@code read} before {@code delivered}; {@code delivered} left out).
 *
 * <p>A status names its cart by the callback data the job sent ({@code
 * <contact>:<cart>:<deadline>}, when that splits one way only) or, failing that, by its message id,
 * which the sent outcome read back from the outcomes topic carries (one checkpoint after the send).
 * A status that arrives before either waits, in state, for the outcome.
 *
 * <p>A failed status with code 131050 (the user stopped marketing messages) withdraws the contact's
 * consent ({@link #CONSENT}); a status that names the user's business-scoped user id teaches {@link
 * ConsentByNumber} whose id it is ({@link #IDENTITIES}), for users Meta later names by that id
 * alone.
 *
 * <p>Everything about a message is forgotten {@link #RETENTION} after its last status (event time):
 * Meta re-delivers for up to 7 days. Statuses still unmatched then are counted as {@code
 * deliveryStatusesUnmatched}: messages this job did not send (another app on the same account).
 */
public class DeliveryStatuses
    extends KeyedCoProcessFunction<String, RecordedOutcome, WebhookEvent, DeliveryStatus> {
  public static final OutputTag<ConsentChange> CONSENT =
      new OutputTag<>("consent-from-statuses", Types.POJO(ConsentChange.class));
  public static final OutputTag<NumberSignal> IDENTITIES =
      new OutputTag<>("user-ids", Types.POJO(NumberSignal.class));

  static final Duration RETENTION = Duration.ofDays(8);
  static final int OPTED_OUT = 131050;

  /** The statuses already written, one bit each, and whether the user id was told. */
  private static final List<String> STATUS_BITS = List.of("sent", "delivered", "read", "failed");

  private static final int USER_ID_TOLD = 1 << STATUS_BITS.size();

  private transient ValueState<RecordedOutcome> sent;
  private transient ValueState<Integer> written;
  private transient ListState<WebhookEvent> waiting;
  private transient ValueState<Long> forgetAt;
  private transient Counter unmatched;
  private transient Counter[] byStatus;

  @Override
  public void open(OpenContext openContext) {
    var ctx = getRuntimeContext();
    sent = ctx.getState(new ValueStateDescriptor<>("sent", RecordedOutcome.class));
    written = ctx.getState(new ValueStateDescriptor<>("written", Types.INT));
    waiting = ctx.getListState(new ListStateDescriptor<>("waiting", WebhookEvent.class));
    forgetAt = ctx.getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    var metrics = ctx.getMetricGroup();
    unmatched = metrics.counter("deliveryStatusesUnmatched");
    // In the order of STATUS_BITS.
    byStatus =
        new Counter[] {
          metrics.counter("deliveryStatusSent"),
          metrics.counter("deliveryStatusDelivered"),
          metrics.counter("deliveryStatusRead"),
          metrics.counter("deliveryStatusFailed")
        };
  }

  /** A sent outcome read back: the message's cart. */
  @Override
  public void processElement1(RecordedOutcome outcome, Context ctx, Collector<DeliveryStatus> out)
      throws Exception {
    if (sent.value() != null) {
      return;
    }
    sent.update(outcome);
    List<WebhookEvent> early = new ArrayList<>();
    waiting.get().forEach(early::add);
    waiting.clear();
    for (WebhookEvent status : early) {
      write(status, outcome, ctx, out);
    }
    forgetAfter(outcome.deadline, ctx);
  }

  @Override
  public void processElement2(WebhookEvent status, Context ctx, Collector<DeliveryStatus> out)
      throws Exception {
    RecordedOutcome cart = sent.value();
    if (cart == null) {
      cart = fromCallbackData(status.callbackData);
    }
    if (cart == null) {
      waiting.add(status);
    } else {
      write(status, cart, ctx, out);
    }
    forgetAfter(status.timestamp, ctx);
  }

  private void write(
      WebhookEvent status, RecordedOutcome cart, Context ctx, Collector<DeliveryStatus> out)
      throws Exception {
    int bits = written.value() == null ? 0 : written.value();
    int index = STATUS_BITS.indexOf(status.status);
    int bit = 1 << index;
    if ((bits & bit) != 0) {
      return;
    }
    bits |= bit;
    DeliveryStatus d = new DeliveryStatus();
    d.contactId = cart.contactId;
    d.cartId = cart.cartId;
    d.deadline = cart.deadline;
    d.messageId = status.messageId;
    d.status = status.status;
    d.timestamp = status.timestamp;
    d.errorCode = status.errorCode;
    d.errorTitle = status.errorTitle;
    d.pricingCategory = status.pricingCategory;
    out.collect(d);
    byStatus[index].inc();

    String phone = NumberSignal.e164(status.waId);
    if (status.errorCode != null && status.errorCode == OPTED_OUT) {
      ctx.output(
          CONSENT,
          ConsentChange.of(
              cart.contactId, phone, false, ConsentChange.SEND_REFUSED, status.timestamp));
    }
    if (status.userId != null && (bits & USER_ID_TOLD) == 0) {
      bits |= USER_ID_TOLD;
      ctx.output(
          IDENTITIES,
          NumberSignal.claim(
              NumberSignal.userKey(status.userId),
              NumberOwner.of(cart.contactId, phone, null, status.timestamp)));
    }
    written.update(bits);
  }

  private void forgetAfter(long time, Context ctx) throws Exception {
    long at = time + RETENTION.toMillis();
    Long before = forgetAt.value();
    if (before == null || at > before) {
      forgetAt.update(at);
      ctx.timerService().registerEventTimeTimer(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeliveryStatus> out)
      throws Exception {
    Long at = forgetAt.value();
    if (at == null || timestamp < at) {
      return;
    }
    for (WebhookEvent ignored : waiting.get()) {
      unmatched.inc();
    }
    sent.clear();
    written.clear();
    waiting.clear();
    forgetAt.clear();
  }

  /**
   * The cart of a decision id, {@code <contact>:<cart>:<deadline>}, when it splits one way only;
   * else null (an id with a colon of its own, a digest of a long id), and the message id decides.
   */
  static RecordedOutcome fromCallbackData(String callbackData) {
    if (callbackData == null) {
      return null;
    }
    String[] parts = callbackData.split(":", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return null;
    }
    long deadline;
    try {
      deadline = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return null;
    }
    RecordedOutcome cart = new RecordedOutcome();
    cart.contactId = parts[0];
    cart.cartId = parts[1];
    cart.deadline = deadline;
    return cart;
  }
}
