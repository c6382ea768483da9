package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneMaskTest {

  @Test
  void keepsTheCountryCodeAndTheLastTwoDigits() {
    assertThat(PhoneMask.mask("+33612345678")).isEqualTo("+33******78");
    assertThat(PhoneMask.mask("+4915112345678")).isEqualTo("+49******78");
    assertThat(PhoneMask.mask("+12345678")).isEqualTo("+12******78");
  }

  @Test
  void hidesShortOrMissingNumbersEntirely() {
    assertThat(PhoneMask.mask("+3312345")).isEqualTo("******");
    assertThat(PhoneMask.mask(null)).isEqualTo("null");
  }

  @Test
  void templateMessagesShowOnlyTheMaskedNumber() {
    TemplateMessage message = new TemplateMessage();
    message.to = "+33612345678";
    message.bodyParameters = java.util.List.of("Anna", "Trail shoe");

    assertThat(message.toString()).contains("+33******78").doesNotContain("612345", "Anna");
  }
}
