package dev.cartrescue.job.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.sinks.whatsapp.TemplateMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/contract.md §4 and Meta's limits on template parameters. */
class CartMessageTest {

  private final CartMessage factory = new CartMessage("cart_advisor_help", "en");

  @Test
  void buildsTheAdvisorFirstTemplateForTheCart() {
    TemplateMessage m = factory.toMessage(cart("Anna", "fr", "Trail shoe and Rain jacket"));

    assertThat(m.to).isEqualTo("+33612345678");
    assertThat(m.templateName).isEqualTo("cart_advisor_help");
    assertThat(m.languageCode).isEqualTo("fr");
    assertThat(m.fallbackLanguageCode).isEqualTo("en");
    assertThat(m.bodyParameters).containsExactly("Anna", "Trail shoe and Rain jacket");
    assertThat(m.urlButtonParameter).isEqualTo("k-9");
    assertThat(m.quickReplyPayload).isEqualTo("advisor:k-9");
    assertThat(m.bizOpaqueCallbackData).isEqualTo("c-42:k-9:1763805600000");
  }

  @Test
  void fallsBackToTheDefaultLanguageAndANeutralGreeting() {
    TemplateMessage m = factory.toMessage(cart(null, null, "Trail shoe"));

    assertThat(m.languageCode).isEqualTo("en");
    assertThat(m.fallbackLanguageCode).isNull();
    assertThat(m.bodyParameters.get(0)).isEqualTo("there");
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource({
    "fr, fr",
    "FR, fr",
    "pt-BR, pt_BR",
    "en_us, en_US",
    "' de ', de",
    "fil, fil",
    "français, en",
    "'', en",
    "zh-Hant-TW, en"
  })
  void spellsTheProfileLanguageAsMetaDoesOrUsesTheDefault(String profile, String expected) {
    assertThat(factory.toMessage(cart("Anna", profile, "Trail shoe")).languageCode)
        .isEqualTo(expected);
  }

  @Test
  void keepsEveryBodyParameterOnOneLineWithSingleSpaces() {
    TemplateMessage m =
        factory.toMessage(
            cart("Anna\tMarie\n", null, "Trail     shoe\u2028and\u00a0\u00a0socks\r\n"));

    assertThat(m.bodyParameters).containsExactly("Anna Marie", "Trail shoe and socks");
  }

  @Test
  void cutsALongSummaryAtAWordWithAnEllipsis() {
    String summary = "Ultra-light waterproof trail running shoe with reinforced toe cap ".repeat(3);

    String cut = factory.toMessage(cart("Anna", null, summary)).bodyParameters.get(1);

    assertThat(cut).hasSizeLessThanOrEqualTo(CartMessage.MAX_PARAMETER_LENGTH).endsWith("…");
    assertThat(cut.substring(0, cut.length() - 1)).endsWith("with");
  }

  @Test
  void neverCutsAnEmojiInTwo() {
    String summary = "x".repeat(CartMessage.MAX_PARAMETER_LENGTH - 2) + "👟👟👟";

    String cut = factory.toMessage(cart("Anna", null, summary)).bodyParameters.get(1);

    assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
  }

  @Test
  void aSummaryWithNothingPrintableStillSaysSomething() {
    assertThat(factory.toMessage(cart(" \u0007 ", null, "\u0000")).bodyParameters)
        .containsExactly("there", "your cart");
  }

  @Test
  void anIdTooLongForMetaIsReplacedByItsDigest() {
    CartDecision cart = cart("Anna", null, "Trail shoe");
    cart.cartId = "k-" + "9".repeat(600);

    TemplateMessage m = factory.toMessage(cart);

    assertThat(m.bizOpaqueCallbackData).startsWith("sha256:").hasSize(71);
    assertThat(m.quickReplyPayload).startsWith("advisor:sha256:");
    assertThat(factory.toMessage(cart).bizOpaqueCallbackData).isEqualTo(m.bizOpaqueCallbackData);
  }

  private static CartDecision cart(String name, String language, String summary) {
    CartDecision d = new CartDecision();
    d.contactId = "c-42";
    d.cartId = "k-9";
    d.deadline = 1763805600000L;
    d.phoneE164 = "+33612345678";
    d.greetingName = name;
    d.language = language;
    d.itemsSummary = summary;
    return d;
  }
}
