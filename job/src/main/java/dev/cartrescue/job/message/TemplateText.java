package dev.cartrescue.job.message;

import java.util.regex.Pattern;

/**
 * Meta rejects a template parameter with a newline or a tab, or with more than four consecutive
 * spaces (131009), and an empty one: every body parameter goes through here.
 */
final class TemplateText {
  /**
   * Any run of whitespace, Unicode spaces (no-break, ideographic...), line or paragraph separators
   * and control characters becomes one plain space.
   */
  private static final Pattern BLANKS = Pattern.compile("[\\s\\p{Z}\\p{Cc}]+");

  /** A cut goes back to the last space when one is this close, rather than split a word. */
  private static final int WORD_CUT_REACH = 20;

  private TemplateText() {}

  /**
   * One line, single spaces, at most {@code maxLength} characters: a longer text is cut at a word
   * boundary when one is near, never inside a surrogate pair, and ends with an ellipsis.
   */
  static String parameter(String text, int maxLength) {
    if (text == null) {
      return "";
    }
    String oneLine = BLANKS.matcher(text).replaceAll(" ").strip();
    if (oneLine.length() <= maxLength) {
      return oneLine;
    }
    int cut = maxLength - 1;
    int space = oneLine.lastIndexOf(' ', cut);
    if (space > 0 && cut - space <= WORD_CUT_REACH) {
      cut = space;
    } else if (Character.isHighSurrogate(oneLine.charAt(cut - 1))) {
      cut--;
    }
    return oneLine.substring(0, cut).stripTrailing() + "…";
  }
}
