package dev.cartrescue.job.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.Parsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordedOutcomeParserTest {

  private static final long DEADLINE = Instant.parse("2026-11-22T11:00:00Z").toEpochMilli();

  private final RecordedOutcomeParser parser = new RecordedOutcomeParser();

  @Test
  void readsBackAnOptOutAsTheJobWritesIt() throws Exception {
    CartDecision cart = new CartDecision();
    cart.contactId = "c-42";
    cart.cartId = "k-9";
    cart.deadline = DEADLINE;
    String written = OutputJson.outcome(Outcome.failed(cart, "opted_out", 131050));

    Parsed<RecordedOutcome> parsed = parse(written);

    assertThat(parsed.eventTime).isEqualTo(DEADLINE);
    assertThat(parsed.value.contactId).isEqualTo("c-42");
    assertThat(parsed.value.deadline).isEqualTo(DEADLINE);
    assertThat(parsed.value.errorCode).isEqualTo(131050);
    assertThat(parsed.value.isOptOut()).isTrue();
  }

  @Test
  void readsOtherOutcomesAsNoOptOut() throws Exception {
    CartDecision cart = new CartDecision();
    cart.contactId = "c-42";
    cart.cartId = "k-9";
    cart.deadline = DEADLINE;

    assertThat(parse(OutputJson.outcome(Outcome.sent(cart, "wamid.X"))).value.isOptOut()).isFalse();
    cart.suppressionReason = "capped";
    assertThat(parse(OutputJson.outcome(Outcome.suppressed(cart))).value.isOptOut()).isFalse();
  }

  @Test
  void anOutcomeWithoutContactOrDeadlineIsADeadLetter() {
    assertThatThrownBy(() -> parse("{\"deadline\":\"2026-11-22T11:00:00Z\",\"outcome\":\"sent\"}"))
        .isInstanceOf(InvalidRecordException.class);
    assertThatThrownBy(() -> parse("{\"contact_id\":\"c-42\",\"outcome\":\"sent\"}"))
        .isInstanceOf(InvalidRecordException.class);
  }

  private Parsed<RecordedOutcome> parse(String json) throws InvalidRecordException {
    return parser.parse(null, json.getBytes(StandardCharsets.UTF_8), 0);
  }
}
