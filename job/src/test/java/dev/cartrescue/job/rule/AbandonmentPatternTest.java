package dev.cartrescue.job.rule;

import static dev.cartrescue.job.Carts.ANNA;
import static dev.cartrescue.job.Carts.ONE_HOUR;
import static dev.cartrescue.job.Carts.ONE_HOUR_LATER;
import static dev.cartrescue.job.Carts.ONE_MS;
import static dev.cartrescue.job.Carts.T0;
import static dev.cartrescue.job.Carts.addToCart;
import static dev.cartrescue.job.Carts.event;
import static dev.cartrescue.job.Carts.purchase;
import static dev.cartrescue.job.Carts.removeFromCart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.ClickEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/contract.md §1, "abandonment": the CEP pattern on Flink's keyed operator harness. */
class AbandonmentPatternTest {
  private static final Duration ABANDON_AFTER = Duration.ofHours(1);
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, AbandonedCart> harness;

  @BeforeEach
  void openHarness() throws Exception {
    Pattern<ClickEvent, ClickEvent> pattern = AbandonmentPattern.of(ABANDON_AFTER);
    CepOperator<ClickEvent, String, AbandonedCart> cep =
        new CepOperator<>(
            TypeInformation.of(ClickEvent.class).createSerializer(new SerializerConfigImpl()),
            false,
            NFACompiler.compileFactory(pattern, false),
            null,
            pattern.getAfterMatchSkipStrategy(),
            new AbandonedCartEmitter(ABANDON_AFTER),
            null);
    harness = new KeyedOneInputStreamOperatorTestHarness<>(cep, e -> e.contactId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void aCartIsAbandonedOneHourAfterTheLastAddToCart() throws Exception {
    given(addToCart(ANNA, T0));
    harness.processWatermark(ONE_HOUR_LATER - ONE_MS);
    assertThat(carts()).isEmpty();

    harness.processWatermark(ONE_HOUR_LATER);
    AbandonedCart cart = single(carts());
    assertThat(cart.deadline).isEqualTo(ONE_HOUR_LATER);
    assertThat(cart.cartId).isEqualTo("k-" + ANNA);
    assertThat(cart.contactId).isEqualTo(ANNA);
  }

  @Test
  void aNewAddToCartRestartsTheHour() throws Exception {
    given(addToCart(ANNA, T0), addToCart(ANNA, T0 + 30 * MINUTE, "sku-2", "Rain jacket"));
    harness.processWatermark(ONE_HOUR_LATER);
    assertThat(carts()).isEmpty();

    harness.processWatermark(T0 + 90 * MINUTE);
    assertThat(single(carts()).deadline).isEqualTo(T0 + 90 * MINUTE);
  }

  @Test
  void aPurchaseOneMillisecondBeforeTheDeadlineCancelsTheCart() throws Exception {
    given(addToCart(ANNA, T0), purchase(ANNA, ONE_HOUR_LATER - ONE_MS));
    harness.processWatermark(T0 + 3 * ONE_HOUR);
    assertThat(carts()).isEmpty();
  }

  @Test
  void aPurchaseOneMillisecondAfterTheDeadlineComesTooLate() throws Exception {
    given(addToCart(ANNA, T0), purchase(ANNA, ONE_HOUR_LATER + ONE_MS));
    harness.processWatermark(T0 + 3 * ONE_HOUR);
    assertThat(single(carts()).deadline).isEqualTo(ONE_HOUR_LATER);
  }

  @Test
  void removeFromCartAndOtherEventsDoNotRestartTheHour() throws Exception {
    given(
        addToCart(ANNA, T0),
        removeFromCart(ANNA, T0 + 10 * MINUTE, "sku-1"),
        event("page_view", ANNA, T0 + 20 * MINUTE));
    harness.processWatermark(ONE_HOUR_LATER);
    assertThat(single(carts()).deadline).isEqualTo(ONE_HOUR_LATER);
  }

  @Test
  void eachQuietHourAfterShoppingIsItsOwnAbandonedCart() throws Exception {
    given(addToCart(ANNA, T0), addToCart(ANNA, T0 + 2 * ONE_HOUR));
    harness.processWatermark(T0 + 4 * ONE_HOUR);
    assertThat(carts())
        .extracting(c -> c.deadline)
        .containsExactly(ONE_HOUR_LATER, T0 + 3 * ONE_HOUR);
  }

  @Test
  void contactsAreAbandonedIndependently() throws Exception {
    given(addToCart(ANNA, T0), addToCart("c-bob", T0 + 30 * MINUTE));
    harness.processWatermark(ONE_HOUR_LATER);
    assertThat(single(carts()).contactId).isEqualTo(ANNA);
  }

  private void given(ClickEvent... events) throws Exception {
    for (ClickEvent e : events) {
      harness.processElement(e, e.timestamp);
    }
  }

  private List<AbandonedCart> carts() {
    return harness.extractOutputValues();
  }

  private static AbandonedCart single(List<AbandonedCart> carts) {
    assertThat(carts).hasSize(1);
    return carts.get(0);
  }
}
