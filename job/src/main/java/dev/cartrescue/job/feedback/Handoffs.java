package dev.cartrescue.job.feedback;

import dev.cartrescue.job.message.CartMessage;
import dev.cartrescue.job.records.Handoff;
import dev.cartrescue.job.records.WebhookEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by WhatsApp number: turns a customer's answer to a cart's message into one {@link Handoff}
 * for a human advisor, with the cart in hand (docs/advisor.md).
 *
 * <p>An answer is
 *
 * <ul>
 *   <li>a tap on "Chat with an advisor": a {@code button} (or interactive reply) message that
 *       quotes the cart's message, or whose payload names the cart;
 *   <li>a text that quotes the cart's message, unless it is a STOP ({@link StopWords}: that one
 *       withdraws consent instead);
 *   <li>the first text that quotes nothing within {@link #UNQUOTED_REPLY_WINDOW} of the newest cart
 *       message to the number: the customer wrote back without swiping to reply. Later ones are the
 *       conversation, which the inbox receives from the webhook receiver itself.
 * </ul>
 *
 * Each answer is handed off once, by the id of the customer's message, however often Meta
 * re-delivers it. The carts come from the sender's results in the job itself (no round trip through
 * Kafka), so a tap seconds after the send finds its cart. An answer that quotes a message (or a tap
 * whose payload names a cart) and finds no cart waits for one until event time is {@link #WAIT}
 * past it (inputs read out of order, a replay); a tap still untied then (to a message sent before
 * this operator existed, forgotten, or another app's) is counted as {@code handoffsUnmatched};
 * texts that cannot be tied are conversation and ignored.
 *
 * <p>A cart is forgotten {@link DeliveryStatuses#RETENTION} (event time) after its deadline or its
 * last answer, whichever is later: Meta re-delivers for up to 7 days.
 */
public class Handoffs extends KeyedCoProcessFunction<String, SentCart, NumberSignal, Handoff> {
  static final Duration UNQUOTED_REPLY_WINDOW = Duration.ofHours(24);
  static final Duration WAIT = Duration.ofHours(1);

  private transient MapState<String, SentCart> carts;
  private transient ListState<WebhookEvent> waiting;
  private transient Counter handoffs;
  private transient Counter unmatched;
  private transient volatile long lastDelayMillis;

  @Override
  public void open(OpenContext openContext) {
    var ctx = getRuntimeContext();
    carts =
        ctx.getMapState(
            new MapStateDescriptor<>("sent-carts", Types.STRING, Types.POJO(SentCart.class)));
    waiting = ctx.getListState(new ListStateDescriptor<>("waiting", WebhookEvent.class));
    var metrics = ctx.getMetricGroup();
    handoffs = metrics.counter("handoffs");
    unmatched = metrics.counter("handoffsUnmatched");
    metrics.gauge("handoffDelayMs", (Gauge<Long>) () -> lastDelayMillis);
  }

  @Override
  public void processElement1(SentCart cart, Context ctx, Collector<Handoff> out) throws Exception {
    carts.put(cart.messageId, cart);
    forgetAfter(cart.deadline, ctx);
    List<WebhookEvent> early = new ArrayList<>();
    waiting.get().forEach(early::add);
    waiting.clear();
    for (WebhookEvent answer : early) {
      handOff(answer, ctx, out, true);
    }
  }

  @Override
  public void processElement2(NumberSignal signal, Context ctx, Collector<Handoff> out)
      throws Exception {
    handOff(signal.event, ctx, out, true);
  }

  /** Hands {@code answer} off, or (when it may still find its cart) lets it wait. */
  private void handOff(WebhookEvent answer, Context ctx, Collector<Handoff> out, boolean mayWait)
      throws Exception {
    SentCart cart = cartAnswered(answer);
    if (cart == null) {
      boolean tiedToACart =
          answer.contextMessageId != null
              || (answer.kind == WebhookEvent.Kind.BUTTON
                  && CartMessage.cartOfAdvisorPayload(answer.payload) != null);
      if (tiedToACart && mayWait) {
        waiting.add(answer);
        ctx.timerService().registerEventTimeTimer(answer.timestamp + WAIT.toMillis());
      } else if (tiedToACart && answer.kind == WebhookEvent.Kind.BUTTON) {
        unmatched.inc();
      }
      return;
    }
    if (cart.handedOff(answer.messageId)
        || (answer.kind == WebhookEvent.Kind.TEXT
            && StopWords.isStop(answer.text, cart.language))) {
      return;
    }
    String[] handedOff = Arrays.copyOf(cart.handedOff, cart.handedOff.length + 1);
    handedOff[cart.handedOff.length] = answer.messageId;
    cart.handedOff = handedOff;
    cart.lastAnswer = Math.max(cart.lastAnswer, answer.timestamp);
    if (answer.kind == WebhookEvent.Kind.TEXT && answer.contextMessageId == null) {
      cart.unquotedTextHandedOff = true;
    }
    carts.put(cart.messageId, cart);
    out.collect(handoff(cart, answer));
    handoffs.inc();
    lastDelayMillis = Math.max(0, ctx.timerService().currentProcessingTime() - answer.timestamp);
    forgetAfter(answer.timestamp, ctx);
  }

  /** The sent cart that {@code answer} answers, or null. */
  private SentCart cartAnswered(WebhookEvent answer) throws Exception {
    if (answer.contextMessageId != null) {
      SentCart quoted = carts.get(answer.contextMessageId);
      if (quoted != null || answer.kind == WebhookEvent.Kind.TEXT) {
        return quoted;
      }
    }
    SentCart newest = null;
    if (answer.kind == WebhookEvent.Kind.BUTTON) {
      String cartId = CartMessage.cartOfAdvisorPayload(answer.payload);
      if (cartId == null) {
        return null;
      }
      for (SentCart cart : carts.values()) {
        if (cart.cartId.equals(cartId) && (newest == null || cart.deadline > newest.deadline)) {
          newest = cart;
        }
      }
      return newest;
    }
    for (SentCart cart : carts.values()) {
      if (newest == null || cart.deadline > newest.deadline) {
        newest = cart;
      }
    }
    boolean inWindow =
        newest != null
            && answer.timestamp - newest.deadline <= UNQUOTED_REPLY_WINDOW.toMillis()
            && (!newest.unquotedTextHandedOff || newest.handedOff(answer.messageId));
    return inWindow ? newest : null;
  }

  private static Handoff handoff(SentCart cart, WebhookEvent answer) {
    Handoff h = new Handoff();
    h.handoffId = answer.messageId;
    h.contactId = cart.contactId;
    h.phone = cart.phone;
    h.firstName = cart.firstName;
    h.language = cart.language;
    h.cartId = cart.cartId;
    h.cartUrl = cart.cartUrl;
    h.items = cart.items;
    h.messageId = cart.messageId;
    h.tappedAt = answer.timestamp;
    h.text = answer.kind == WebhookEvent.Kind.TEXT ? answer.text : null;
    return h;
  }

  private void forgetAfter(long time, Context ctx) {
    ctx.timerService().registerEventTimeTimer(time + DeliveryStatuses.RETENTION.toMillis());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Handoff> out) throws Exception {
    List<WebhookEvent> stillWaiting = new ArrayList<>();
    List<WebhookEvent> due = new ArrayList<>();
    for (WebhookEvent answer : waiting.get()) {
      (answer.timestamp + WAIT.toMillis() <= timestamp ? due : stillWaiting).add(answer);
    }
    if (!due.isEmpty()) {
      waiting.update(stillWaiting);
      for (WebhookEvent answer : due) {
        handOff(answer, ctx, out, false);
      }
    }
    long since = timestamp - DeliveryStatuses.RETENTION.toMillis();
    List<String> forgotten = new ArrayList<>();
    for (Map.Entry<String, SentCart> entry : carts.entries()) {
      if (lastActivity(entry.getValue()) <= since) {
        forgotten.add(entry.getKey());
      }
    }
    for (String messageId : forgotten) {
      carts.remove(messageId);
    }
  }

  private static long lastActivity(SentCart cart) {
    return Math.max(cart.deadline, cart.lastAnswer);
  }
}
