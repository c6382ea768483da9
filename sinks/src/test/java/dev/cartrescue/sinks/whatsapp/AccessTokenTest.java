package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokenTest {

  private static final Map<String, String> NO_ENVIRONMENT = Map.of();

  @TempDir Path dir;

  @Test
  void readsTheTokenFileWithoutItsTrailingNewline() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "EAAG-secret\n");

    assertThat(AccessToken.read(settings(file), NO_ENVIRONMENT::get)).isEqualTo("EAAG-secret");
  }

  @Test
  void fallsBackToTheEnvironmentWithoutATokenFile() {
    Map<String, String> environment = Map.of("WHATSAPP_ACCESS_TOKEN", "EAAG-from-env");

    assertThat(AccessToken.read(settings(null), environment::get)).isEqualTo("EAAG-from-env");
  }

  @Test
  void namesWhereItLookedWhenThereIsNoToken() {
    assertThatThrownBy(() -> AccessToken.read(settings(null), NO_ENVIRONMENT::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WHATSAPP_ACCESS_TOKEN");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> AccessToken.read(settings(missing), NO_ENVIRONMENT::get))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void refusesAnEmptyOrMultiLineTokenWithoutShowingIt() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    Path twoLines = Files.writeString(dir.resolve("two-lines"), "EAAG-secret\nX-Injected: yes\n");

    assertThatThrownBy(() -> AccessToken.read(settings(empty), NO_ENVIRONMENT::get))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> AccessToken.read(settings(twoLines), NO_ENVIRONMENT::get))
        .hasMessageNotContaining("EAAG-secret");
  }

  private static CloudApiSettings settings(Path tokenFile) {
    return CloudApiSettings.builder().phoneNumberId("1065").accessTokenFile(tokenFile).build();
  }
}
