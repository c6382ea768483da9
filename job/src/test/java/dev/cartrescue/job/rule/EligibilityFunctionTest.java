package dev.cartrescue.job.rule;

import static dev.cartrescue.job.Carts.ANNA;
import static dev.cartrescue.job.Carts.ONE_DAY;
import static dev.cartrescue.job.Carts.ONE_HOUR;
import static dev.cartrescue.job.Carts.ONE_HOUR_LATER;
import static dev.cartrescue.job.Carts.ONE_MS;
import static dev.cartrescue.job.Carts.T0;
import static dev.cartrescue.job.Carts.THREE_DAYS;
import static dev.cartrescue.job.Carts.abandonedCart;
import static dev.cartrescue.job.Carts.addToCart;
import static dev.cartrescue.job.Carts.capping;
import static dev.cartrescue.job.Carts.consentingProfile;
import static dev.cartrescue.job.Carts.profile;
import static dev.cartrescue.job.Carts.purchase;
import static dev.cartrescue.job.Carts.removeFromCart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.CappingEvent;
import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.ContactSignal;
import dev.cartrescue.job.records.RecordedOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** docs/contract.md §1, "eligibility at the deadline D", on Flink's keyed operator harness. */
class EligibilityFunctionTest {
  private static final long D = ONE_HOUR_LATER;
  private static final AtomicLong WALL_CLOCK = new AtomicLong();

  private KeyedOneInputStreamOperatorTestHarness<String, ContactSignal, CartDecision> harness;

