package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.config.OptionsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/contract.md §5: a missing required option or a value that does not parse stops the job
 * before it starts, with one clear line naming the option. {@code main} runs inside the JobManager
 * for REST and operator submissions, so it throws that line and never exits: these tests run it in
 * the test's own JVM, which an exit would end. The local launcher's exit status 2 is tested in the
 * local module (LocalRunTest).
 */
class StartupFailureTest {
  private static final String[] VALID = {
    "--kafka.bootstrap-servers", "localhost:1", "--whatsapp.phone-number-id", "123"
  };

  @TempDir Path temp;

  @Test
  void aMissingRequiredOptionIsThrownAsOneLine() {
    assertThatThrownBy(() -> CartRescueJob.main(new String[] {"--whatsapp.phone-number-id", "1"}))
        .isInstanceOf(OptionsException.class)
        .hasMessage("option --kafka.bootstrap-servers is required");
  }

  @Test
  void aValueThatDoesNotParseIsThrownAsOneLine() {
    assertThatThrownBy(() -> CartRescueJob.main(with("--rule.capping-period", "three days")))
        .isInstanceOf(OptionsException.class)
        .hasMessageStartingWith("option --rule.capping-period: 'three days' is not")
        .hasMessageNotContaining("\n");
  }

  @Test
  void anUnreadableTokenFileIsThrownAsOneLine() {
    assertThatThrownBy(
            () -> CartRescueJob.main(with("--whatsapp.access-token-file", "/nonexistent/token")))
        .isInstanceOf(OptionsException.class)
        .hasMessage("option --whatsapp.access-token-file: cannot read /nonexistent/token");
  }

  @Test
  void noAccessTokenStopsTheJobBeforeItStarts() {
    CartRescueOptions options = CartRescueOptions.parse(VALID);
    assertThatThrownBy(() -> CartRescueJob.checkAccessToken(options, Map.of()))
        .isInstanceOf(OptionsException.class)
        .hasMessage(
            "no WhatsApp access token: set --whatsapp.access-token-file or the environment"
                + " variable WHATSAPP_ACCESS_TOKEN");
    assertThatThrownBy(
            () ->
                CartRescueJob.checkAccessToken(
                    options, Map.of(CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE, " ")))
        .isInstanceOf(OptionsException.class);
    assertThatCode(
            () ->
                CartRescueJob.checkAccessToken(
                    options, Map.of(CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE, "EAAB")))
        .doesNotThrowAnyException();
  }

  /**
   * Submitted through Flink's client (flink run, the REST API, application mode), main runs in a
   * context environment whose configuration is the cluster's, and reads the job's options there.
   */
  @Test
  void mainReadsTheJobsOptionsFromTheClustersConfiguration() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "EAAB\n");
    Configuration cluster =
        Configuration.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "localhost:1",
                "whatsapp.access-token-file", token.toString(),
                "rule.capping-period", "three days"));
    StreamContextEnvironment.setAsContext(
        new DefaultExecutorServiceLoader(),
        cluster,
        StartupFailureTest.class.getClassLoader(),
        true,
        true);
    try {
      assertThatThrownBy(() -> CartRescueJob.main(new String[] {"--whatsapp.phone-number-id", "1"}))
          .isInstanceOf(OptionsException.class)
          .hasMessageStartingWith("option --rule.capping-period: 'three days' is not");
    } finally {
      StreamContextEnvironment.unsetAsContext();
    }
  }

  private static String[] with(String... more) {
    String[] all = new String[VALID.length + more.length];
    System.arraycopy(VALID, 0, all, 0, VALID.length);
    System.arraycopy(more, 0, all, VALID.length, more.length);
    return all;
  }
}
