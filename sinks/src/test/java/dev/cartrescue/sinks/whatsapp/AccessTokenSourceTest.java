package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokenSourceTest {

  @TempDir Path dir;

  @Test
  void readsAReplacedTokenFileAsANewGeneration() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first\n");
    AccessTokenSource token = new AccessTokenSource(settings(file));

    assertThat(token.reload()).isFalse();
    Files.writeString(file, "second\n");

    assertThat(token.reload()).isTrue();
    assertThat(token.token()).isEqualTo("second");
    assertThat(token.generation()).isEqualTo(1);
    assertThat(token.reload()).isFalse();
  }

  @Test
  void keepsTheTokenInUseWhileTheFileIsMissingOrEmpty() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first\n");
    AccessTokenSource token = new AccessTokenSource(settings(file));

    Files.writeString(file, "");
    assertThat(token.reload()).isFalse();
    Files.delete(file);
    assertThat(token.reload()).isFalse();

    assertThat(token.token()).isEqualTo("first");
    assertThat(token.generation()).isZero();
  }

  @Test
  void namesWhereTheTokenComesFromNeverTheToken() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "EAAGsecret\n");
    AccessTokenSource token = new AccessTokenSource(settings(file));

    assertThat(token.isReloadable()).isTrue();
    assertThat(token.source()).isEqualTo("the access token file " + file).doesNotContain("EAAG");
  }

  private static CloudApiSettings settings(Path file) {
    return CloudApiSettings.builder().phoneNumberId("1065").accessTokenFile(file).build();
  }
}
