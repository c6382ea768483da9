package dev.cartrescue.job.feedback;

import static dev.cartrescue.job.Carts.ANNA;
import static dev.cartrescue.job.Carts.ONE_DAY;
import static dev.cartrescue.job.Carts.ONE_HOUR_LATER;
import static dev.cartrescue.job.Carts.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.DeliveryStatus;
import dev.cartrescue.job.records.Outcome;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.records.WebhookEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Statuses tied to their carts, once per cart and status (docs/webhooks.md). */
class DeliveryStatusesTest {
  private static final long D = ONE_HOUR_LATER;
  private static final String CALLBACK = ANNA + ":k-1:" + D;

  private KeyedTwoInputStreamOperatorTestHarness<
          String, RecordedOutcome, WebhookEvent, DeliveryStatus>
      harness;

  @BeforeEach
  void openHarness() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new DeliveryStatuses()),
            o -> o.messageId,
            e -> e.messageId,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void aStatusWithTheJobsCallbackDataIsTiedToItsCartAtOnce() throws Exception {
    harness.processElement2(
        new StreamRecord<>(status("wamid.1", "delivered", D + 2_000, CALLBACK)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.contactId).isEqualTo(ANNA);
              assertThat(d.cartId).isEqualTo("k-1");
              assertThat(d.deadline).isEqualTo(D);
              assertThat(d.status).isEqualTo("delivered");
              assertThat(d.timestamp).isEqualTo(D + 2_000);
            });
  }

  @Test
  void aReDeliveredStatusIsWrittenOnceAndReadBeforeDeliveredGivesBoth() throws Exception {
    harness.processElement2(new StreamRecord<>(status("wamid.1", "read", D + 5_000, CALLBACK)));
    harness.processElement2(new StreamRecord<>(status("wamid.1", "read", D + 5_000, CALLBACK)));
    harness.processElement2(
        new StreamRecord<>(status("wamid.1", "delivered", D + 4_000, CALLBACK)));
    harness.processElement2(
        new StreamRecord<>(status("wamid.1", "delivered", D + 4_000, CALLBACK)));

    assertThat(harness.extractOutputValues())
        .extracting(d -> d.status)
        .containsExactly("read", "delivered");
  }

  @Test
  void withoutCallbackDataAStatusWaitsForTheSentOutcomeWithItsMessageId() throws Exception {
    harness.processElement2(new StreamRecord<>(status("wamid.1", "sent", D + 1_000, null)));
    harness.processElement2(new StreamRecord<>(status("wamid.1", "delivered", D + 2_000, null)));
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processElement1(new StreamRecord<>(sent("wamid.1", "k-1")));

    assertThat(harness.extractOutputValues())
        .extracting(d -> d.cartId + " " + d.status)
        .containsExactly("k-1 sent", "k-1 delivered");
  }

  @Test
  void aCallbackDataThatDoesNotSplitOneWayWaitsForTheMessageId() throws Exception {
    harness.processElement2(
        new StreamRecord<>(status("wamid.1", "sent", D + 1_000, "c:with:colons:" + D)));
    harness.processElement2(
        new StreamRecord<>(status("wamid.2", "sent", D + 1_000, "sha256:0f3a")));
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processElement1(new StreamRecord<>(sent("wamid.2", "k-long")));
    assertThat(harness.extractOutputValues()).extracting(d -> d.cartId).containsExactly("k-long");
  }

  @Test
  void aFailedStatusForAnOptOutWithdrawsConsent() throws Exception {
    WebhookEvent failed = status("wamid.1", "failed", D + 3_000, CALLBACK);
    failed.waId = "33612345678";
    failed.errorCode = 131050;
    harness.processElement2(new StreamRecord<>(failed));

    assertThat(harness.getSideOutput(DeliveryStatuses.CONSENT))
        .extracting(StreamRecord::getValue)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.contactId).isEqualTo(ANNA);
              assertThat(c.phone).isEqualTo("+33612345678");
              assertThat(c.whatsappConsent).isFalse();
              assertThat(c.source).isEqualTo(ConsentChange.SEND_REFUSED);
            });
  }

  @Test
  void aStatusNamingTheUserIdTellsWhoseItIsOnce() throws Exception {
    WebhookEvent sent = status("wamid.1", "sent", D + 1_000, CALLBACK);
    sent.userId = "FR.7";
    WebhookEvent read = status("wamid.1", "read", D + 9_000, CALLBACK);
    read.userId = "FR.7";
    harness.processElement2(new StreamRecord<>(sent));
    harness.processElement2(new StreamRecord<>(read));

    assertThat(harness.getSideOutput(DeliveryStatuses.IDENTITIES))
        .extracting(StreamRecord::getValue)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.key).isEqualTo("u:FR.7");
              assertThat(s.claim.contactId).isEqualTo(ANNA);
            });
  }

  @Test
  void everythingAboutAMessageIsForgottenEightDaysAfterItsLastStatus() throws Exception {
    harness.processElement2(new StreamRecord<>(status("wamid.1", "read", D + 5_000, CALLBACK)));
    harness.processElement2(new StreamRecord<>(status("wamid.9", "sent", D, null)));
    assertThat(harness.numKeyedStateEntries()).isPositive();

    harness.processBothWatermarks(new Watermark(D + 5_000 + 8 * ONE_DAY));

    assertThat(harness.numKeyedStateEntries()).isZero();
    // A re-delivery after that would be written again; Meta re-delivers for up to 7 days.
  }

  private static RecordedOutcome sent(String messageId, String cartId) {
    RecordedOutcome o = new RecordedOutcome();
    o.contactId = ANNA;
    o.cartId = cartId;
    o.deadline = D;
    o.outcome = Outcome.SENT;
    o.messageId = messageId;
    return o;
  }
}
