package dev.cartrescue.benchmarks;

import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactSignal;
import dev.cartrescue.job.rule.EligibilityFunction;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.job.rule.WallClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The eligibility decision (docs/contract.md §1) on Flink's keyed operator harness and its heap
 * state backend: per invocation, {@link #CONTACTS} contacts each with a consenting profile, an
 * add_to_cart and an abandoned cart, then one watermark at the deadline. Scores are decisions per
 * second; a fresh harness per invocation is opened and closed outside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EligibilityBenchmark {
  static final int CONTACTS = 1_000;

  private static final long T0 = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
  private static final long DEADLINE = T0 + Duration.ofHours(1).toMillis();

  /** Just past the deadline: every cart is sent, none is stale. */
  private static final WallClock CLOCK = () -> DEADLINE + 1;

  private ContactSignal[] profiles;
  private ContactSignal[] adds;
  private ContactSignal[] carts;
  private KeyedOneInputStreamOperatorTestHarness<String, ContactSignal, CartDecision> harness;

  @Setup(Level.Trial)
  public void signals() {
    profiles = new ContactSignal[CONTACTS];
    adds = new ContactSignal[CONTACTS];
    carts = new ContactSignal[CONTACTS];
    for (int i = 0; i < CONTACTS; i++) {
      String contact = "c-" + i;
      String cartId = "k-" + contact;
      String cartUrl = "https://shop.example/cart/" + cartId;

      ContactProfile p = new ContactProfile();
      p.contactId = contact;
      p.whatsappCode = "33";
      p.phoneNumber = "06 12 34 56 78";
      p.whatsappConsent = true;
      p.firstName = "Anna";
      p.language = "fr";
      p.updatedAt = T0 - Duration.ofDays(10).toMillis();
      profiles[i] = ContactSignal.of(p);

      ClickEvent add = new ClickEvent();
      add.eventId = "add_to_cart-" + contact + "-" + T0;
      add.type = ClickEvent.Kind.ADD_TO_CART.wireName;
      add.contactId = contact;
      add.timestamp = T0;
      add.cartId = cartId;
      add.cartUrl = cartUrl;
      add.productId = "sku-1";
      add.productName = "Trail shoe";
      add.quantity = 1;
      adds[i] = ContactSignal.of(add);

      carts[i] = ContactSignal.of(new AbandonedCart(contact, cartId, cartUrl, DEADLINE));
    }
  }

  @Setup(Level.Invocation)
  public void openHarness() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new EligibilityFunction(RuleSettings.defaults(), CLOCK)),
            ContactSignal::contactId,
            Types.STRING);
    harness.open();
  }

  @TearDown(Level.Invocation)
  public void closeHarness() throws Exception {
    long sent = harness.extractOutputValues().stream().filter(CartDecision::isSend).count();
    harness.close();
    if (sent != CONTACTS) {
      throw new IllegalStateException(sent + " sends for " + CONTACTS + " carts");
    }
  }

  @Benchmark
  @OperationsPerInvocation(CONTACTS)
  public int decide() throws Exception {
    for (int i = 0; i < CONTACTS; i++) {
      harness.processElement(profiles[i], profiles[i].profile.updatedAt);
      harness.processElement(adds[i], T0);
      harness.processElement(carts[i], DEADLINE);
    }
    harness.processWatermark(DEADLINE);
    return harness.getOutput().size();
  }
}
