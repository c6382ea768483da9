package dev.cartrescue.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisorMainTest {
  private static final String[] REQUIRED = {
    "--kafka.bootstrap-servers", "b:9092",
    "--chatwoot.base-url", "https://chatwoot.example.com",
    "--chatwoot.account-id", "1",
    "--chatwoot.inbox-id", "3"
  };

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void aBadOptionIsOneLineOnStandardErrorAndExitStatus2() {
    int status = run(Map.of("CHATWOOT_API_TOKEN", "t"), with("--chatwoot.inbox-id=whatsapp"));

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo(
            "cart-rescue advisor: option --chatwoot.inbox-id: 'whatsapp' is not a Chatwoot id (a"
                + " number from 1, as in the address of its page)\n");
    assertThat(text(out)).isEmpty();
  }

  @Test
  void aMissingRequiredOptionIsNamed() {
    int status = run(Map.of("CHATWOOT_API_TOKEN", "t"), "--kafka.bootstrap-servers", "b:9092");

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo("cart-rescue advisor: option --chatwoot.base-url is required\n");
  }

  @Test
  void anAddressThatIsNotHttpIsRefused() {
    int status =
        run(Map.of("CHATWOOT_API_TOKEN", "t"), with("--chatwoot.base-url", "chatwoot.example.com"));

    assertThat(status).isEqualTo(2);
    assertThat(text(err)).startsWith("cart-rescue advisor: option --chatwoot.base-url:");
  }

  @Test
  void theTokenGivenAsAFlagIsRefusedWithWhereItIsReadFromAndNotEchoed() {
    int status = run(Map.of(), with("--chatwoot.api-token", "s3cr3t-token"));

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo(
            "cart-rescue advisor: option --chatwoot.api-token is refused: the Chatwoot access"
                + " token is read from the file named by --chatwoot.api-token-file or the"
                + " environment variable CHATWOOT_API_TOKEN, never from arguments\n");
    assertThat(text(err)).doesNotContain("s3cr3t-token");
  }

  @Test
  void withoutATokenItSaysWhereToPutOne() {
    int status = run(Map.of(), REQUIRED);

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo(
            "cart-rescue advisor: no Chatwoot access token: set --chatwoot.api-token-file or the"
                + " environment variable CHATWOOT_API_TOKEN\n");
  }

  @Test
  void aClientPropertyKafkaRefusesIsOneLine() {
    int status =
        run(
            Map.of("CHATWOOT_API_TOKEN", "t"),
            with(
                "--advisor.port",
                "0",
                "--kafka.bootstrap-servers",
                "localhost:9092",
                "--kafka.property.max.poll.records",
                "many"));

    assertThat(status).isEqualTo(2);
    assertThat(text(err))
        .startsWith("cart-rescue advisor: Kafka's clients refuse their options (ConfigException")
        .contains("max.poll.records")
        .hasLineCount(1);
  }

  @Test
  void helpListsTheOptionsAndStartsNothing() {
    int status = run(Map.of(), "--help");

    assertThat(status).isZero();
    assertThat(text(out))
        .startsWith("usage: ./cart-rescue advisor")
        .contains("--chatwoot.team-id")
        .contains("--chatwoot.api-token-file");
    assertThat(text(err)).isEmpty();
  }

  private static String[] with(String... more) {
    String[] args = new String[REQUIRED.length + more.length];
    System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
    System.arraycopy(more, 0, args, REQUIRED.length, more.length);
    return args;
  }

  private int run(Map<String, String> environment, String... args) {
    return AdvisorMain.run(
        args,
        environment,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
