package dev.cartrescue.job.feedback;

import static dev.cartrescue.job.Carts.ANNA;
import static dev.cartrescue.job.Carts.ONE_DAY;
import static dev.cartrescue.job.Carts.ONE_HOUR;
import static dev.cartrescue.job.Carts.ONE_HOUR_LATER;
import static dev.cartrescue.job.Carts.tapFrom;
import static dev.cartrescue.job.Carts.textFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.CartItem;
import dev.cartrescue.job.records.Handoff;
import dev.cartrescue.job.records.WebhookEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers to a cart's message handed off once each, with the cart (docs/advisor.md). */
class HandoffsTest {
  private static final long D = ONE_HOUR_LATER;
  private static final String WA_ID = "33612345678";
  private static final String MESSAGE = "wamid.cart-1";

  private KeyedTwoInputStreamOperatorTestHarness<String, SentCart, NumberSignal, Handoff> harness;

  @BeforeEach
  void openHarness() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new Handoffs()),
            SentCart::numberKey,
            s -> s.key,
            Types.STRING);
    harness.open();
    harness.processElement1(new StreamRecord<>(sent("k-1", MESSAGE, D), D));
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void aTapOnTheCartsMessageIsHandedOffWithTheCart() throws Exception {
    answer(tapFrom(WA_ID, MESSAGE, "k-1", D + 60_000));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.handoffId).isEqualTo("wamid.tap-" + WA_ID + "-" + (D + 60_000));
              assertThat(h.contactId).isEqualTo(ANNA);
              assertThat(h.phone).isEqualTo("+" + WA_ID);
              assertThat(h.firstName).isEqualTo("Anna");
              assertThat(h.language).isEqualTo("fr_FR");
              assertThat(h.cartId).isEqualTo("k-1");
              assertThat(h.cartUrl).isEqualTo("https://shop.example/cart/k-1");
              assertThat(h.items).extracting(i -> i.name).containsExactly("Rain jacket");
              assertThat(h.messageId).isEqualTo(MESSAGE);
              assertThat(h.tappedAt).isEqualTo(D + 60_000);
              assertThat(h.text).isNull();
            });
  }

  @Test
  void aReDeliveredTapIsHandedOffOnceAndASecondTapAgain() throws Exception {
    WebhookEvent tap = tapFrom(WA_ID, MESSAGE, "k-1", D + 60_000);
    answer(tap);
    answer(tap);
    answer(tapFrom(WA_ID, MESSAGE, "k-1", D + 120_000));

    assertThat(harness.extractOutputValues())
        .extracting(h -> h.tappedAt)
        .containsExactly(D + 60_000, D + 120_000);
  }

  @Test
  void aTapThatQuotesNothingFindsItsCartByThePayload() throws Exception {
    harness.processElement1(new StreamRecord<>(sent("k-2", "wamid.cart-2", D + ONE_DAY), D));
    answer(tapFrom(WA_ID, null, "k-1", D + 2 * ONE_DAY));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(h -> assertThat(h.messageId).isEqualTo(MESSAGE));
  }

  @Test
  void aTapOnAMessageTheJobDidNotSendIsCountedNotHandedOff() throws Exception {
    answer(tapFrom(WA_ID, "wamid.other", "k-9", D + 60_000));
    answer(tapFrom("4915112345678", MESSAGE, "k-1", D + 60_000));

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void aTapReadBeforeItsCartWaitsForIt() throws Exception {
    answer(tapFrom(WA_ID, "wamid.cart-2", "k-2", D + 60_000));
    harness.processElement1(new StreamRecord<>(sent("k-2", "wamid.cart-2", D), D));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(h -> assertThat(h.cartId).isEqualTo("k-2"));
  }

  @Test
  void aTapWhoseCartComesAfterAnHourOfEventTimeIsNotHandedOff() throws Exception {
    answer(tapFrom(WA_ID, "wamid.cart-2", "k-2", D + 60_000));
    harness.processBothWatermarks(new Watermark(D + 60_000 + ONE_HOUR));
    harness.processElement1(new StreamRecord<>(sent("k-2", "wamid.cart-2", D), D));

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void aTextQuotingTheMessageIsHandedOffWithItsWords() throws Exception {
    WebhookEvent question = textFrom(WA_ID, "Elle existe en taille M ?", D + 60_000);
    question.contextMessageId = MESSAGE;
    answer(question);
    answer(question);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(h -> assertThat(h.text).isEqualTo("Elle existe en taille M ?"));
  }

  @Test
  void onlyTheFirstUnquotedTextWithinADayIsAHandOffTheRestIsTheConversation() throws Exception {
    WebhookEvent first = textFrom(WA_ID, "Bonjour, une question", D + ONE_HOUR);
    answer(first);
    answer(first);
    answer(textFrom(WA_ID, "en taille M ?", D + ONE_HOUR + 5_000));

    assertThat(harness.extractOutputValues())
        .extracting(h -> h.text)
        .containsExactly("Bonjour, une question");
  }

  @Test
  void anUnquotedTextMoreThanADayAfterTheMessageIsNotAHandOff() throws Exception {
    answer(textFrom(WA_ID, "Bonjour", D + ONE_DAY + 1));

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void aStopInTheMessagesLanguageIsAnOptOutNotAQuestion() throws Exception {
    WebhookEvent stop = textFrom(WA_ID, "Arrêt", D + 60_000);
    stop.contextMessageId = MESSAGE;
    answer(stop);
    answer(textFrom(WA_ID, "STOP", D + 70_000));

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void aCartIsForgottenEightDaysAfterItsLastAnswer() throws Exception {
    answer(tapFrom(WA_ID, MESSAGE, "k-1", D + ONE_DAY));
    harness.processBothWatermarks(new Watermark(D + 9 * ONE_DAY - 1));
    answer(tapFrom(WA_ID, MESSAGE, "k-1", D + 9 * ONE_DAY - 1));
    harness.processBothWatermarks(new Watermark(D + 17 * ONE_DAY));
    answer(tapFrom(WA_ID, MESSAGE, "k-1", D + 17 * ONE_DAY + 1));

    assertThat(harness.extractOutputValues())
        .extracting(h -> h.tappedAt)
        .containsExactly(D + ONE_DAY, D + 9 * ONE_DAY - 1);
  }

  private void answer(WebhookEvent event) throws Exception {
    harness.processElement2(new StreamRecord<>(NumberSignal.of(event), event.timestamp));
  }

  private static SentCart sent(String cartId, String messageId, long deadline) {
    CartDecision cart = new CartDecision();
    cart.contactId = ANNA;
    cart.cartId = cartId;
    cart.cartUrl = "https://shop.example/cart/" + cartId;
    cart.deadline = deadline;
    cart.phoneE164 = "+" + WA_ID;
    cart.language = "fr-FR";
    cart.greetingName = "Anna";
    cart.items = new CartItem[] {new CartItem("Rain jacket", 1)};
    return SentCart.of(cart, messageId, "en");
  }
}
