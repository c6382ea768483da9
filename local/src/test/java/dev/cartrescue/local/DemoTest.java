package dev.cartrescue.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.testkit.browser.HeadlessChromium;
import dev.cartrescue.testkit.chatwoot.StandInMessage;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it, for a minute, in this JVM, on free ports so that it never clashes
 * with a demo running on the same machine. What it prints is checked against what Kafka, the
 * simulated phone and the advisor page hold. While it runs, a person taps "Chat with an advisor" on
 * the phone page in headless Chromium and sees the cart arrive on the advisor page.
 */
class DemoTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aMinuteOfShoppersAndATapInTheBrowserAgreeWithTheTopicsThePhoneAndTheAdvisorPage(
      @TempDir Path temp) throws Exception {
    DemoOptions options =
        DemoOptions.parse(
                "--duration",
                "60s",
                "--web-ui.port",
                "0",
                "--simulator.port",
                "0",
                "--advisor-page.port",
                "0")
            .withCheckpointDir(temp.resolve("checkpoints"));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    String tappedCart = null;

    try (Demo demo =
        Demo.start(options, new PrintStream(console, true, UTF_8), new CountDownLatch(1))) {
      ExecutorService runner = Executors.newSingleThreadExecutor();
      Future<DemoSummary> running = runner.submit(demo::run);
      runner.shutdown();
      if (HeadlessChromium.executable().isPresent()) {
        tappedCart = tapChatWithAnAdvisorAndSeeTheCartOnTheAdvisorPage(demo);
      }
      DemoSummary summary = running.get(3, TimeUnit.MINUTES);

      CartRescueOptions job = demo.jobOptions();
      List<JsonNode> outcomes = values(demo.kafka().readAll(job.outcomesTopic));
      Map<String, Long> byOutcome = countBy(outcomes, "outcome");
      Map<String, Long> byReason =
          countBy(outcomes.stream().filter(o -> is(o, "suppressed")).toList(), "reason");
      assertThat(summary.carts()).isEqualTo(outcomes.size());
      assertThat(summary.sent()).isEqualTo(byOutcome.getOrDefault("sent", 0L));
      assertThat(summary.suppressed()).isEqualTo(byOutcome.getOrDefault("suppressed", 0L));
      assertThat(summary.failed()).isEqualTo(byOutcome.getOrDefault("failed", 0L));
      assertThat(summary.suppressedByReason()).isEqualTo(byReason);
      List<JsonNode> deliveries = values(demo.kafka().readAll(job.deliveriesTopic));
      Map<String, Long> byStatus = countBy(deliveries, "status");
      long optOuts =
          values(demo.kafka().readAll(job.consentChangesTopic)).stream()
              .filter(c -> !c.get("whatsapp_consent").asBoolean())
              .count();
      List<JsonNode> handoffs = values(demo.kafka().readAll(job.handoffsTopic));
      assertThat(summary.line())
          .isEqualTo(
              ("demo summary: carts=%d sent=%d suppressed=%d failed=%d delivered=%d read=%d"
                      + " optouts=%d handoffs=%d")
                  .formatted(
                      outcomes.size(),
                      byOutcome.getOrDefault("sent", 0L),
                      byOutcome.getOrDefault("suppressed", 0L),
                      byOutcome.getOrDefault("failed", 0L),
                      byStatus.getOrDefault("delivered", 0L),
                      byStatus.getOrDefault("read", 0L),
                      optOuts,
                      handoffs.size()));
      // Taps reach the advisors: one hand-off per tap, one note per hand-off.
      assertThat(summary.handoffs()).as("hand-offs").isPositive();
      List<String> handoffIds = handoffs.stream().map(h -> h.get("handoff_id").asText()).toList();
      assertThat(handoffIds).as("one hand-off per tap").doesNotHaveDuplicates();
      assertThat(demo.chatwoot().notes())
          .extracting(StandInMessage::handoffId)
          .as("one note per hand-off on the advisor page")
          .containsExactlyInAnyOrderElementsOf(handoffIds);
      if (tappedCart != null) {
        assertThat(handoffs).extracting(h -> h.get("cart_id").asText()).contains(tappedCart);
      }
      // The loop runs: the simulator's webhooks reach the job through the receiver.
      assertThat(summary.delivered()).as("delivered").isPositive();
      assertThat(summary.read()).as("read").isPositive();
      assertThat(
              deliveries.stream()
                  .map(d -> d.get("cart_id").asText() + " " + d.get("status").asText())
                  .distinct()
                  .count())
          .as("one delivery record per cart and status")
          .isEqualTo(deliveries.size());

      List<ReceivedMessage> phone = demo.cloudApi().received();
      assertThat(summary.sent()).isPositive().isEqualTo(phone.size());
      assertThat(messageIdsOfSentOutcomes(outcomes))
          .isEqualTo(phone.stream().map(ReceivedMessage::messageId).collect(Collectors.toSet()));
      assertThat(byReason).as("suppression reasons").hasSizeGreaterThanOrEqualTo(3);
      assertThat(summary.failed()).as("sends the simulator failed").isPositive();
      assertThat(summary.deadLetters())
          .isPositive()
          .isEqualTo(demo.kafka().readAll(job.deadLetterTopic).size());
      assertThat(outcomes.stream().map(DemoTest::cart).distinct().count())
          .as("one outcome per abandoned cart")
          .isEqualTo(outcomes.size());
    }

    List<String> lines = console.toString(UTF_8).lines().toList();
    assertThat(lines).anyMatch(l -> l.contains("Phone") && l.contains("http://127.0.0.1:"));
    assertThat(lines).anyMatch(l -> l.contains("Advisor page") && l.contains("http://127.0.0.1:"));
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "\\[00:\\d[05]] carts \\d+ \\| sent \\d+ \\| suppressed \\d+.* \\| failed \\d+"
                        + " \\| dead letters \\d+ \\| delivered \\d+ \\| read \\d+ \\| opt-outs \\d+"
                        + " \\| hand-offs \\d+"));
    assertThat(lines).anyMatch(l -> l.startsWith("[01:00] carts "));
    assumeTrue(
        tappedCart != null, "the browser half was skipped: " + HeadlessChromium.absentReason());
  }

  /**
   * As a person would: on the phone page, taps "Chat with an advisor" under a delivered message
   * (its reply bubble shows), then watches the advisor page until that cart's note is there, in the
   * conversation where the tap itself arrived (forwarded by the receiver).
   *
   * @return the cart of the tapped message
   */
  private static String tapChatWithAnAdvisorAndSeeTheCartOnTheAdvisorPage(Demo demo)
      throws Exception {
    try (HeadlessChromium browser = HeadlessChromium.launch()) {
      browser.open(URI.create(demo.cloudApi().baseUrl() + "/"));
      String tappable = "button.chat-advisor:not([disabled])";
      browser.waitFor(tappable, Duration.ofSeconds(50));
      String messageId =
          browser
              .evaluate(
                  "document.querySelector('" + tappable + "').closest('.msg').dataset.messageId")
              .asText();
      String message = ".msg[data-message-id='" + messageId + "']";
      browser.click(message + " button.chat-advisor");
      browser.waitFor(message + " .reply", Duration.ofSeconds(10));

      String payload =
          demo.cloudApi().received().stream()
              .filter(m -> m.messageId().equals(messageId))
              .findFirst()
              .orElseThrow()
              .quickReplyPayload();
      String cart = payload.substring("advisor:".length());
      browser.open(URI.create(demo.chatwoot().baseUrl() + "/"));
      String conversationWithTheCart =
          "[...document.querySelectorAll('.conversation')].find(c => [...c.querySelectorAll('.note')]"
              + ".some(n => n.textContent.includes('Cart "
              + cart
              + "')))";
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (!browser
          .evaluate(
              "(() => { const c = "
                  + conversationWithTheCart
                  + "; return !!c && [...c.querySelectorAll('.incoming')]"
                  + ".some(m => m.textContent.includes('Chat with an advisor')); })()")
          .asBoolean()) {
        assertThat(System.nanoTime() - deadline)
            .as("the advisor page shows cart %s with the tap (%s)", cart, browser.describe())
            .isNegative();
        Thread.sleep(250);
      }
      return cart;
    }
  }

  @Test
  void aBadDemoOptionIsRefusedWithOneLineAndStatusTwo() throws Exception {
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Demo.class.getName(),
                "--duration",
                "60s",
                "--failure-rate",
                "lots")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String stderr = new String(demo.getErrorStream().readAllBytes(), UTF_8);
    assertThat(demo.waitFor(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    assertThat(demo.exitValue()).isEqualTo(2);
    assertThat(stderr.lines())
        .containsExactly(
            "cart-rescue demo: option --failure-rate: 'lots' is not a share between 0 and 1"
                + " (0.02)");
  }

  private static List<JsonNode> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(r -> read(r.value())).toList();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Long> countBy(List<JsonNode> outcomes, String field) {
    return outcomes.stream()
        .collect(Collectors.groupingBy(o -> o.get(field).asText(), Collectors.counting()));
  }

  private static boolean is(JsonNode outcome, String kind) {
    return outcome.get("outcome").asText().equals(kind);
  }

  private static Set<String> messageIdsOfSentOutcomes(List<JsonNode> outcomes) {
    return outcomes.stream()
        .filter(o -> is(o, "sent"))
        .map(o -> o.get("message_id").asText())
        .collect(Collectors.toSet());
  }

  private static String cart(JsonNode outcome) {
    return outcome.get("contact_id").asText()
        + " "
        + outcome.get("cart_id").asText()
        + " "
        + outcome.get("deadline").asText();
  }
}
