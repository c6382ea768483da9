package dev.cartrescue.job.feedback;

import static dev.cartrescue.job.Carts.ANNA;
import static dev.cartrescue.job.Carts.T0;
import static dev.cartrescue.job.Carts.preferenceOf;
import static dev.cartrescue.job.Carts.textFrom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.Carts;
import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.WebhookEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opt-outs tied to the contact who owns the number: {@link ContactNumbers} and {@link
 * ConsentByNumber} chained as in the topology.
 */
class ConsentByNumberTest {
  private static final String ANNAS_NUMBER = "33612345678";
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<String, ContactProfile, NumberSignal> numbers;
  private KeyedOneInputStreamOperatorTestHarness<String, NumberSignal, ConsentChange> consent;

  @BeforeEach
  void openHarnesses() throws Exception {
    numbers =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ContactNumbers()), p -> p.contactId, Types.STRING);
    numbers.open();
    consent =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ConsentByNumber()), s -> s.key, Types.STRING);
    consent.open();
  }

  @AfterEach
  void closeHarnesses() throws Exception {
    numbers.close();
    consent.close();
  }

  @Test
  void aStopReplyFromTheNumberWithdrawsTheOwnersConsentOnce() throws Exception {
    profile(Carts.consentingProfile(ANNA));
    hear(textFrom(ANNAS_NUMBER, "STOP", T0));
    hear(textFrom(ANNAS_NUMBER, "STOP", T0)); // Meta re-delivers
    consent.processWatermark(T0);

    assertThat(changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.contactId).isEqualTo(ANNA);
              assertThat(c.phone).isEqualTo("+" + ANNAS_NUMBER);
              assertThat(c.whatsappConsent).isFalse();
              assertThat(c.source).isEqualTo(ConsentChange.STOP_REPLY);
            });
  }

  @Test
  void anEventWaitsForEventTimeSoThatAProfileReadLaterStillOwnsTheNumber() throws Exception {
    hear(preferenceOf(ANNAS_NUMBER, "stop", T0));
    profile(Carts.consentingProfile(ANNA));
    assertThat(changes()).isEmpty();

    consent.processWatermark(T0);
    assertThat(changes()).extracting(c -> c.contactId).containsExactly(ANNA);
  }

  @Test
  void aStaleStopNeverUndoesANewerResume() throws Exception {
    profile(Carts.consentingProfile(ANNA));
    hear(preferenceOf(ANNAS_NUMBER, "resume", T0 + MINUTE));
    consent.processWatermark(T0 + MINUTE);
    hear(preferenceOf(ANNAS_NUMBER, "stop", T0));
    consent.processWatermark(T0 + 2 * MINUTE);

    assertThat(changes()).extracting(c -> c.whatsappConsent).containsExactly(true);
  }

  @Test
  void aNumberNoProfileNamesChangesNoContact() throws Exception {
    hear(textFrom("4915112345678", "STOPP", T0));
    consent.processWatermark(T0);
    assertThat(changes()).isEmpty();
  }

  @Test
  void aTextThatIsNotAStopChangesNothing() throws Exception {
    profile(Carts.consentingProfile(ANNA));
    hear(textFrom(ANNAS_NUMBER, "Is it waterproof?", T0));
    consent.processWatermark(T0);
    assertThat(changes()).isEmpty();
  }

  @Test
  void aContactWhoChangedNumberNoLongerOwnsTheOldOne() throws Exception {
    profile(Carts.consentingProfile(ANNA));
    profile(Carts.profile(ANNA, "33", "06 98 76 54 32", true, T0 - MINUTE));
    hear(textFrom(ANNAS_NUMBER, "STOP", T0));
    hear(textFrom("33698765432", "STOP", T0));
    consent.processWatermark(T0);

    assertThat(changes()).extracting(c -> c.phone).containsExactly("+33698765432");
  }

  @Test
  void anErasedContactNoLongerOwnsTheirNumber() throws Exception {
    profile(Carts.consentingProfile(ANNA));
    profile(ContactProfile.erasure(ANNA, T0 - MINUTE));
    hear(textFrom(ANNAS_NUMBER, "STOP", T0));
    consent.processWatermark(T0);

    assertThat(changes()).isEmpty();
  }

  @Test
  void aUserNamedOnlyByTheirUserIdIsFoundByWhatAStatusTaught() throws Exception {
    consent.processElement(
        new StreamRecord<>(
            NumberSignal.claim(
                NumberSignal.userKey("FR.7"), NumberOwner.of(ANNA, null, "fr", T0 - MINUTE))));
    WebhookEvent stop = textFrom(null, "Arrêt", T0);
    stop.userId = "FR.7";
    hear(stop);
    consent.processWatermark(T0);

    assertThat(changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.contactId).isEqualTo(ANNA);
              assertThat(c.phone).isNull();
            });
  }

  /** A profile through ContactNumbers, its claims and releases into ConsentByNumber. */
  private void profile(ContactProfile p) throws Exception {
    int before = numbers.extractOutputValues().size();
    numbers.processElement(new StreamRecord<>(p));
    List<NumberSignal> out = numbers.extractOutputValues();
    for (NumberSignal s : out.subList(before, out.size())) {
      consent.processElement(new StreamRecord<>(s));
    }
  }

  private void hear(WebhookEvent event) throws Exception {
    consent.processElement(new StreamRecord<>(NumberSignal.of(event)));
  }

  private List<ConsentChange> changes() {
    return new ArrayList<>(consent.extractOutputValues());
  }
}
