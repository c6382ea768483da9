package dev.cartrescue.job.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.util.TimeUtils;

/**
 * Options as people read them, generated from their declarations so that the help, the docs and the
 * code cannot disagree: the list of {@code --help}, and the options table of docs/contract.md
 * (which {@code OptionsTableTest} keeps up to date).
 *
 * <p>Descriptions may quote a value in backticks ({@code `off`}): code in the table, plain in the
 * help.
 */
public final class OptionsDocs {
  private static final int WIDTH = 100;
  private static final String INDENT = "      ";

  private OptionsDocs() {}

  /**
   * One entry per option: {@code --key (default ...)} and its description below, wrapped.
   *
   * @param required the options without a default that must be given
   */
  public static String help(List<ConfigOption<?>> options, Set<ConfigOption<?>> required) {
    StringBuilder s = new StringBuilder();
    for (ConfigOption<?> option : options) {
      String value = defaultText(option);
      String dflt =
          required.contains(option)
              ? "required"
              : value == null ? "no default" : "default " + value;
      s.append("  --").append(keyText(option)).append("  (").append(dflt).append(")\n");
      for (String line : wrap(description(option).replace("`", ""), WIDTH - INDENT.length())) {
        s.append(INDENT).append(line).append('\n');
      }
    }
    return s.toString();
  }

  /** The markdown table of docs/contract.md §5: key, then the default and what it means. */
  public static String markdownTable(List<ConfigOption<?>> options, Set<ConfigOption<?>> required) {
    StringBuilder s = new StringBuilder("| key | default |\n|---|---|\n");
    for (ConfigOption<?> option : options) {
      String value = defaultText(option);
      String dflt = required.contains(option) ? "required" : value == null ? "none" : code(value);
      s.append("| ")
          .append(code(keyText(option)))
          .append(" | ")
          .append(dflt)
          .append("; ")
          .append(description(option))
          .append(" |\n");
    }
    return s.toString();
  }

  /** The key as given: a prefix map's entries are {@code <key>.<name>}. */
  static String keyText(ConfigOption<?> option) {
    return isPrefixMap(option) ? option.key() + ".<name>" : option.key();
  }

  /**
   * The default as a user would write it ({@code 1 h}, {@code committed}, {@code 80}), or null for
   * none.
   */
  static String defaultText(ConfigOption<?> option) {
    if (!option.hasDefaultValue()) {
      return null;
    }
    Object value = option.defaultValue();
    if (value instanceof Duration d) {
      return TimeUtils.formatWithHighestUnit(d);
    } else if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    } else if (value instanceof Double d) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    } else if (value instanceof Map<?, ?> m && m.isEmpty()) {
      return null;
    }
    return String.valueOf(value);
  }

  /** The description on one line, backticks kept. */
  static String description(ConfigOption<?> option) {
    return new OneLine().format(option.description());
  }

  private static boolean isPrefixMap(ConfigOption<?> option) {
    return option.hasDefaultValue() && option.defaultValue() instanceof Map;
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
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

  /** Flink's descriptions as one line of text, code in backticks. */
  private static final class OneLine extends Formatter {
    @Override
    protected void formatLink(StringBuilder state, String link, String description) {
      state.append(description).append(" (").append(link).append(')');
    }

    @Override
    protected void formatLineBreak(StringBuilder state) {
      state.append(' ');
    }

    @Override
    protected void formatText(
        StringBuilder state,
        String format,
        String[] elements,
        EnumSet<TextElement.TextStyle> styles) {
      String text = String.format(format, (Object[]) elements);
      state.append(styles.contains(TextElement.TextStyle.CODE) ? code(text) : text);
    }

    @Override
    protected void formatList(StringBuilder state, String[] entries) {
      state.append(String.join(", ", entries));
    }

    @Override
    protected Formatter newInstance() {
      return new OneLine();
    }
  }
}
