package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void withoutFlagsItRunsUntilStoppedOnTheUsualPorts() {
    DemoOptions o = DemoOptions.parse();
    assertThat(o.duration()).isNull();
    assertThat(o.shoppersPerSecond()).isEqualTo(3);
    assertThat(o.failureRate()).isEqualTo(0.02);
    assertThat(o.webUiPort()).isEqualTo(8081);
    assertThat(o.simulatorPort()).isEqualTo(8090);
    assertThat(o.advisorPagePort()).isEqualTo(8091);
  }

  @Test
  void readsDurationsShortOrIso() {
    assertThat(DemoOptions.parse("--duration", "60s").duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(DemoOptions.parse("--duration", "2m").duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(DemoOptions.parse("--duration=PT2M").duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(DemoOptions.parse("--duration", "1h").duration()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void readsEveryFlag() {
    DemoOptions o =
        DemoOptions.parse(
            "--shoppers-per-second", "5.5",
            "--failure-rate", "0",
            "--web-ui.port", "0",
            "--simulator.port", "18090",
            "--advisor-page.port", "18091",
            "--seed", "7");
    assertThat(o.shoppersPerSecond()).isEqualTo(5.5);
    assertThat(o.failureRate()).isZero();
    assertThat(o.webUiPort()).isZero();
    assertThat(o.simulatorPort()).isEqualTo(18090);
    assertThat(o.advisorPagePort()).isEqualTo(18091);
    assertThat(o.seed()).isEqualTo(7);
  }

  @Test
  void refusesWhatItCannotReadWithOneLineNamingTheOption() {
    assertThatThrownBy(() -> DemoOptions.parse("--duration", "soon"))
        .isInstanceOf(DemoOptions.InvalidOption.class)
        .hasMessage("option --duration: 'soon' is not a positive duration (60s, 2m, PT2M)");
    assertThatThrownBy(() -> DemoOptions.parse("--duration", "0s"))
        .hasMessageStartingWith("option --duration: '0s' is not");
    assertThatThrownBy(() -> DemoOptions.parse("--failure-rate", "1.5"))
        .hasMessageStartingWith("option --failure-rate: '1.5' is not");
    assertThatThrownBy(() -> DemoOptions.parse("--shoppers-per-second", "-1"))
        .hasMessageStartingWith("option --shoppers-per-second: '-1' is not");
    assertThatThrownBy(() -> DemoOptions.parse("--web-ui.port", "70000"))
        .hasMessageStartingWith("option --web-ui.port: '70000' is not");
    assertThatThrownBy(() -> DemoOptions.parse("--seed")).hasMessage("option --seed needs a value");
    assertThatThrownBy(() -> DemoOptions.parse("fast"))
        .hasMessageStartingWith("unexpected argument 'fast'");
  }

  @Test
  void refusesTheJobsOwnOptionsBecauseTheDemoSetsThem() {
    assertThatThrownBy(() -> DemoOptions.parse("--rule.abandon-after", "PT1M"))
        .isInstanceOf(DemoOptions.InvalidOption.class)
        .hasMessageStartingWith("unknown demo option --rule.abandon-after")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aMistypedFlagNamesTheNearestOne() {
    assertThatThrownBy(() -> DemoOptions.parse("--duraton", "1m"))
        .isInstanceOf(DemoOptions.InvalidOption.class)
        .hasMessage("unknown demo option --duraton; did you mean --duration?");
  }

  @Test
  void theDefaultsAreTheDeclaredOnes() {
    DemoOptions o = DemoOptions.defaults();
    assertThat(o.shoppersPerSecond()).isEqualTo(DemoOptions.SHOPPERS_PER_SECOND.defaultValue());
    assertThat(o.failureRate()).isEqualTo(DemoOptions.FAILURE_RATE.defaultValue());
    assertThat(o.seed()).isEqualTo(42);
  }

  @Test
  void theHelpListsEveryFlagWithItsDefaultAndDescription() {
    String help = Demo.help();
    assertThat(help).startsWith("usage: ./cart-rescue demo");
    for (var option : DemoOptions.ALL) {
      assertThat(help).contains("  --" + option.key() + "  (");
    }
    assertThat(help)
        .contains("  --duration  (no default)\n")
        .contains("  --shoppers-per-second  (default 3)\n")
        .contains("  --failure-rate  (default 0.02)\n")
        .contains("  --simulator.port  (default 8090)\n")
        .contains("until Ctrl-C");
  }
}
