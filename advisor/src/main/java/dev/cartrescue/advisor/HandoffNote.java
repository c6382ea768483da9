package dev.cartrescue.advisor;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The private note an advisor reads first in the conversation: who, what is in the cart, in which
 * language to answer, what they answered and when; and, last, the marker line that names the
 * hand-off, by which the connector knows a note is already there.
 */
final class HandoffNote {
  /** What the marker line starts with; the hand-off's id follows. */
  static final String MARKER_PREFIX = "cart-rescue-handoff: ";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private HandoffNote() {}

  /** The note's text (Chatwoot shows it as Markdown). */
  static String content(Handoff handoff) {
    String who = handoff.firstName().map(HandoffNote::oneLine).orElse("The customer");
    StringBuilder s = new StringBuilder(512);
    s.append("**Cart rescue** · ")
        .append(who)
        .append(
            handoff.text().isPresent()
                ? " replied to the cart reminder"
                : " tapped \"Chat with an advisor\"")
        .append(".\n");
    s.append("Answer in: ").append(oneLine(handoff.language())).append('\n');
    s.append("Cart ").append(oneLine(handoff.cartId()));
    handoff.cartUrl().ifPresent(url -> s.append(": ").append(oneLine(url)));
    s.append('\n');
    if (handoff.items().isEmpty()) {
      s.append("- (no items listed)\n");
    }
    for (Handoff.Item item : handoff.items()) {
      s.append("- ")
          .append(item.quantity())
          .append(" × ")
          .append(item.name().map(HandoffNote::oneLine).orElse("(item without a name)"))
          .append('\n');
    }
    handoff
        .text()
        .ifPresent(
            text -> {
              s.append("Their message:\n");
              // Quoted line by line: no line of theirs can pass for the marker.
              for (String line : text.split("\\R", -1)) {
                s.append("> ").append(line).append('\n');
              }
            });
    s.append("They answered the cart message ")
        .append(oneLine(handoff.messageId()))
        .append(" at ")
        .append(TIME.format(handoff.tappedAt()))
        .append(".\n");
    s.append(marker(handoff.handoffId()));
    return s.toString();
  }

  /** The note's last line, naming the hand-off. */
  static String marker(String handoffId) {
    return MARKER_PREFIX + oneLine(handoffId);
  }

  /** Whether {@code content} is the note of {@code handoffId}: one of its lines is the marker. */
  static boolean marks(String content, String handoffId) {
    if (content == null) {
      return false;
    }
    String marker = marker(handoffId);
    for (String line : content.split("\\R")) {
      if (line.strip().equals(marker)) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\R", " ").strip();
  }
}
