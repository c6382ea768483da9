package dev.cartrescue.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.junit.jupiter.api.Test;

/** The help and the table are generated from the declarations: every option, default, meaning. */
class OptionsDocsTest {
  @Test
  void everyOptionHasADescriptionAndEveryOptionWithoutADefaultSaysWhatThenHappens() {
    for (ConfigOption<?> option : JobOptions.ALL) {
      assertThat(OptionsDocs.description(option)).as(option.key()).isNotBlank();
      assertThat(OptionsDocs.description(option).charAt(0))
          .as("%s: the table puts the description after the default", option.key())
          .isLowerCase();
    }
  }

  @Test
  void theHelpListsEveryOptionWithItsDefaultAndDescription() {
    String help = OptionsDocs.help(JobOptions.ALL, JobOptions.REQUIRED);
    for (ConfigOption<?> option : JobOptions.ALL) {
      assertThat(help).contains("--" + OptionsDocs.keyText(option) + "  (");
    }
    assertThat(help)
        .contains("  --kafka.bootstrap-servers  (required)\n")
        .contains("  --rule.abandon-after  (default 1 h)\n")
        .contains("  --kafka.starting-offsets  (default committed)\n")
        .contains("  --whatsapp.rate-limit  (default 80)\n")
        .contains("  --kafka.property.<name>  (no default)\n")
        .contains("  --checkpoint.dir  (no default)\n")
        .contains("      messages per second, for the whole job\n")
        .doesNotContain("`");
    assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void defaultsAreWrittenAsAUserWouldWriteThem() {
    assertThat(OptionsDocs.defaultText(JobOptions.CAPPING_PERIOD)).isEqualTo("3 d");
    assertThat(OptionsDocs.defaultText(JobOptions.OUT_OF_ORDERNESS)).isEqualTo("10 s");
    assertThat(OptionsDocs.defaultText(JobOptions.RETRY_FOR)).isEqualTo("15 min");
    assertThat(OptionsDocs.defaultText(JobOptions.STARTING_OFFSETS)).isEqualTo("committed");
    assertThat(OptionsDocs.defaultText(JobOptions.RATE_LIMIT)).isEqualTo("80");
    assertThat(OptionsDocs.defaultText(JobOptions.KAFKA_PROPERTIES)).isNull();
    assertThat(OptionsDocs.defaultText(JobOptions.BOOTSTRAP_SERVERS)).isNull();
    ConfigOption<Double> share =
        ConfigOptions.key("share").doubleType().defaultValue(0.02).withDescription("a share");
    assertThat(OptionsDocs.defaultText(share)).isEqualTo("0.02");
    ConfigOption<Duration> half =
        ConfigOptions.key("half").durationType().defaultValue(Duration.ofMillis(500));
    assertThat(OptionsDocs.defaultText(half)).isEqualTo("500 ms");
  }

  @Test
  void theTableHasTheContractsColumnsAndOneRowPerOption() {
    String table = OptionsDocs.markdownTable(JobOptions.ALL, JobOptions.REQUIRED);
    assertThat(table.lines().limit(2)).containsExactly("| key | default |", "|---|---|");
    assertThat(table.lines().count()).isEqualTo(2 + JobOptions.ALL.size());
    assertThat(table)
        .contains("| `kafka.bootstrap-servers` | required; the Kafka brokers")
        .contains("| `kafka.property.<name>` | none; passed to every Kafka client")
        .contains("| `rule.max-send-delay` | `6 h`; ")
        .contains("`off` disables |");
  }
}
