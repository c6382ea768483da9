package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CartRescueCliTest {
  @Test
  void versionPrintsNameAndTheProjectVersion() throws Exception {
    assertThat(output("--version"))
        .isEqualTo("cart-rescue " + System.getProperty("project.version") + "\n");
  }

  @Test
  void usageMentionsVersion() throws Exception {
    assertThat(output("--help"))
        .contains("./cart-rescue --version")
        .contains("run --help and demo --help list their options");
  }

  private static String output(String... args) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      CartRescueCli.main(args);
    } finally {
      System.setOut(out);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
