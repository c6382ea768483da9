package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestKeyTest {
  private static final List<String> KEYS =
      List.of("rule.abandon-after", "rule.capping-period", "topic.contacts", "topic.capping");

  @Test
  void insertionsDeletionsSubstitutionsAndSwapsCountOneEach() {
    assertThat(NearestKey.distance("rule.abandon-after", "rule.abandon-after")).isZero();
    assertThat(NearestKey.distance("rule.abandon-aftr", "rule.abandon-after")).isEqualTo(1);
    assertThat(NearestKey.distance("rule.abandon-afterr", "rule.abandon-after")).isEqualTo(1);
    assertThat(NearestKey.distance("rule.abandon-aftex", "rule.abandon-after")).isEqualTo(1);
    assertThat(NearestKey.distance("rule.abandon-atfer", "rule.abandon-after")).isEqualTo(1);
    assertThat(NearestKey.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void theNearestKeyIfNearEnoughToBeATypo() {
    assertThat(NearestKey.to("rule.abandon-aftr", KEYS)).contains("rule.abandon-after");
    assertThat(NearestKey.to("topic.contact", KEYS)).contains("topic.contacts");
    assertThat(NearestKey.to("topic.caping", KEYS)).contains("topic.capping");
    assertThat(NearestKey.to("colour", KEYS)).isEmpty();
    assertThat(NearestKey.to("whatsapp.rate-limit", KEYS)).isEmpty();
  }
}
