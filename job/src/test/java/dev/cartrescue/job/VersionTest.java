package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {
  @Test
  void isTheProjectVersionOfThePom() {
    // Surefire passes the pom's version; a release has no -SNAPSHOT.
    assertThat(Version.NUMBER).isEqualTo(System.getProperty("project.version"));
    assertThat(Version.NUMBER).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void describesItselfByNameAndVersion() {
    assertThat(Version.describe()).isEqualTo("cart-rescue " + Version.NUMBER);
  }
}
