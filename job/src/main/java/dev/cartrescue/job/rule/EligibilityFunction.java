package dev.cartrescue.job.rule;

import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.CartItem;
import dev.cartrescue.job.records.CartLine;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEvent.Kind;
import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactSignal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, at each abandoned cart's deadline D, whether the contact gets a message
 * (docs/contract.md §1, "eligibility"), with an event-time timer at D.
 *
 * <p>Everything the decision reads is kept as of its event time, so that a decision at D sees
 * exactly what happened up to D, whatever order records arrived in: profile versions by {@code
 * updated_at}, purchase and capping times, and cart events that are folded into the cart only when
 * the timer at D says every event up to D is in.
 *
 * <p>An opt-out (a send that failed because the user stopped marketing messages, read back from the
 * outcomes topic) withdraws consent as of its deadline: later deadlines see {@code no_consent}
 * until a profile version updated after the opt-out gives consent again. A decision at the
 * opt-out's own deadline does not see it, so that a replay decides that cart as the first run did.
 * Each such opt-out is also written out for the CRM ({@link #CONSENT_CHANGES}).
 *
 * <p>What the contact does on WhatsApp counts the same way, as of its own time: a STOP reply or a
 * marketing-preference stop ({@link ConsentChange}, from the webhooks) withdraws consent for every
 * later deadline; a preference {@code resume} after it gives back the consent of the profile.
 *
 * <p>A send reserves the capping period at once, in this state, so that a second cart reaching its
 * deadline at the same moment finds the contact capped, before any capping event could come back
 * from Kafka. A failed send, read back from the outcomes topic, releases its reservation: only
 * accepted sends cap a contact. Until it is read back (one checkpoint after the last attempt), the
 * contact stays reserved.
 *
 * <p>A tombstone erases, at once, everything with a timestamp up to its own: profile versions,
 * purchases, cappings, opt-outs and cart events. What comes after it is the contact's new life, and
 * a record from before it that arrives later (another topic read later) is dropped, so that the
 * outcome does not depend on the order the topics are read in. The cart items already folded are
 * all before event time, which a tombstone arriving in time has not passed: they go too.
 *
 * <p>State shrinks back by itself: purchases and cappings are dropped once no future deadline can
 * see them, profile versions older than the one in force are dropped, and a tombstone erases the
 * contact. An idle contact keeps one profile version and, at most, the items of an unbought cart.
 */
public class EligibilityFunction extends KeyedProcessFunction<String, ContactSignal, CartDecision> {
  /** The opt-outs of sends refused with Cloud API 131050, for the consent-changes topic. */
  public static final OutputTag<ConsentChange> CONSENT_CHANGES =
      new OutputTag<>("consent-from-refused-sends", Types.POJO(ConsentChange.class));

  /** Cleanup timers are rounded up to this, so that a busy contact has few of them. */
  private static final long CLEANUP_GRANULARITY = 60 * 60 * 1000L;

  private final RuleSettings rule;
  private final WallClock clock;

  private transient ListState<ContactProfile> profileVersions;
  private transient ListState<Long> purchaseTimes;
  private transient ListState<Long> cappingTimes;
  private transient ListState<Long> cappingReservations;
  private transient ValueState<Long> erasedUpTo;
  private transient ListState<Long> optOutTimes;
  private transient ListState<Long> optInTimes;
  private transient MapState<String, CartItem> cartItems;
  private transient ListState<ClickEvent> unsettledCartEvents;
  private transient ListState<AbandonedCart> pendingCarts;

  public EligibilityFunction(RuleSettings rule, WallClock clock) {
    this.rule = rule;
    this.clock = clock;
  }

  @Override
  public void open(OpenContext openContext) {
    var ctx = getRuntimeContext();
    profileVersions =
        ctx.getListState(new ListStateDescriptor<>("profile-versions", ContactProfile.class));
    purchaseTimes = ctx.getListState(new ListStateDescriptor<>("purchase-times", Types.LONG));
    cappingTimes = ctx.getListState(new ListStateDescriptor<>("capping-times", Types.LONG));
    cappingReservations =
        ctx.getListState(new ListStateDescriptor<>("capping-reservations", Types.LONG));
    erasedUpTo = ctx.getState(new ValueStateDescriptor<>("erased-up-to", Types.LONG));
    optOutTimes = ctx.getListState(new ListStateDescriptor<>("opt-out-times", Types.LONG));
    optInTimes = ctx.getListState(new ListStateDescriptor<>("opt-in-times", Types.LONG));
    cartItems =
        ctx.getMapState(new MapStateDescriptor<>("cart-items", String.class, CartItem.class));
    unsettledCartEvents =
        ctx.getListState(new ListStateDescriptor<>("unsettled-cart-events", ClickEvent.class));
    pendingCarts =
        ctx.getListState(new ListStateDescriptor<>("pending-carts", AbandonedCart.class));
  }

  @Override
  public void processElement(ContactSignal signal, Context ctx, Collector<CartDecision> out)
      throws Exception {
    if (signal.profile != null && signal.profile.erased) {
      erase(signal.profile.updatedAt, ctx);
    } else if (erased(signal)) {
      return;
    } else if (signal.click != null) {
      onClick(signal.click, ctx);
    } else if (signal.profile != null) {
      onProfile(signal.profile);
    } else if (signal.capping != null) {
      addTime(cappingTimes, signal.capping.timestamp);
      scheduleCleanup(ctx, signal.capping.timestamp + rule.cappingPeriod().toMillis());
    } else if (signal.failedSend != null) {
      if (signal.failedSend.isOptOut()) {
        addTime(optOutTimes, signal.failedSend.deadline);
        ContactProfile profile = profileAt(signal.failedSend.deadline);
        PhoneNumbers.ValidNumber number = numberOf(profile);
        ctx.output(
            CONSENT_CHANGES,
            ConsentChange.of(
                signal.failedSend.contactId,
                number == null ? null : number.e164(),
                false,
                ConsentChange.SEND_REFUSED,
                signal.failedSend.deadline));
      }
      cappingReservations.update(without(cappingReservations, signal.failedSend.deadline));
    } else if (signal.consentChange != null) {
      addTime(
          signal.consentChange.whatsappConsent ? optInTimes : optOutTimes,
          signal.consentChange.timestamp);
    } else if (signal.abandonedCart != null) {
      pendingCarts.add(signal.abandonedCart);
      ctx.timerService().registerEventTimeTimer(signal.abandonedCart.deadline);
    }
  }

  private void onClick(ClickEvent click, Context ctx) throws Exception {
    if (click.kind() == Kind.PURCHASE) {
      addTime(purchaseTimes, click.timestamp);
      scheduleCleanup(ctx, click.timestamp + rule.recentPurchase().toMillis());
    }
    unsettledCartEvents.add(click);
    scheduleCleanup(ctx, click.timestamp);
  }

  private void onProfile(ContactProfile profile) throws Exception {
    List<ContactProfile> versions = list(profileVersions);
    versions.removeIf(v -> v.updatedAt == profile.updatedAt);
    versions.add(profile);
    versions.sort(Comparator.comparingLong(v -> v.updatedAt));
    profileVersions.update(versions);
  }

  /**
   * Forgets the person up to {@code time}, at once. Carts already abandoned still get their outcome
   * (no_profile or empty_cart), so that no cart is left without one.
   */
  private void erase(long time, Context ctx) throws Exception {
    Long before = erasedUpTo.value();
    erasedUpTo.update(before == null ? time : Math.max(before, time));
    List<ContactProfile> versions = list(profileVersions);
    versions.removeIf(v -> v.updatedAt <= time);
    profileVersions.update(versions);
    for (ListState<Long> times :
        List.of(purchaseTimes, cappingTimes, cappingReservations, optOutTimes, optInTimes)) {
      times.update(timesFrom(times, time + 1));
    }
    List<ClickEvent> unsettled = list(unsettledCartEvents);
    unsettled.removeIf(e -> e.timestamp <= time);
    unsettledCartEvents.update(unsettled);
    cartItems.clear();
    // Once event time passes the tombstone, what came before it is late and dropped anyway.
    scheduleCleanup(ctx, time);
  }

  /** Whether the record belongs to a life of the contact that a tombstone erased. */
  private boolean erased(ContactSignal signal) throws Exception {
    Long upTo = erasedUpTo.value();
    if (upTo == null) {
      return false;
    }
    long time;
    if (signal.click != null) {
      time = signal.click.timestamp;
    } else if (signal.profile != null) {
      time = signal.profile.updatedAt;
    } else if (signal.capping != null) {
      time = signal.capping.timestamp;
    } else if (signal.consentChange != null) {
      time = signal.consentChange.timestamp;
    } else {
      // An abandoned cart still gets its outcome; a failed send still releases its reservation.
      return false;
    }
    return time <= upTo;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<CartDecision> out)
      throws Exception {
    List<AbandonedCart> due = new ArrayList<>();
    List<AbandonedCart> later = new ArrayList<>();
    for (AbandonedCart cart : pendingCarts.get()) {
      (cart.deadline <= timestamp ? due : later).add(cart);
    }
    due.sort(Comparator.<AbandonedCart>comparingLong(c -> c.deadline).thenComparing(c -> c.cartId));
    for (AbandonedCart cart : due) {
      settleCartUpTo(cart.deadline);
      out.collect(decide(cart));
    }
    pendingCarts.update(later);
    settleCartUpTo(timestamp);
    forgetWhatNoDeadlineAfter(timestamp);
    Long upTo = erasedUpTo.value();
    if (upTo != null && upTo < timestamp) {
      erasedUpTo.clear();
    }
  }

  private CartDecision decide(AbandonedCart cart) throws Exception {
    long deadline = cart.deadline;
    CartDecision decision = new CartDecision();
    decision.contactId = cart.contactId;
    decision.cartId = cart.cartId;
    decision.cartUrl = cart.cartUrl;
    decision.deadline = deadline;

    ContactProfile profile = profileAt(deadline);
    PhoneNumbers.ValidNumber number = numberOf(profile);
    long cappedFrom = deadline - rule.cappingPeriod().toMillis() + 1;
    Reason reason =
        Reason.firstThatHolds(
            new Reason.Facts() {
              @Override
              public boolean recentPurchase() throws Exception {
                return anyTimeIn(
                    purchaseTimes, deadline - rule.recentPurchase().toMillis(), deadline);
              }

              @Override
              public boolean capped() throws Exception {
                return anyTimeIn(cappingTimes, cappedFrom, deadline)
                    || anyTimeIn(cappingReservations, cappedFrom, deadline);
              }

              @Override
              public boolean emptyCart() throws Exception {
                return cartItems.isEmpty();
              }

              @Override
              public boolean noProfile() {
                return profile == null;
              }

              @Override
              public boolean noConsent() throws Exception {
                if (!Boolean.TRUE.equals(profile.whatsappConsent)) {
                  return true;
                }
                long optOut = newestIn(optOutTimes, profile.updatedAt, deadline - 1);
                return optOut != Long.MIN_VALUE
                    && newestIn(optInTimes, optOut + 1, deadline - 1) == Long.MIN_VALUE;
              }

              @Override
              public boolean invalidPhone() {
                return number == null;
              }

              @Override
              public boolean blockedRegion() {
                return rule.blockedRegions().contains(number.region());
              }

              @Override
              public boolean stale() {
                return rule.maxSendDelay() != null
                    && clock.millis() - deadline > rule.maxSendDelay().toMillis();
              }
            });

    if (reason != null) {
      decision.suppressionReason = reason.code();
      return decision;
    }
    addTime(cappingReservations, deadline);
    decision.phoneE164 = number.e164();
    decision.language = blankToNull(profile.language);
    decision.greetingName = blankToNull(profile.firstName);
    decision.itemsSummary = ItemsSummary.of(cartItems.values());
    List<CartItem> items = new ArrayList<>();
    cartItems.values().forEach(items::add);
    decision.items = items.toArray(CartItem[]::new);
    return decision;
  }

  /** Folds the cart events up to {@code time}, in event-time order, into the cart. */
  private void settleCartUpTo(long time) throws Exception {
    List<ClickEvent> unsettled = list(unsettledCartEvents);
    unsettled.sort(Comparator.comparingLong(e -> e.timestamp));
    List<ClickEvent> stillUnsettled = new ArrayList<>();
    for (ClickEvent event : unsettled) {
      if (event.timestamp > time) {
        stillUnsettled.add(event);
        continue;
      }
      switch (event.kind()) {
        case PURCHASE -> cartItems.clear();
        case ADD_TO_CART -> addToCart(event);
        case REMOVE_FROM_CART -> removeFromCart(event);
        case OTHER -> {
          // Never here: the topology keeps only the kinds that matter to the rule.
        }
      }
    }
    unsettledCartEvents.update(stillUnsettled);
  }

  private void addToCart(ClickEvent event) throws Exception {
    List<CartLine> lines = event.cartLines();
    if (lines.isEmpty()) {
      // An add that names no product still puts something in the cart.
      lines = List.of(new CartLine());
    }
    for (CartLine line : lines) {
      String id = line.id == null ? "" : line.id;
      CartItem item = cartItems.get(id);
      int added = Math.max(line.quantity, 1);
      String name = line.name != null ? line.name : item == null ? null : item.name;
      cartItems.put(id, new CartItem(name, (item == null ? 0 : item.quantity) + added));
    }
  }

  private void removeFromCart(ClickEvent event) throws Exception {
    List<CartLine> named = event.cartLines().stream().filter(line -> line.id != null).toList();
    if (named.isEmpty()) {
      // A removal that names no product empties the cart.
      cartItems.clear();
      return;
    }
    for (CartLine line : named) {
      CartItem item = cartItems.get(line.id);
      if (item == null) {
        continue;
      }
      int left = line.quantity > 0 ? item.quantity - line.quantity : 0;
      if (left > 0) {
        cartItems.put(line.id, new CartItem(item.name, left));
      } else {
        cartItems.remove(line.id);
      }
    }
  }

  /** The valid number a profile gives, or null (no profile, or no valid number). */
  private static PhoneNumbers.ValidNumber numberOf(ContactProfile profile) {
    return profile == null ? null : PhoneNumbers.read(profile.whatsappCode, profile.phoneNumber);
  }

  /** The profile in force at {@code time}: the newest version not after it. */
  private ContactProfile profileAt(long time) throws Exception {
    ContactProfile inForce = null;
    for (ContactProfile version : profileVersions.get()) {
      if (version.updatedAt <= time) {
        inForce = version;
      }
    }
    return inForce;
  }

  /**
   * Every deadline still to come is at or after {@code time}: what only an earlier deadline could
   * see goes.
   */
  private void forgetWhatNoDeadlineAfter(long time) throws Exception {
    long purchasesFrom = time - rule.recentPurchase().toMillis();
    purchaseTimes.update(timesFrom(purchaseTimes, purchasesFrom));
    long cappingsFrom = time - rule.cappingPeriod().toMillis() + 1;
    cappingTimes.update(timesFrom(cappingTimes, cappingsFrom));
    cappingReservations.update(timesFrom(cappingReservations, cappingsFrom));
    // Only the newest opt-out and opt-in up to now can still count.
    optOutTimes.update(timesFrom(optOutTimes, newestIn(optOutTimes, Long.MIN_VALUE, time)));
    optInTimes.update(timesFrom(optInTimes, newestIn(optInTimes, Long.MIN_VALUE, time)));

    List<ContactProfile> versions = list(profileVersions);
    int inForce = -1;
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).updatedAt <= time) {
        inForce = i;
      }
    }
    if (inForce > 0) {
      profileVersions.update(new ArrayList<>(versions.subList(inForce, versions.size())));
    }
  }

  private void scheduleCleanup(Context ctx, long forgetAfter) {
    long rounded = (Math.floorDiv(forgetAfter, CLEANUP_GRANULARITY) + 1) * CLEANUP_GRANULARITY;
    ctx.timerService().registerEventTimeTimer(rounded);
  }

  private static void addTime(ListState<Long> times, long time) throws Exception {
    for (long t : times.get()) {
      if (t == time) {
        return;
      }
    }
    times.add(time);
  }

  private static boolean anyTimeIn(ListState<Long> times, long from, long to) throws Exception {
    for (long t : times.get()) {
      if (t >= from && t <= to) {
        return true;
      }
    }
    return false;
  }

  /** The newest time in {@code [from, to]}, or {@code Long.MIN_VALUE} when none. */
  private static long newestIn(ListState<Long> times, long from, long to) throws Exception {
    long newest = Long.MIN_VALUE;
    for (long t : times.get()) {
      if (t >= from && t <= to) {
        newest = Math.max(newest, t);
      }
    }
    return newest;
  }

  private static List<Long> without(ListState<Long> times, long time) throws Exception {
    List<Long> kept = new ArrayList<>();
    for (long t : times.get()) {
      if (t != time) {
        kept.add(t);
      }
    }
    return kept;
  }

  private static List<Long> timesFrom(ListState<Long> times, long from) throws Exception {
    List<Long> kept = new ArrayList<>();
    for (long t : times.get()) {
      if (t >= from) {
        kept.add(t);
      }
    }
    return kept;
  }

  private static <T> List<T> list(ListState<T> state) throws Exception {
    List<T> values = new ArrayList<>();
    Iterable<T> stored = state.get();
    if (stored != null) {
      stored.forEach(values::add);
    }
    return values;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
