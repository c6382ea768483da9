package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhooksMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void aBadOptionIsOneLineOnStandardErrorAndExitStatus2() {
    int status = run("--kafka.bootstrap-servers=b:9092", "--webhooks.port=http");

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo(
            "cart-rescue webhooks: option --webhooks.port: 'http' is not a port number (0 for any"
                + " free port)\n");
    assertThat(text(out)).isEmpty();
  }

  @Test
  void aForwardUrlThatIsNotHttpIsOneLineAndExitStatus2() {
    int status = run("--kafka.bootstrap-servers=b:9092", "--webhooks.forward-url=ftp://inbox/x");

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo(
            "cart-rescue webhooks: option --webhooks.forward-url: 'ftp://inbox/x' is not an http or"
                + " https URL with a host (and no #fragment)\n");
  }

  @Test
  void aSecretGivenAsAFlagIsRefusedWithoutBeingEchoed() {
    int status = run("--kafka.bootstrap-servers=b:9092", "--whatsapp.app-secret=s3cr3t-value");

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .startsWith("cart-rescue webhooks: option --whatsapp.app-secret is refused");
    assertThat(text(err)).doesNotContain("s3cr3t-value").hasLineCount(1);
  }

  @Test
  void helpListsTheOptionsAndStartsNothing() {
    int status = run("--help");

    assertThat(status).isZero();
    assertThat(text(out)).startsWith("usage: ./cart-rescue webhooks").contains("--webhooks.port");
    assertThat(text(err)).isEmpty();
  }

  private int run(String... args) {
    return WebhooksMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
