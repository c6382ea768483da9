package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.deploy.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The options tables of the docs are {@link OptionsDocs#markdownTable} of {@link JobOptions},
 * between the marker comments {@link #BEGIN} and {@link #END}. This test fails when a table
 * differs, and writes the tables itself when run with {@code -D}{@value #REGENERATE}{@code =true}:
 * {@value #COMMAND}.
 */
class OptionsTableTest {
  static final String BEGIN =
      "<!-- options table: generated from JobOptions by OptionsTableTest, do not edit -->";
  static final String END = "<!-- end of options table -->";
  static final String REGENERATE = "cart-rescue.regenerate-docs";
  static final String COMMAND =
      "mvn -B -ntp -q -pl job -am test -Dtest=OptionsTableTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -D"
          + REGENERATE
          + "=true";

  /** The files that may hold the table; the contract must. */
  private static final List<String> FILES = List.of("docs/contract.md", "README.md");

  @Test
  void theContractHasTheTable() throws IOException {
    assertThat(Files.readString(Repository.root().resolve("docs/contract.md")))
        .contains(BEGIN, END);
  }

  @Test
  void everyOptionsTableIsWhatTheDeclarationsGenerate() throws IOException {
    String table = OptionsDocs.markdownTable(JobOptions.ALL, JobOptions.REQUIRED);
    for (String name : FILES) {
      Path file = Repository.root().resolve(name);
      String text = Files.readString(file);
      if (!text.contains(BEGIN)) {
        continue;
      }
      String generated = withTable(text, table);
      if (Boolean.getBoolean(REGENERATE)) {
        Files.writeString(file, generated);
      } else {
        assertThat(text)
            .as(
                "%s's options table is not what JobOptions declares; regenerate it with: %s",
                name, COMMAND)
            .isEqualTo(generated);
      }
    }
  }

  @Test
  void theTableGoesBetweenTheMarkersAndNowhereElse() {
    String text = "# Options\n\nbefore\n" + BEGIN + "\nold | table\n" + END + "\nafter\n";
    assertThat(withTable(text, "| key | default |\n"))
        .isEqualTo("# Options\n\nbefore\n" + BEGIN + "\n| key | default |\n" + END + "\nafter\n");
  }

  /** {@code text} with what lies between the markers replaced by {@code table}. */
  static String withTable(String text, String table) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END, begin);
    if (begin < 0 || end < 0) {
      throw new AssertionError("expected " + BEGIN + " and then " + END);
    }
    return text.substring(0, begin + BEGIN.length()) + "\n" + table + text.substring(end);
  }
}