  @BeforeEach
  void openHarness() throws Exception {
    WALL_CLOCK.set(D + ONE_MS);
    harness = harnessFor(RuleSettings.defaults());
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  static KeyedOneInputStreamOperatorTestHarness<String, ContactSignal, CartDecision> harnessFor(
      RuleSettings rule) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new EligibilityFunction(rule, WALL_CLOCK::get)),
            ContactSignal::contactId,
            Types.STRING);
    h.open();
    return h;
  }

  @Test
  void sendsTheCartAtItsDeadlineToAnEligibleContact() throws Exception {
    given(consentingProfile(ANNA), addToCart(ANNA, T0));
    abandon(abandonedCart(ANNA, D));

    harness.processWatermark(D - ONE_MS);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processWatermark(D);
    CartDecision decision = single(decisions());
    assertThat(decision.isSend()).isTrue();
    assertThat(decision.phoneE164).isEqualTo("+33612345678");
    assertThat(decision.language).isEqualTo("fr");
    assertThat(decision.greetingName).isEqualTo("Anna");
    assertThat(decision.itemsSummary).isEqualTo("Trail shoe");
    assertThat(decision.cartId).isEqualTo("k-" + ANNA);
    assertThat(decision.deadline).isEqualTo(D);
  }

  @Nested
  class RecentPurchase {
    @Test
    void aPurchaseExactly24HoursBeforeTheDeadlineSuppresses() throws Exception {
      assertThat(reasonWith(purchase(ANNA, D - ONE_DAY))).isEqualTo("recent_purchase");
    }

    @Test
    void aPurchaseJustOver24HoursBeforeTheDeadlineDoesNot() throws Exception {
      assertThat(reasonWith(purchase(ANNA, D - ONE_DAY - ONE_MS))).isNull();
    }

    @Test
    void aPurchaseOneMillisecondBeforeTheDeadlineSuppresses() throws Exception {
      assertThat(reasonWith(purchase(ANNA, D - ONE_MS))).isEqualTo("recent_purchase");
    }

    @Test
    void aPurchaseAtTheDeadlineSuppresses() throws Exception {
      assertThat(reasonWith(purchase(ANNA, D))).isEqualTo("recent_purchase");
    }

    @Test
    void aPurchaseOneMillisecondAfterTheDeadlineDoesNotCount() throws Exception {
      assertThat(reasonWith(purchase(ANNA, D + ONE_MS))).isNull();
    }
  }

  @Nested
  class Capping {
    @Test
    void aCappingEventJustInsideThreeDaysSuppresses() throws Exception {
      assertThat(reasonWith(capping(ANNA, D - THREE_DAYS + ONE_MS))).isEqualTo("capped");
    }

    @Test
    void aCappingEventExactlyThreeDaysBeforeTheDeadlineNoLongerCaps() throws Exception {
      assertThat(reasonWith(capping(ANNA, D - THREE_DAYS))).isNull();
    }

    @Test
    void aCappingEventAtTheDeadlineCaps() throws Exception {
      assertThat(reasonWith(capping(ANNA, D))).isEqualTo("capped");
    }

    @Test
    void aCappingEventAfterTheDeadlineDoesNotCount() throws Exception {
      assertThat(reasonWith(capping(ANNA, D + ONE_MS))).isNull();
    }

    @Test
    void twoCartsExpiringTogetherGiveOneMessage() throws Exception {
      given(consentingProfile(ANNA), addToCart(ANNA, T0));
      abandon(abandonedCart(ANNA, "k-1", D));
      abandon(abandonedCart(ANNA, "k-2", D));
      harness.processWatermark(D);

      List<CartDecision> decisions = decisions();
      assertThat(decisions).hasSize(2);
      assertThat(decisions.get(0).isSend()).isTrue();
      assertThat(decisions.get(0).cartId).isEqualTo("k-1");
      assertThat(decisions.get(1).suppressionReason).isEqualTo("capped");
    }

    @Test
    void aSendCapsTheNextCartForThreeDays() throws Exception {
      harness.close();
      harness = harnessFor(RuleSettings.defaults().withMaxSendDelay(null));
      given(consentingProfile(ANNA), addToCart(ANNA, T0));
      abandon(abandonedCart(ANNA, D));
      abandon(abandonedCart(ANNA, "k-later", D + THREE_DAYS - ONE_MS));
      abandon(abandonedCart(ANNA, "k-after", D + THREE_DAYS));
      harness.processWatermark(D + THREE_DAYS);

      assertThat(decisions())
          .extracting(d -> d.suppressionReason)
          .containsExactly(null, "capped", null);
    }
  }

  @Nested
  class EmptyCart {
    @Test
    void removingEveryItemAddedEmptiesTheCart() throws Exception {
      given(
          consentingProfile(ANNA),
          addToCart(ANNA, T0 - 10 * 60_000, "sku-1", "Trail shoe"),
          addToCart(ANNA, T0, "sku-2", "Rain jacket"),
          removeFromCart(ANNA, T0 + 1, "sku-1"),
          removeFromCart(ANNA, T0 + 2, "sku-2"));
      assertThat(reasonAtDeadline()).isEqualTo("empty_cart");
    }

    @Test
    void removingSomeItemsLeavesTheRest() throws Exception {
      given(
          consentingProfile(ANNA),
          addToCart(ANNA, T0 - 10 * 60_000, "sku-1", "Trail shoe"),
          addToCart(ANNA, T0, "sku-2", "Rain jacket"),
          removeFromCart(ANNA, T0 + 1, "sku-1"));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      assertThat(single(decisions()).itemsSummary).isEqualTo("Rain jacket");
    }

    @Test
    void everyItemOfAnEventIsALineOfTheCart() throws Exception {
      given(
          consentingProfile(ANNA),
          click(
              ("{\"type\":\"add_to_cart\",\"contact_id\":\"%s\",\"timestamp\":%d,\"cart_id\":\"k-%s\","
                      + "\"items\":[{\"item_id\":\"SKU_12345\",\"item_name\":\"Stan and Friends Tee\","
                      + "\"price\":10.01,\"quantity\":3},{\"item_id\":\"SKU_12346\","
                      + "\"item_name\":\"Google Grey Women's Tee\",\"price\":21.01,\"quantity\":2}]}")
                  .formatted(ANNA, T0, ANNA)),
          click(
              ("{\"type\":\"remove_from_cart\",\"contact_id\":\"%s\",\"timestamp\":%d,"
                      + "\"items\":[{\"item_id\":\"SKU_12345\",\"item_name\":\"Stan and Friends Tee\"}]}")
                  .formatted(ANNA, T0 + 1)));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      assertThat(single(decisions()).itemsSummary).isEqualTo("2 × Google Grey Women's Tee");
    }

    @Test
    void onlyItemsAddedSinceTheLastPurchaseCount() throws Exception {
      given(
          consentingProfile(ANNA),
          addToCart(ANNA, T0 - 2 * ONE_DAY, "sku-old", "Old boots"),
          purchase(ANNA, T0 - 2 * ONE_DAY + ONE_HOUR),
          addToCart(ANNA, T0, "sku-2", "Rain jacket"));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      assertThat(single(decisions()).itemsSummary).isEqualTo("Rain jacket");
    }

    @Test
    void eventsArrivingOutOfOrderAreFoldedInEventTime() throws Exception {
      given(
          consentingProfile(ANNA),
          removeFromCart(ANNA, T0 + 1, "sku-1"),
          addToCart(ANNA, T0, "sku-1", "Trail shoe"));
      assertThat(reasonAtDeadline()).isEqualTo("empty_cart");
    }

    @Test
    void aRemovalAfterTheDeadlineIsNotSeenByIt() throws Exception {
      given(consentingProfile(ANNA), addToCart(ANNA, T0), removeFromCart(ANNA, D + 1, "sku-1"));
      assertThat(reasonAtDeadline()).isNull();
    }
  }

  @Nested
  class Profile {
    @Test
    void noProfileSuppresses() throws Exception {
      given(addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("no_profile");
    }

    @Test
    void consentFalseOrMissingSuppresses() throws Exception {
      given(profile(ANNA, "33", "0612345678", false, T0), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("no_consent");
      harness.close();
      harness = harnessFor(RuleSettings.defaults());
      given(profile(ANNA, "33", "0612345678", null, T0), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("no_consent");
    }

    @Test
    void aMissingCountryCodeIsAnInvalidPhone() throws Exception {
      given(profile(ANNA, null, "0612345678", true, T0), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("invalid_phone");
    }

    @Test
    void anInvalidNumberIsAnInvalidPhone() throws Exception {
      given(profile(ANNA, "33", "12345", true, T0), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("invalid_phone");
    }

    @Test
    void anInternationalNumberMustAgreeWithTheCode() throws Exception {
      given(profile(ANNA, "33", "+44 7911 123456", true, T0), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("invalid_phone");
    }

    @Test
    void anInternationalNumberWithItsOwnCodeIsSent() throws Exception {
      given(profile(ANNA, "+33", "0033 6 12 34 56 78", true, T0), addToCart(ANNA, T0));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      assertThat(single(decisions()).phoneE164).isEqualTo("+33612345678");
    }

    @Test
    void aUsNumberIsInABlockedRegion() throws Exception {
      given(profile(ANNA, "1", "(202) 555-0143", true, T0), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("blocked_region");
    }

    @Test
    void anUpdateAfterTheDeadlineIsNotUsed() throws Exception {
      given(
          profile(ANNA, "33", "0612345678", false, T0 - ONE_DAY),
          profile(ANNA, "33", "0612345678", true, D + ONE_MS),
          addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("no_consent");
    }

    @Test
    void anUpdateAtTheDeadlineIsUsed() throws Exception {
      given(
          profile(ANNA, "33", "0612345678", false, T0 - ONE_DAY),
          profile(ANNA, "33", "0612345678", true, D),
          addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isNull();
    }

    @Test
    void aTombstoneErasesTheContact() throws Exception {
      given(
          consentingProfile(ANNA),
          purchase(ANNA, T0 - 2 * ONE_DAY),
          capping(ANNA, T0 - 5 * ONE_DAY),
          addToCart(ANNA, T0));
      given(ContactProfile.erasure(ANNA, T0 + 1));
      // Only the time up to which the contact is erased, until event time passes it.
      assertThat(harness.numKeyedStateEntries()).isOne();

      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      // The cart was erased with the rest: the first reason that holds is an empty cart.
      assertThat(single(decisions()).suppressionReason).isEqualTo("empty_cart");
      harness.processWatermark(D + 2 * ONE_HOUR);
      assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aContactErasedByATombstoneIsDecidedOnTheirLaterEvents() throws Exception {
      // Read in another order than written: the new life's cart comes before the tombstone.
      given(consentingProfile(ANNA), addToCart(ANNA, T0 + 12 * ONE_HOUR));
      given(ContactProfile.erasure(ANNA, T0));
      abandon(abandonedCart(ANNA, D + 12 * ONE_HOUR));
      WALL_CLOCK.set(D + 12 * ONE_HOUR);
      harness.processWatermark(D + 12 * ONE_HOUR);
      assertThat(single(decisions()).suppressionReason).isEqualTo("no_profile");
    }

    @Test
    void whatCameBeforeATombstoneIsDroppedWhenItIsReadAfterIt() throws Exception {
      given(ContactProfile.erasure(ANNA, T0 + 1), consentingProfile(ANNA), addToCart(ANNA, T0));
      assertThat(reasonAtDeadline()).isEqualTo("empty_cart");
    }
  }

  @Test
  void aDeadlineOlderThanTheMaxSendDelayIsStale() throws Exception {
    WALL_CLOCK.set(D + Duration.ofHours(6).toMillis() + ONE_MS);
    given(consentingProfile(ANNA), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isEqualTo("stale");
  }

  @Test
  void aDeadlineExactlyTheMaxSendDelayOldIsStillSent() throws Exception {
    WALL_CLOCK.set(D + Duration.ofHours(6).toMillis());
    given(consentingProfile(ANNA), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isNull();
  }

  @Test
  void staleIsOffWhenMaxSendDelayIsOff() throws Exception {
    harness.close();
    harness = harnessFor(RuleSettings.defaults().withMaxSendDelay(null));
    WALL_CLOCK.set(D + 365 * ONE_DAY);
    given(consentingProfile(ANNA), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isNull();
  }

  /** Only accepted sends cap a contact (contract §1, capped; §3, capping events). */
  @Nested
  class FailedSends {
    @Test
    void aFailedSendDoesNotCapTheContact() throws Exception {
      given(consentingProfile(ANNA), addToCart(ANNA, T0));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      assertThat(single(decisions()).isSend()).isTrue();
      given(failed(ANNA, D, "permanent_error", 131026));

      long later = D + 5 * ONE_HOUR;
      WALL_CLOCK.set(later);
      given(addToCart(ANNA, later - ONE_HOUR));
      abandon(abandonedCart(ANNA, later));
      harness.processWatermark(later);
      assertThat(decisions()).hasSize(2);
      assertThat(decisions().get(1).isSend()).isTrue();
    }

    @Test
    void aContactWhoseSendFailedAsAnOptOutIsNoConsentNotCapped() throws Exception {
      given(consentingProfile(ANNA), addToCart(ANNA, T0));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      given(RecordedOutcome.optOut(ANNA, D));

      long later = D + 5 * ONE_HOUR;
      WALL_CLOCK.set(later);
      given(addToCart(ANNA, later - ONE_HOUR));
      abandon(abandonedCart(ANNA, later));
      harness.processWatermark(later);
      assertThat(decisions().get(1).suppressionReason).isEqualTo("no_consent");
    }

    @Test
    void aSendStillInFlightKeepsTheContactReserved() throws Exception {
      given(consentingProfile(ANNA), addToCart(ANNA, T0));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);

      long later = D + 5 * ONE_HOUR;
      WALL_CLOCK.set(later);
      given(addToCart(ANNA, later - ONE_HOUR));
      abandon(abandonedCart(ANNA, later));
      harness.processWatermark(later);
      assertThat(decisions().get(1).suppressionReason).isEqualTo("capped");
    }

    private static RecordedOutcome failed(
        String contact, long deadline, String reason, int errorCode) {
      RecordedOutcome o = new RecordedOutcome();
      o.contactId = contact;
      o.deadline = deadline;
      o.outcome = "failed";
      o.reason = reason;
      o.errorCode = errorCode;
      return o;
    }
  }

  /** A send that failed with 131050 (read back from the outcomes topic) withdraws consent. */
  @Nested
  class OptOut {
    @Test
    void anOptOutWithdrawsConsentForLaterCarts() throws Exception {
      assertThat(reasonWith(RecordedOutcome.optOut(ANNA, D - ONE_DAY))).isEqualTo("no_consent");
    }

    @Test
    void aProfileUpdatedAfterTheOptOutGivesConsentAgain() throws Exception {
      assertThat(
              reasonWith(
                  RecordedOutcome.optOut(ANNA, D - 2 * ONE_DAY),
                  profile(ANNA, "33", "06 12 34 56 78", true, D - ONE_DAY)))
          .isNull();
    }

    @Test
    void aProfileUpdatedBeforeTheOptOutDoesNot() throws Exception {
      assertThat(
              reasonWith(
                  profile(ANNA, "33", "06 12 34 56 78", true, D - 3 * ONE_DAY),
                  RecordedOutcome.optOut(ANNA, D - 2 * ONE_DAY)))
          .isEqualTo("no_consent");
    }

    @Test
    void theCartThatOptedOutIsDecidedAsItWasOnReplay() throws Exception {
      assertThat(reasonWith(RecordedOutcome.optOut(ANNA, D))).isNull();
    }

    @Test
    void otherOutcomesChangeNothing() throws Exception {
      RecordedOutcome failed = RecordedOutcome.optOut(ANNA, D - ONE_DAY);
      failed.reason = "permanent_error";

      assertThat(failed.isOptOut()).isFalse();
      assertThat(RecordedOutcome.optOut(ANNA, D).isOptOut()).isTrue();
    }

    @Test
    void theOptOutOutlastsTheCappingPeriod() throws Exception {
      given(
          consentingProfile(ANNA), addToCart(ANNA, T0), RecordedOutcome.optOut(ANNA, D - ONE_DAY));
      abandon(abandonedCart(ANNA, D));
      harness.processWatermark(D);
      assertThat(single(decisions()).suppressionReason).isEqualTo("no_consent");

      long tenDaysLater = D + 10 * ONE_DAY;
      harness.processElement(
          ContactSignal.of(addToCart(ANNA, tenDaysLater - ONE_HOUR)), tenDaysLater - ONE_HOUR);
      abandon(abandonedCart(ANNA, "k-later", tenDaysLater));
      harness.processWatermark(tenDaysLater);
      assertThat(decisions()).last().extracting(d -> d.suppressionReason).isEqualTo("no_consent");
    }
  }

  @Test
  void reasonsAreCheckedInTheContractsOrder() throws Exception {
    // Everything is wrong at once: the first reason of the list wins, then the next, ...
    WALL_CLOCK.set(D + 30 * ONE_DAY);
    given(profile(ANNA, "1", "(202) 555-0143", false, T0), addToCart(ANNA, T0));
    given(purchase(ANNA, T0 - ONE_HOUR), capping(ANNA, T0 - ONE_DAY));
    given(removeFromCart(ANNA, T0 + 1, "sku-1"));
    assertThat(reasonAtDeadline()).isEqualTo("recent_purchase");

    harness.close();
    harness = harnessFor(RuleSettings.defaults());
    given(profile(ANNA, "1", "(202) 555-0143", false, T0), addToCart(ANNA, T0));
    given(capping(ANNA, T0 - ONE_DAY), removeFromCart(ANNA, T0 + 1, "sku-1"));
    assertThat(reasonAtDeadline()).isEqualTo("capped");

    harness.close();
    harness = harnessFor(RuleSettings.defaults());
    given(addToCart(ANNA, T0), removeFromCart(ANNA, T0 + 1, "sku-1"));
    assertThat(reasonAtDeadline()).isEqualTo("empty_cart");

    harness.close();
    harness = harnessFor(RuleSettings.defaults());
    given(profile(ANNA, null, "0", false, T0), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isEqualTo("no_consent");

    harness.close();
    harness = harnessFor(RuleSettings.defaults());
    given(profile(ANNA, "1", "555", true, T0), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isEqualTo("invalid_phone");

    harness.close();
    harness = harnessFor(RuleSettings.defaults());
    given(profile(ANNA, "1", "(202) 555-0143", true, T0), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isEqualTo("blocked_region");

    harness.close();
    harness = harnessFor(RuleSettings.defaults());
    given(consentingProfile(ANNA), addToCart(ANNA, T0));
    assertThat(reasonAtDeadline()).isEqualTo("stale");
  }

  @Test
  void anIdleContactKeepsOnlyItsProfileAndCart() throws Exception {
    given(
        consentingProfile(ANNA),
        profile(ANNA, "33", "0612345678", true, T0 - ONE_DAY),
        addToCart(ANNA, T0),
        purchase(ANNA, T0 - ONE_HOUR),
        capping(ANNA, T0 - ONE_DAY));
    abandon(abandonedCart(ANNA, D));
    harness.processWatermark(D + 4 * ONE_DAY);

    // One profile version, one cart line; purchases, cappings, events and carts all gone.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
  }

  private String reasonWith(Object... more) throws Exception {
    given(consentingProfile(ANNA), addToCart(ANNA, T0));
    given(more);
    return reasonAtDeadline();
  }

  /** Abandons the cart at D and returns the decision's reason, null for a send. */
  private String reasonAtDeadline() throws Exception {
    abandon(abandonedCart(ANNA, D));
    harness.processWatermark(D);
    return single(decisions()).suppressionReason;
  }

  private void given(Object... records) throws Exception {
    for (Object r : records) {
      if (r instanceof ClickEvent click) {
        harness.processElement(ContactSignal.of(click), click.timestamp);
      } else if (r instanceof ContactProfile profile) {
        harness.processElement(ContactSignal.of(profile), profile.updatedAt);
      } else if (r instanceof CappingEvent capping) {
        harness.processElement(ContactSignal.of(capping), capping.timestamp);
      } else if (r instanceof RecordedOutcome outcome) {
        harness.processElement(ContactSignal.of(outcome), outcome.deadline);
      } else {
        throw new IllegalArgumentException(String.valueOf(r));
      }
    }
  }

  /** A clickstream record as the job reads it. */
  private static ClickEvent click(String json) throws Exception {
    return new ClickEventParser().parse(null, json.getBytes(StandardCharsets.UTF_8), T0).value;
  }

  private void abandon(AbandonedCart cart) throws Exception {
    harness.processElement(ContactSignal.of(cart), cart.deadline);
  }

  private List<CartDecision> decisions() {
    return harness.extractOutputValues();
  }

  private static CartDecision single(List<CartDecision> decisions) {
    assertThat(decisions).hasSize(1);
    return decisions.get(0);
  }
}
