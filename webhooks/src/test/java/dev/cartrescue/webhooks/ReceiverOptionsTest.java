package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiverOptionsTest {
  private static final Map<String, String> SECRETS_IN_ENVIRONMENT =
      Map.of("WHATSAPP_APP_SECRET", "env-app-secret", "WHATSAPP_VERIFY_TOKEN", "env-verify-token");

  @TempDir Path dir;

  @Test
  void takesFlagsAsKeyValueOrKeyEqualsValueAndDefaultsTheRest() {
    ReceiverOptions options =
        ReceiverOptions.parse(
            SECRETS_IN_ENVIRONMENT,
            "--kafka.bootstrap-servers",
            "broker-1:9092",
            "--webhooks.port=9000");

    assertThat(options.bootstrapServers()).isEqualTo("broker-1:9092");
    assertThat(options.port()).isEqualTo(9000);
    assertThat(options.topic())
        .isEqualTo(ReceiverOptions.DEFAULT_TOPIC)
        .isEqualTo("whatsapp-webhooks");
    assertThat(options.kafkaProperties()).isEmpty();
    assertThat(new String(options.appSecret(), StandardCharsets.UTF_8)).isEqualTo("env-app-secret");
    assertThat(options.verifyToken()).isEqualTo("env-verify-token");
  }

  @Test
  void readsTheSameKeysFromAFlatOrNestedYamlFileAndFlagsWinOverIt() throws IOException {
    Path flat =
        write(
            "flat.yaml",
            """
        kafka.bootstrap-servers: broker-1:9092
        kafka.property.security.protocol: SASL_SSL
        webhooks.port: 9000
        topic.webhooks: meta-notifications
        """);
    Path nested =
        write(
            "nested.yaml",
            """
        kafka:
          bootstrap-servers: broker-1:9092
          property:
            security.protocol: SASL_SSL
        webhooks:
          port: 9000
        topic:
          webhooks: meta-notifications
        """);

    for (Path file : new Path[] {flat, nested}) {
      ReceiverOptions options =
          ReceiverOptions.parse(
              SECRETS_IN_ENVIRONMENT, "--config", file.toString(), "--webhooks.port", "9001");
      assertThat(options.bootstrapServers()).as(file.toString()).isEqualTo("broker-1:9092");
      assertThat(options.kafkaProperties())
          .containsExactly(Map.entry("security.protocol", "SASL_SSL"));
      assertThat(options.topic()).isEqualTo("meta-notifications");
      assertThat(options.port()).as("the flag wins").isEqualTo(9001);
    }
  }

  @Test
  void readsTheSecretsFromTheirFilesWithoutTheTrailingNewlineBeforeTheEnvironment()
      throws IOException {
    Path secret = write("app-secret", "file-app-secret\n");
    Path token = write("verify-token", "file-verify-token\n");

    ReceiverOptions options =
        ReceiverOptions.parse(
            SECRETS_IN_ENVIRONMENT,
            "--kafka.bootstrap-servers=b:9092",
            "--whatsapp.app-secret-file=" + secret,
            "--whatsapp.verify-token-file=" + token);

    assertThat(new String(options.appSecret(), StandardCharsets.UTF_8))
        .isEqualTo("file-app-secret");
    assertThat(options.verifyToken()).isEqualTo("file-verify-token");
    assertThat(options.describe())
        .contains("app-secret from " + secret)
        .doesNotContain("file-app-secret")
        .doesNotContain("file-verify-token");
  }

  @Test
  void masksSecretLookingProducerPropertiesAndNeverShowsTheSecrets() {
    ReceiverOptions options =
        ReceiverOptions.parse(
            SECRETS_IN_ENVIRONMENT,
            "--kafka.bootstrap-servers=b:9092",
            "--kafka.property.sasl.jaas.config=PlainLoginModule required username=\"u\" password=\"p4ss\";",
            "--kafka.property.ssl.truststore.password=trust-me",
            "--kafka.property.security.protocol=SASL_SSL");

    assertThat(options.describe())
        .contains("kafka.property.sasl.jaas.config=****")
        .contains("kafka.property.ssl.truststore.password=****")
        .contains("kafka.property.security.protocol=SASL_SSL")
        .contains("app-secret from $WHATSAPP_APP_SECRET")
        .doesNotContain("p4ss")
        .doesNotContain("trust-me")
        .doesNotContain("env-app-secret")
        .doesNotContain("env-verify-token");
    assertThat(options.toString()).doesNotContain("p4ss").doesNotContain("env-app-secret");
  }

  @Test
  void refusesAnUnknownKeyInOneLineWithTheKeyItWasMeantToBe() {
    assertOneLine(
        "unknown option --webhooks.prot; did you mean --webhooks.port?",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.prot=1");
    assertOneLine("unknown option --flavour", "--kafka.bootstrap-servers=b:9092", "--flavour=x");
  }

  @Test
  void refusesAnUnknownKeyInTheConfigFileToo() throws IOException {
    Path file = write("typo.yaml", "kafka.bootstrap-server: b:9092\n");

    assertOneLine(
        "unknown option --kafka.bootstrap-server; did you mean --kafka.bootstrap-servers?",
        "--config",
        file.toString());
  }

  @Test
  void refusesTheSecretsAsOptionsAndSaysWhereTheyAreReadFrom() {
    assertOneLine(
        "option --whatsapp.app-secret is refused: the app secret is read from the file named by"
            + " --whatsapp.app-secret-file or the environment variable WHATSAPP_APP_SECRET, never"
            + " from arguments",
        "--kafka.bootstrap-servers=b:9092",
        "--whatsapp.app-secret=s3cr3t");
    assertOneLine(
        "option --whatsapp.verify-token is refused: the verify token is read from the file named"
            + " by --whatsapp.verify-token-file or the environment variable WHATSAPP_VERIFY_TOKEN,"
            + " never from arguments",
        "--kafka.bootstrap-servers=b:9092",
        "--whatsapp.verify-token",
        "t0k3n");
  }

  @Test
  void needsTheBrokersAndBothSecrets() {
    assertOneLine("option --kafka.bootstrap-servers is required");
    assertThatThrownBy(() -> ReceiverOptions.parse(Map.of(), "--kafka.bootstrap-servers=b:9092"))
        .hasMessage(
            "no WhatsApp app secret: set --whatsapp.app-secret-file or the environment variable"
                + " WHATSAPP_APP_SECRET");
    assertThatThrownBy(
            () ->
                ReceiverOptions.parse(
                    Map.of("WHATSAPP_APP_SECRET", "s"), "--kafka.bootstrap-servers=b:9092"))
        .hasMessage(
            "no WhatsApp verify token: set --whatsapp.verify-token-file or the environment"
                + " variable WHATSAPP_VERIFY_TOKEN");
  }

  @Test
  void refusesASecretFileThatCannotBeReadOrIsEmpty() throws IOException {
    Path empty = write("empty", "\n");
    assertOneLine(
        "option --whatsapp.app-secret-file: cannot read " + dir.resolve("missing"),
        "--kafka.bootstrap-servers=b:9092",
        "--whatsapp.app-secret-file=" + dir.resolve("missing"));
    assertOneLine(
        "option --whatsapp.verify-token-file: " + empty + " is empty",
        "--kafka.bootstrap-servers=b:9092",
        "--whatsapp.verify-token-file=" + empty);
  }

  @Test
  void refusesAPortThatIsNotOne() {
    assertOneLine(
        "option --webhooks.port: 'http' is not a port number (0 for any free port)",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.port=http");
    assertOneLine(
        "option --webhooks.port: '70000' is not a port number (0 for any free port)",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.port=70000");
  }

  @Test
  void refusesArgumentsThatAreNotOptions() {
    assertOneLine("unexpected argument 'serve': options are --key value", "serve");
    assertOneLine("option --webhooks.port needs a value", "--webhooks.port");
  }

  @Test
  void refusesAConfigFileThatCannotBeRead() {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(
            () -> ReceiverOptions.parse(SECRETS_IN_ENVIRONMENT, "--config", missing.toString()))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith("option --config: cannot read " + missing)
        .hasMessageNotContaining("\n");
  }

  @Test
  void takesAForwardUrlFromAFlagTheConfigFileOrCodeAndForwardsNothingWithoutOne()
      throws IOException {
    Path nested =
        write(
            "forward.yaml",
            """
        kafka.bootstrap-servers: b:9092
        webhooks:
          forward-url: https://chat.example.com/webhooks/whatsapp/+15550783881
        """);
    URI inbox = URI.create("https://chat.example.com/webhooks/whatsapp/+15550783881");

    assertThat(
            ReceiverOptions.parse(SECRETS_IN_ENVIRONMENT, "--kafka.bootstrap-servers=b:9092")
                .forwardUrl())
        .isEmpty();
    assertThat(
            ReceiverOptions.parse(
                    SECRETS_IN_ENVIRONMENT,
                    "--kafka.bootstrap-servers=b:9092",
                    "--webhooks.forward-url=" + inbox)
                .forwardUrl())
        .hasValue(inbox);
    assertThat(
            ReceiverOptions.parse(SECRETS_IN_ENVIRONMENT, "--config", nested.toString())
                .forwardUrl())
        .hasValue(inbox);
    ReceiverOptions inCode =
        ReceiverOptions.of(Map.of("kafka.bootstrap-servers", "b:9092"), "s", "t")
            .withForwardUrl(URI.create("http://localhost:3000/webhooks/whatsapp/+1555?token=t0k"));
    assertThat(inCode.forwardUrl())
        .hasValueSatisfying(url -> assertThat(url.getPort()).isEqualTo(3000));
    assertThat(inCode.describe())
        .contains("webhooks.forward-url=http://localhost:3000/webhooks/whatsapp/+1555?****")
        .doesNotContain("t0k");
  }

  @Test
  void refusesAForwardUrlThatIsNotAnHttpOrHttpsUrlWithAHost() {
    assertOneLine(
        "option --webhooks.forward-url: 'ftp://chat.example.com/x' is not an http or https URL"
            + " with a host (and no #fragment)",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.forward-url=ftp://chat.example.com/x");
    assertOneLine(
        "option --webhooks.forward-url: 'chat.example.com/webhooks/whatsapp' is not an http or"
            + " https URL with a host (and no #fragment)",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.forward-url=chat.example.com/webhooks/whatsapp");
    assertOneLine(
        "option --webhooks.forward-url: 'https://chat example.com/' is not a URL: Illegal"
            + " character in authority",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.forward-url=https://chat example.com/");
    assertOneLine(
        "option --webhooks.forward-url: a URL with credentials (user:password@) is refused",
        "--kafka.bootstrap-servers=b:9092",
        "--webhooks.forward-url=https://admin:pw@chat.example.com/");
    ReceiverOptions options =
        ReceiverOptions.of(Map.of("kafka.bootstrap-servers", "b:9092"), "s", "t");
    assertThatThrownBy(() -> options.withForwardUrl(URI.create("mailto:ops@example.com")))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith("option --webhooks.forward-url: 'mailto:ops@example.com' is not");
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    String help = ReceiverOptions.help();

    for (ReceiverOption option : ReceiverOption.all()) {
      assertThat(help).contains("--" + option.keyText());
    }
    assertThat(help)
        .contains("--kafka.bootstrap-servers  (required)")
        .contains("--webhooks.port  (default 8080)")
        .contains("--topic.webhooks  (default whatsapp-webhooks)")
        .contains("--whatsapp.app-secret-file  (no default)")
        .contains("--webhooks.forward-url  (no default)")
        .contains("WHATSAPP_APP_SECRET")
        .contains("--config FILE");
  }

  @Test
  void theDocsTableIsGeneratedFromTheDeclarations() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "webhooks.md"));

    assertThat(docs).contains(ReceiverOptions.markdownTable());
  }

  @Test
  void optionsGivenInCodeAreCheckedLikeFlags() {
    assertThatThrownBy(() -> ReceiverOptions.of(Map.of("webhooks.prot", "1"), "s", "t"))
        .hasMessage("unknown option --webhooks.prot; did you mean --webhooks.port?");
    assertThatThrownBy(() -> ReceiverOptions.of(Map.of(), "s", "t"))
        .hasMessage("option --kafka.bootstrap-servers is required");
    assertThat(ReceiverOptions.of(Map.of("kafka.bootstrap-servers", "b:9092"), "s", "t").port())
        .isEqualTo(8080);
  }

  private void assertOneLine(String message, String... args) {
    assertThatThrownBy(() -> ReceiverOptions.parse(SECRETS_IN_ENVIRONMENT, args))
        .isInstanceOf(OptionsException.class)
        .hasMessage(message);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
