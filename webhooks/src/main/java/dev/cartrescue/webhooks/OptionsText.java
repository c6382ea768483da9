package dev.cartrescue.webhooks;

import java.util.ArrayList;
import java.util.List;

/**
 * How a service's options are written for people: its {@code --help} and the options table of its
 * docs page, both from the option declarations, so that they never disagree.
 */
public final class OptionsText {
  private static final int WIDTH = 94;

  private OptionsText() {}

  /**
   * {@code intro} (the usage lines and what the service does), then {@code --config FILE} with
   * {@code configExample}, then every option with its default and description.
   */
  public static String help(
      List<String> intro, String configExample, List<? extends ServiceOption> options) {
    StringBuilder s = new StringBuilder(String.join("\n", intro)).append("\n\n");
    s.append("  --").append(ReceiverOptions.CONFIG_FLAG).append(" FILE\n");
    s.append("      a YAML file of these options, flat (")
        .append(configExample)
        .append(") or nested\n");
    for (ServiceOption option : options) {
      String dflt =
          option.required()
              ? "required"
              : option.defaultValue().map(v -> "default " + v).orElse("no default");
      s.append("  --").append(option.keyText()).append("  (").append(dflt).append(")\n");
      for (String line : wrap(option.description().replace("`", ""))) {
        s.append("      ").append(line).append('\n');
      }
    }
    return s.toString();
  }

  /** The docs' table: key, then the default and the description. */
  public static String markdownTable(List<? extends ServiceOption> options) {
    StringBuilder s = new StringBuilder("| key | default |\n|---|---|\n");
    for (ServiceOption option : options) {
      String dflt =
          option.required()
              ? "required"
              : option.defaultValue().map(v -> "`" + v + "`").orElse("none");
      s.append("| `")
          .append(option.keyText())
          .append("` | ")
          .append(dflt)
          .append("; ")
          .append(option.description())
          .append(" |\n");
    }
    return s.toString();
  }

  private static List<String> wrap(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() == 0 ? "" : " ").append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
