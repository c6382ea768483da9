package dev.cartrescue.job.pipeline;

import static dev.cartrescue.job.Carts.ONE_DAY;
import static dev.cartrescue.job.Carts.ONE_HOUR;
import static dev.cartrescue.job.Carts.T0;
import static dev.cartrescue.job.Carts.addToCart;
import static dev.cartrescue.job.Carts.profile;
import static dev.cartrescue.job.Carts.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.Carts;
import dev.cartrescue.job.pipeline.TopologyUnderTest.Written;
import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.ContactProfile;
import dev.cartrescue.job.records.Outcome;
import dev.cartrescue.job.records.RecordedOutcome;
import dev.cartrescue.job.rule.RuleSettings;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the rule's pieces compose (contract §1), on the whole topology at parallelism 2 without a
 * broker: in-memory inputs, a fixed wall clock, the real sender against the Cloud API simulator.
 */
class CartRescueTopologyTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  /** Shortly after the deadlines of carts started around T0: nothing is stale. */
  private static final long NOW = T0 + 2 * ONE_HOUR;

  private static final String ANNA = "c-anna";
  private static final String BRUNO = "c-bruno";

  private static CloudApiSimulator cloudApi;

  @TempDir Path temp;
  private TopologyUnderTest job;

  @BeforeAll
  static void startCloudApi() {
    cloudApi = CloudApiSimulator.start(0, TopologyUnderTest.TOKEN);
  }

  @AfterAll
  static void stopCloudApi() {
    cloudApi.close();
  }

  @BeforeEach
  void newJob() {
    cloudApi.reset();
    job = new TopologyUnderTest(cloudApi, temp, NOW);
  }

  @Test
  void sendsOneMessageToAnEligibleContactAndCapsThem() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671")).clicks(addToCart(ANNA, T0)).run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.outcome).isEqualTo(Outcome.SENT);
              assertThat(o.deadline).isEqualTo(T0 + ONE_HOUR);
            });
    assertThat(written.cappingEvents())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.contactId).isEqualTo(ANNA);
              assertThat(c.timestamp).isEqualTo(T0 + ONE_HOUR);
              assertThat(c.messageId).isEqualTo(written.outcomes().get(0).messageId);
            });
    assertThat(cloudApi.received()).extracting(ReceivedMessage::to).containsExactly("+33612345671");
  }

  @Test
  void aNewAddToCartRestartsTheHour() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .clicks(addToCart(ANNA, T0), addToCart(ANNA, T0 + 40 * MINUTE, "sku-2", "Trail sock"))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.outcome).isEqualTo(Outcome.SENT);
              assertThat(o.deadline).isEqualTo(T0 + 40 * MINUTE + ONE_HOUR);
            });
  }

  @Test
  void aPurchaseBeforeTheDeadlineCancelsTheCart() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .clicks(addToCart(ANNA, T0), purchase(ANNA, T0 + 30 * MINUTE))
            .run();

    assertThat(written.outcomes()).isEmpty();
    assertThat(cloudApi.received()).isEmpty();
  }

  @Test
  void aRepeatedEventIdIsCountedOnce() throws Exception {
    ClickEvent add = addToCart(ANNA, T0);
    ClickEvent again = addToCart(ANNA, T0);
    again.eventId = add.eventId;

    job.profiles(consenting(ANNA, "0612345671")).clicks(add, again).run();

    assertThat(cloudApi.received())
        .singleElement()
        .satisfies(m -> assertThat(itemsSummary(m)).isEqualTo("Trail shoe"));
  }

  @Test
  void sendsOneMessageWhenTwoCartsExpireTogether() throws Exception {
    ClickEvent first = addToCart(ANNA, T0);
    ClickEvent second = addToCart(ANNA, T0, "sku-2", "Trail sock");
    second.cartId = "k-second";

    Written written = job.profiles(consenting(ANNA, "0612345671")).clicks(first, second).run();

    assertThat(cloudApi.received()).hasSize(1);
    assertThat(written.outcomes()).filteredOn(o -> o.outcome.equals(Outcome.SENT)).hasSize(1);
    assertThat(written.outcomes()).extracting(o -> o.cartId).doesNotHaveDuplicates();
  }

  @Test
  void replayingTheSameInputGivesTheSameOutcomes() throws Exception {
    job.profiles(
            consenting(ANNA, "0612345671"), profile(BRUNO, "33", "0612345672", false, T0 - ONE_DAY))
        .clicks(
            addToCart(ANNA, T0),
            addToCart(BRUNO, T0 + MINUTE),
            addToCart(ANNA, T0 + 2 * ONE_HOUR),
            purchase(ANNA, T0 + 2 * ONE_HOUR + MINUTE));

    List<String> first = decisions(job.run());
    List<String> replay = decisions(job.run());

    assertThat(first)
        .containsExactlyInAnyOrder(
            "c-anna k-c-anna " + (T0 + ONE_HOUR) + " sent null",
            "c-bruno k-c-bruno " + (T0 + MINUTE + ONE_HOUR) + " suppressed no_consent");
    assertThat(replay).containsExactlyInAnyOrderElementsOf(first);
  }

  @Test
  void aTombstoneErasesTheCartBeforeIt() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"), ContactProfile.erasure(ANNA, T0 + 10 * MINUTE))
            .clicks(addToCart(ANNA, T0))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.reason).isEqualTo("empty_cart"));
    assertThat(cloudApi.received()).isEmpty();
  }

  @Test
  void aContactErasedByATombstoneIsDecidedOnTheirLaterEvents() throws Exception {
    Written written =
        job.rule(RuleSettings.defaults().withMaxSendDelay(null))
            .profiles(consenting(ANNA, "0612345671"), ContactProfile.erasure(ANNA, T0))
            .clicks(addToCart(ANNA, T0 + 12 * ONE_HOUR))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.reason).isEqualTo("no_profile"));
  }

  @Test
  void anOptOutReadBackWithdrawsConsent() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .recordedOutcomes(RecordedOutcome.optOut(ANNA, T0 - ONE_DAY))
            .clicks(addToCart(ANNA, T0))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.reason).isEqualTo("no_consent"));
    assertThat(cloudApi.received()).isEmpty();
  }

  @Test
  void aStopReplyInTheProfilesLanguageWithdrawsConsentForLaterCarts() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .webhooks(Carts.textFrom("33612345671", "Arrêt !", T0 - ONE_HOUR))
            .clicks(addToCart(ANNA, T0))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.reason).isEqualTo("no_consent"));
    assertThat(written.consentChanges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.contactId).isEqualTo(ANNA);
              assertThat(c.phone).isEqualTo("+33612345671");
              assertThat(c.whatsappConsent).isFalse();
              assertThat(c.source).isEqualTo(ConsentChange.STOP_REPLY);
              assertThat(c.timestamp).isEqualTo(T0 - ONE_HOUR);
            });
    assertThat(cloudApi.received()).isEmpty();
  }

  @Test
  void aMarketingPreferenceResumeGivesTheConsentBack() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .webhooks(
                Carts.preferenceOf("33612345671", "stop", T0 - 2 * ONE_HOUR),
                Carts.preferenceOf("33612345671", "resume", T0 - ONE_HOUR))
            .clicks(addToCart(ANNA, T0))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.outcome).isEqualTo(Outcome.SENT));
    assertThat(written.consentChanges())
        .extracting(c -> c.whatsappConsent + " " + c.source)
        .containsExactly("false user_preferences", "true user_preferences");
  }

  @Test
  void aStopAfterTheDeadlineLeavesThatCartAlone() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .webhooks(Carts.textFrom("33612345671", "STOP", T0 + 2 * ONE_HOUR))
            .clicks(addToCart(ANNA, T0))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.outcome).isEqualTo(Outcome.SENT));
    assertThat(written.consentChanges()).hasSize(1);
  }

  @Test
  void statusesBecomeOneDeliveryPerCartAndStatusWhateverTheOrder() throws Exception {
    String decision = ANNA + ":k-1:" + (T0 + ONE_HOUR);
    Written written =
        job.webhooks(
                Carts.status("wamid.1", "sent", T0 + ONE_HOUR + 1_000, decision),
                Carts.status("wamid.1", "read", T0 + ONE_HOUR + 5_000, decision),
                Carts.status("wamid.1", "delivered", T0 + ONE_HOUR + 6_000, decision),
                Carts.status("wamid.1", "read", T0 + ONE_HOUR + 7_000, decision))
            .run();

    assertThat(written.deliveries())
        .extracting(d -> d.contactId + " " + d.cartId + " " + d.messageId + " " + d.status)
        .containsExactlyInAnyOrder(
            ANNA + " k-1 wamid.1 sent",
            ANNA + " k-1 wamid.1 read",
            ANNA + " k-1 wamid.1 delivered");
    assertThat(written.deliveries()).allMatch(d -> d.deadline == T0 + ONE_HOUR);
  }

  @Test
  void aTapOnChatWithAnAdvisorBecomesOneHandOffWithTheCart() throws Exception {
    Written written =
        job.profiles(consenting(ANNA, "0612345671"))
            .clicks(addToCart(ANNA, T0))
            .webhooks(
                Carts.tapFrom("33612345671", null, "k-" + ANNA, T0 + 2 * ONE_HOUR),
                Carts.tapFrom("33612345671", null, "k-" + ANNA, T0 + 2 * ONE_HOUR))
            .run();

    assertThat(written.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.outcome).isEqualTo(Outcome.SENT));
    assertThat(written.handoffs())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.contactId).isEqualTo(ANNA);
              assertThat(h.phone).isEqualTo("+33612345671");
              assertThat(h.cartId).isEqualTo(written.outcomes().get(0).cartId);
              assertThat(h.messageId).isEqualTo(written.outcomes().get(0).messageId);
              assertThat(h.items).hasSize(1);
              assertThat(h.tappedAt).isEqualTo(T0 + 2 * ONE_HOUR);
            });
  }

  private static final long MINUTE = ONE_HOUR / 60;

  private static ContactProfile consenting(String contact, String nationalNumber) {
    return Carts.profile(contact, "33", nationalNumber, true, T0 - 10 * ONE_DAY);
  }

  private static String itemsSummary(ReceivedMessage m) {
    return m.body().at("/template/components/0/parameters/1/text").asText();
  }

  private static List<String> decisions(Written written) {
    return written.outcomes().stream()
        .map(
            o -> o.contactId + " " + o.cartId + " " + o.deadline + " " + o.outcome + " " + o.reason)
        .toList();
  }
}
