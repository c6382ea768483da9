package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docs/contract.md §5: a missing required option or a value that does not parse stops the job
 * before it starts, with one clear line naming the option, and exit status 2. Run as a real JVM.
 */
class StartupFailureTest {
  private static final String[] VALID = {
    "--kafka.bootstrap-servers", "localhost:1", "--whatsapp.phone-number-id", "123"
  };

  @Test
  void aMissingRequiredOptionExitsWithStatus2AndOneLine() throws Exception {
    Result r = run(null, "--whatsapp.phone-number-id", "123");
    assertThat(r.status).isEqualTo(2);
    assertThat(r.stderrLines())
        .containsExactly("cart-rescue: option --kafka.bootstrap-servers is required");
  }

  @Test
  void aValueThatDoesNotParseExitsWithStatus2AndOneLine() throws Exception {
    Result r = run("token", with("--rule.capping-period", "three days"));
    assertThat(r.status).isEqualTo(2);
    assertThat(r.stderrLines()).hasSize(1);
    assertThat(r.stderrLines().get(0))
        .startsWith("cart-rescue: option --rule.capping-period: 'three days' is not");
  }

  @Test
  void noAccessTokenExitsWithStatus2BeforeStarting() throws Exception {
    Result r = run(null, VALID);
    assertThat(r.status).isEqualTo(2);
    assertThat(r.stderrLines()).singleElement().asString().contains("WHATSAPP_ACCESS_TOKEN");
  }

  @Test
  void anUnreadableTokenFileExitsWithStatus2() throws Exception {
    Result r = run("token", with("--whatsapp.access-token-file", "/nonexistent/token"));
    assertThat(r.status).isEqualTo(2);
    assertThat(r.stderrLines())
        .containsExactly(
            "cart-rescue: option --whatsapp.access-token-file: cannot read /nonexistent/token");
  }

  private static String[] with(String... more) {
    String[] all = new String[VALID.length + more.length];
    System.arraycopy(VALID, 0, all, 0, VALID.length);
    System.arraycopy(more, 0, all, VALID.length, more.length);
    return all;
  }

  private static Result run(String tokenInEnvironment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CartRescueJob.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove(CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE);
    if (tokenInEnvironment != null) {
      pb.environment().put(CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE, tokenInEnvironment);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(ended ? p.exitValue() : -1, stderr);
  }

  private record Result(int status, String stderr) {
    List<String> stderrLines() {
      return stderr.lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
