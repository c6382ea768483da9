package dev.cartrescue.testkit.chatwoot;

import java.time.Instant;

/**
 * A message of a stand-in conversation, as Chatwoot keeps it: {@code messageType} 0 incoming (the
 * customer), 1 outgoing (an advisor or the API); a private outgoing message is a note the customer
 * never sees.
 *
 * @param sourceId the WhatsApp message id of an incoming message; null otherwise
 */
public record StandInMessage(
    long id,
    long conversationId,
    String content,
    int messageType,
    boolean privateNote,
    Instant createdAt,
    String sourceId) {
  public static final int INCOMING = 0;
  public static final int OUTGOING = 1;

  public boolean isNote() {
    return privateNote && messageType == OUTGOING;
  }

  /** The hand-off a cart-rescue note names on its marker line, or null (not such a note). */
  public String handoffId() {
    return isNote() ? AdvisorPage.handoffId(content) : null;
  }
}
