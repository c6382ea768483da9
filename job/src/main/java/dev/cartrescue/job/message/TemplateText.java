package dev.cartrescue.job.message;

/**
 * Meta rejects a template parameter with a newline or a tab, or with more than four consecutive
 * spaces: every parameter goes through here.
 */
final class TemplateText {
  private TemplateText() {}

  /** One line, single spaces, at most {@code maxLength} characters (cut with an ellipsis). */
  static String parameter(String text, int maxLength) {
    if (text == null) {
      return "";
    }
    String oneLine = text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    if (oneLine.length() <= maxLength) {
      return oneLine;
    }
    int cut = maxLength - 1;
    if (Character.isHighSurrogate(oneLine.charAt(cut - 1))) {
      cut--;
    }
    return oneLine.substring(0, cut).stripTrailing() + "…";
  }
}
