package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureTest {
  private static final byte[] FOX =
      "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

  @Test
  void isSha256EqualsAndTheLowerCaseHexOfTheHmacOfTheRawBytes() {
    // The HMAC-SHA256 test vector everyone uses: key "key".
    assertThat(Signature.of("key", FOX))
        .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  }

  @Test
  void matchesOnlyTheBytesItWasComputedFrom() {
    Signature signature = new Signature("key".getBytes(StandardCharsets.UTF_8));
    String header = Signature.of("key", FOX);

    assertThat(signature.matches(header, FOX, FOX.length)).isTrue();
    assertThat(signature.matches(header, FOX, FOX.length - 1)).isFalse();
    assertThat(signature.matches(null, FOX, FOX.length)).isFalse();
    assertThat(signature.matches("sha256=" + "0".repeat(64), FOX, FOX.length)).isFalse();
    assertThat(signature.matches("sha256=" + "٠".repeat(64), FOX, FOX.length))
        .as("digits of another script")
        .isFalse();
  }
}
