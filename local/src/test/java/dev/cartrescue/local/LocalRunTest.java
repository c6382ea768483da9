package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.config.JobOptions;
import dev.cartrescue.testkit.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./cart-rescue run}: the launcher, not the job, turns a configuration the job refuses into
 * its one line on stderr and exit status 2; {@code --help} lists every option.
 */
class LocalRunTest {
  @TempDir Path temp;

  @Test
  void helpListsEveryOptionWithItsDefaultAndDescriptionAndEndsWell() throws Exception {
    Output o = run("--help");
    assertThat(o.status).isZero();
    assertThat(o.err).isEmpty();
    assertThat(o.out).startsWith("usage: ./cart-rescue run").contains("  --config FILE\n");
    for (ConfigOption<?> option : JobOptions.ALL) {
      assertThat(o.out).contains("  --" + option.key());
    }
    assertThat(o.out)
        .contains("  --rule.abandon-after  (default 1 h)\n")
        .contains("  --whatsapp.phone-number-id  (required)\n")
        .contains("the WhatsApp Business phone number id that sends the messages");
    assertThat(run("--kafka.bootstrap-servers", "k:9092", "-h").out).isEqualTo(o.out);
    assertThat(o.out.lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void aBadOptionIsOneLineAndStatus2() throws Exception {
    Output o = run("--whatsapp.phone-number-id", "1");
    assertThat(o.status).isEqualTo(LocalRun.BAD_CONFIGURATION).isEqualTo(2);
    assertThat(o.errLines())
        .containsExactly("cart-rescue: option --kafka.bootstrap-servers is required");
    assertThat(o.out).isEmpty();
  }

  @Test
  void anUnknownOptionNamesTheNearestKnownOne() throws Exception {
    Output o = run("--kafka.bootstrap-servers", "k:9092", "--rule.abandon-aftr", "1h");
    assertThat(o.status).isEqualTo(2);
    assertThat(o.errLines())
        .containsExactly(
            "cart-rescue: unknown option --rule.abandon-aftr; did you mean --rule.abandon-after?");
  }

  /**
   * A missing topic is the Kafka wiring's {@link IllegalArgumentException}, not an option's
   * problem; the launcher says it the same way.
   */
  @Test
  void aMissingTopicIsOneLineAndStatus2() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "EAAB\n");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Output o =
          run(
              "--kafka.bootstrap-servers", kafka.bootstrapServers(),
              "--whatsapp.phone-number-id", "1",
              "--whatsapp.access-token-file", token.toString(),
              "--checkpoint.dir", temp.resolve("checkpoints").toUri().toString(),
              "--web-ui.port", "0");
      assertThat(o.status).isEqualTo(2);
      assertThat(o.errLines())
          .singleElement()
          .asString()
          .matches("cart-rescue: topic \\S+ does not exist");
    }
  }

  @Test
  void theLauncherTurnsAnyIllegalArgumentIntoItsLine() {
    assertThat(LocalRun.oneLine(new IllegalArgumentException("topic clickstream does not exist")))
        .isEqualTo("cart-rescue: topic clickstream does not exist");
    assertThat(LocalRun.oneLine(new IllegalArgumentException("first\nsecond")))
        .isEqualTo("cart-rescue: first");
  }

  /** The real exit status, and the access token's absence, in a JVM of its own. */
  @Test
  void theProcessExitsWithStatus2WhenThereIsNoAccessToken() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dcart-rescue.log.file=" + temp.resolve("cart-rescue.log"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(CartRescueCli.class.getName());
    command.addAll(
        List.of(
            "run", "--kafka.bootstrap-servers", "localhost:1", "--whatsapp.phone-number-id", "1"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove(CartRescueJob.TOKEN_ENVIRONMENT_VARIABLE);
    Process p = pb.start();
    p.getOutputStream().close();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr.lines().filter(l -> !l.isBlank()))
        .containsExactly(
            "cart-rescue: no WhatsApp access token: set --whatsapp.access-token-file or the"
                + " environment variable WHATSAPP_ACCESS_TOKEN");
  }

  private static Output run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        LocalRun.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Output(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Output(int status, String out, String err) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
