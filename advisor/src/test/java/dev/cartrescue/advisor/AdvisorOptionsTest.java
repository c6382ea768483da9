package dev.cartrescue.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdvisorOptionsTest {
  @TempDir Path dir;

  @Test
  void readsAYamlFileAndTheTokenFromItsFileWithoutTheNewlineAndDefaultsTheRest()
      throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "file-token\n");
    Path yaml =
        Files.writeString(
            dir.resolve("advisor.yaml"),
            """
            kafka:
              bootstrap-servers: broker-1:9092
              property:
                sasl.jaas.config: secret-jaas
            chatwoot:
              base-url: https://chatwoot.example.com/
              account-id: 2
              inbox-id: 5
            """
                + "chatwoot.api-token-file: "
                + token
                + "\n");

    AdvisorOptions options =
        AdvisorOptions.parse(
            Map.of("CHATWOOT_API_TOKEN", "env-token"), "--config", yaml.toString());

    assertThat(options.apiToken()).isEqualTo("file-token");
    assertThat(options.baseUrl()).hasToString("https://chatwoot.example.com");
    assertThat(options.accountId()).isEqualTo(2);
    assertThat(options.inboxId()).isEqualTo(5);
    assertThat(options.teamId()).isEmpty();
    assertThat(options.groupId()).isEqualTo("cart-rescue-advisor");
    assertThat(options.handoffsTopic()).isEqualTo("advisor-handoffs");
    assertThat(options.deadLetterTopic()).isEqualTo("cart-recovery-dead-letter");
    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.describe())
        .contains("api-token from " + token)
        .doesNotContain("file-token")
        .doesNotContain("secret-jaas");
  }

  @Test
  void theDocsOptionsTableIsTheDeclaredOne() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "advisor.md"));

    assertThat(docs).contains(AdvisorOptions.markdownTable());
  }
}
