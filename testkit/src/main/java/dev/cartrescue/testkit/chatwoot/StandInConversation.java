package dev.cartrescue.testkit.chatwoot;

import java.time.Instant;
import java.util.List;

/**
 * A stand-in conversation as it is now (a copy): its display id, contact, inbox, status, team (0
 * for none), labels and messages in order.
 */
public record StandInConversation(
    long id,
    StandInContact contact,
    long inboxId,
    String status,
    long teamId,
    List<String> labels,
    List<StandInMessage> messages,
    Instant createdAt) {

  /** Its private notes, in order. */
  public List<StandInMessage> notes() {
    return messages.stream().filter(StandInMessage::isNote).toList();
  }

  /** The customer's messages, in order. */
  public List<StandInMessage> incoming() {
    return messages.stream().filter(m -> m.messageType() == StandInMessage.INCOMING).toList();
  }
}
