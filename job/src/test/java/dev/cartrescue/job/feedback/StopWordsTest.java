package dev.cartrescue.job.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StopWordsTest {
  @Test
  void stopAndUnsubscribeAreUnderstoodInEveryLanguage() {
    assertThat(StopWords.isStop("STOP", null)).isTrue();
    assertThat(StopWords.isStop(" stop! ", "de")).isTrue();
    assertThat(StopWords.isStop("Unsubscribe", "pt_BR")).isTrue();
  }

  @Test
  void eachLanguageHasItsUsualWordsAccentsAndCaseIgnored() {
    assertThat(StopWords.isStop("Arrêt", "fr")).isTrue();
    assertThat(StopWords.isStop("ARRET.", "fr")).isTrue();
    assertThat(StopWords.isStop("Stopp", "de")).isTrue();
    assertThat(StopWords.isStop("baja", "es")).isTrue();
    assertThat(StopWords.isStop("Alto", "es_MX")).isTrue();
    assertThat(StopWords.isStop("PARAR", "pt")).isTrue();
  }

  @Test
  void anotherLanguagesWordIsNotAStop() {
    // "alto" is "high" in Italian; without a language only the words of every language count.
    assertThat(StopWords.isStop("alto", "it")).isFalse();
    assertThat(StopWords.isStop("Arrêt", null)).isFalse();
  }

  @Test
  void aShortRequestThatOpensWithTheWordIsAStop() {
    assertThat(StopWords.isStop("stop sending me these", "en")).isTrue();
    assertThat(StopWords.isStop("Arrêt svp", "fr")).isTrue();
    assertThat(StopWords.isStop("darme de baja", "es")).isTrue();
  }

  @Test
  void aQuestionOrALongerMessageIsForAnAdvisor() {
    assertThat(StopWords.isStop("Stop, is it waterproof?", "en")).isFalse();
    assertThat(StopWords.isStop("Don't stop", "en")).isFalse();
    assertThat(StopWords.isStop("stop the order I placed yesterday evening please", "en"))
        .isFalse();
    assertThat(StopWords.isStop(null, "en")).isFalse();
  }
}
