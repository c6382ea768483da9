package dev.cartrescue.advisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.sinks.whatsapp.PhoneMask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hand-off made into a Chatwoot conversation, step by step; every step looks before it writes,
 * so that running it again after any failure ends in the same conversation with one note:
 *
 * <ol>
 *   <li>the contact: found by phone number ({@code GET contacts/search}), else created in the inbox
 *       ({@code POST contacts}: name, phone number, identifier = the contact's id);
 *   <li>its contact inbox in the configured inbox (the {@code source_id} Chatwoot's WhatsApp inbox
 *       uses, the number's digits), added when the contact has none ({@code POST
 *       contacts/{id}/contact_inboxes});
 *   <li>the note already there? The contact's conversations in the inbox active since shortly
 *       before the tap are read, message by message, for the note's marker;
 *   <li>else the conversation: the newest one not resolved in the inbox (as Chatwoot's WhatsApp
 *       inbox picks it for the customer's own messages, so that they meet), else a new open one;
 *       and the note, private ({@code POST conversations/{id}/messages}, {@code private: true});
 *   <li>the label {@value #LABEL}, added to the labels the conversation has (the POST replaces
 *       them), and the team, when one is configured and the conversation has another.
 * </ol>
 */
final class ChatwootHandoff {
  /** The label every hand-off's conversation gets. */
  static final String LABEL = "cart-rescue";

  /** Chatwoot's page of contact search results. */
  static final int SEARCH_PAGE = 15;

  /** How far back the marker is looked for: a clock between Meta's and Chatwoot's may be off. */
  static final Duration ACTIVITY_MARGIN = Duration.ofHours(1);

  /** At most this many pages of a conversation's messages are read for the marker. */
  static final int MAX_MESSAGE_PAGES = 50;

  private static final int MAX_SEARCH_PAGES = 10;
  private static final int MESSAGE_TYPE_OUTGOING = 1;
  private static final Logger LOG = LoggerFactory.getLogger(ChatwootHandoff.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What became of a hand-off in Chatwoot. */
  record Outcome(boolean alreadyNoted, long contactId, long conversationId) {}

  private final ChatwootClient chatwoot;
  private final long inboxId;
  private final OptionalLong teamId;

  ChatwootHandoff(ChatwootClient chatwoot, long inboxId, OptionalLong teamId) {
    this.chatwoot = chatwoot;
    this.inboxId = inboxId;
    this.teamId = teamId;
  }

  Outcome deliver(Handoff handoff) throws ChatwootError {
    JsonNode contact = contact(handoff);
    long contactId = contact.path("id").asLong();
    String sourceId = sourceId(contact, handoff.phone());
    List<JsonNode> conversations = conversationsInInbox(contactId);
    Optional<JsonNode> noted = notedIn(conversations, handoff);
    JsonNode conversation;
    if (noted.isPresent()) {
      conversation = noted.get();
    } else {
      conversation =
          conversations.stream()
              .filter(c -> !"resolved".equals(c.path("status").asText()))
              .findFirst()
              .orElse(null);
      if (conversation == null) {
        conversation = createConversation(contactId, sourceId);
      }
      note(conversation.path("id").asLong(), handoff);
    }
    long conversationId = conversation.path("id").asLong();
    label(conversationId);
    team(conversation);
    return new Outcome(noted.isPresent(), contactId, conversationId);
  }

  // --- the contact ----------------------------------------------------------------------------

  private JsonNode contact(Handoff handoff) throws ChatwootError {
    Optional<JsonNode> found = findByPhone(handoff.phone());
    if (found.isPresent()) {
      return found.get();
    }
    try {
      return createContact(handoff, true);
    } catch (ChatwootError e) {
      if (e.status() != 422) {
        throw e;
      }
      // Created meanwhile (Chatwoot's own WhatsApp inbox creates the contact of a message it
      // receives), or the identifier is another contact's already (a customer with a new number).
      found = findByPhone(handoff.phone());
      if (found.isPresent()) {
        return found.get();
      }
      if (!e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("identifier")) {
        throw e;
      }
      LOG.info(
          "Chatwoot has another contact with identifier {}: creating {} without one",
          handoff.contactId(),
          PhoneMask.mask(handoff.phone()));
      return createContact(handoff, false);
    }
  }

  /** The contact whose phone number is {@code phone} exactly (the search matches parts too). */
  private Optional<JsonNode> findByPhone(String phone) throws ChatwootError {
    for (int page = 1; page <= MAX_SEARCH_PAGES; page++) {
      JsonNode found =
          chatwoot.get(
              "search the contact",
              "/contacts/search",
              Map.of("q", phone, "page", String.valueOf(page)));
      JsonNode payload = found.path("payload");
      for (JsonNode contact : payload) {
        if (phone.equals(contact.path("phone_number").asText())) {
          return Optional.of(contact);
        }
      }
      if (payload.size() < SEARCH_PAGE) {
        break;
      }
    }
    return Optional.empty();
  }

  private JsonNode createContact(Handoff handoff, boolean withIdentifier) throws ChatwootError {
    ObjectNode body = NODES.objectNode();
    body.put("inbox_id", inboxId);
    body.put("name", handoff.firstName().orElse(handoff.phone()));
    body.put("phone_number", handoff.phone());
    if (withIdentifier) {
      body.put("identifier", handoff.contactId());
    }
    JsonNode created = chatwoot.post("create the contact", "/contacts", body);
    JsonNode contact = created.path("payload").path("contact");
    if (!contact.path("id").canConvertToLong()) {
      throw new ChatwootError(
          ChatwootError.Kind.SERVER,
          200,
          "create the contact: an answer without payload.contact.id",
          Optional.empty());
    }
    String sourceId = created.path("payload").path("contact_inbox").path("source_id").asText("");
    if (!sourceId.isEmpty() && !(contact.path("contact_inboxes").size() > 0)) {
      // The contact inbox is beside the contact in the answer: keep them together.
      ObjectNode copy = contact.deepCopy();
      ObjectNode inbox = copy.putArray("contact_inboxes").addObject();
      inbox.put("source_id", sourceId);
      inbox.putObject("inbox").put("id", inboxId);
      return copy;
    }
    return contact;
  }

  /** The contact's {@code source_id} in the inbox; a contact inbox is added when it has none. */
  private String sourceId(JsonNode contact, String phone) throws ChatwootError {
    for (JsonNode contactInbox : contact.path("contact_inboxes")) {
      if (contactInbox.path("inbox").path("id").asLong() == inboxId
          && !contactInbox.path("source_id").asText("").isEmpty()) {
        return contactInbox.path("source_id").asText();
      }
    }
    ObjectNode body = NODES.objectNode();
    body.put("inbox_id", inboxId);
    // What Chatwoot's WhatsApp inbox knows the customer by: the number's digits, without '+'.
    body.put("source_id", phone.startsWith("+") ? phone.substring(1) : phone);
    JsonNode created =
        chatwoot.post(
            "add the contact to the inbox",
            "/contacts/" + contact.path("id").asLong() + "/contact_inboxes",
            body);
    return created.path("source_id").asText(body.get("source_id").asText());
  }

  // --- the conversation and the note ----------------------------------------------------------

  /** The contact's conversations in the inbox, newest first. */
  private List<JsonNode> conversationsInInbox(long contactId) throws ChatwootError {
    JsonNode all =
        chatwoot.get(
            "list the contact's conversations",
            "/contacts/" + contactId + "/conversations",
            Map.of());
    List<JsonNode> inInbox = new ArrayList<>();
    for (JsonNode conversation : all.path("payload")) {
      if (conversation.path("inbox_id").asLong() == inboxId) {
        inInbox.add(conversation);
      }
    }
    inInbox.sort((a, b) -> Long.compare(b.path("id").asLong(), a.path("id").asLong()));
    return inInbox;
  }

  /**
   * The conversation that holds the hand-off's note already. Only conversations active since
   * shortly before the tap can: the note was posted after it.
   */
  private Optional<JsonNode> notedIn(List<JsonNode> conversations, Handoff handoff)
      throws ChatwootError {
    long since = handoff.tappedAt().minus(ACTIVITY_MARGIN).getEpochSecond();
    for (JsonNode conversation : conversations) {
      long lastActivity =
          conversation.path("last_activity_at").asLong(conversation.path("timestamp").asLong());
      if (lastActivity != 0 && lastActivity < since) {
        continue;
      }
      if (hasMarker(conversation.path("id").asLong(), handoff.handoffId())) {
        return Optional.of(conversation);
      }
    }
    return Optional.empty();
  }

  /** Reads the conversation's messages, newest page first, for a private note with the marker. */
  private boolean hasMarker(long conversationId, String handoffId) throws ChatwootError {
    String path = "/conversations/" + conversationId + "/messages";
    Map<String, String> query = Map.of();
    for (int page = 0; page < MAX_MESSAGE_PAGES; page++) {
      JsonNode messages = chatwoot.get("read the conversation's messages", path, query);
      long oldest = Long.MAX_VALUE;
      for (JsonNode message : messages.path("payload")) {
        oldest = Math.min(oldest, message.path("id").asLong(Long.MAX_VALUE));
        if (message.path("private").asBoolean(false)
            && message.path("message_type").asInt(-1) == MESSAGE_TYPE_OUTGOING
            && HandoffNote.marks(message.path("content").asText(null), handoffId)) {
          return true;
        }
      }
      if (oldest == Long.MAX_VALUE) {
        return false;
      }
      query = Map.of("before", String.valueOf(oldest));
    }
    LOG.warn(
        "Conversation {} has over {} pages of messages: the marker was looked for in the newest",
        conversationId,
        MAX_MESSAGE_PAGES);
    return false;
  }

  private JsonNode createConversation(long contactId, String sourceId) throws ChatwootError {
    ObjectNode body = NODES.objectNode();
    body.put("source_id", sourceId);
    body.put("inbox_id", inboxId);
    body.put("contact_id", contactId);
    body.put("status", "open");
    JsonNode conversation = chatwoot.post("create the conversation", "/conversations", body);
    if (!conversation.path("id").canConvertToLong()) {
      throw new ChatwootError(
          ChatwootError.Kind.SERVER,
          200,
          "create the conversation: an answer without an id",
          Optional.empty());
    }
    return conversation;
  }

  private void note(long conversationId, Handoff handoff) throws ChatwootError {
    ObjectNode body = NODES.objectNode();
    body.put("content", HandoffNote.content(handoff));
    body.put("message_type", "outgoing");
    // Never false: a message that is not private is sent to the customer on WhatsApp.
    body.put("private", true);
    JsonNode message =
        chatwoot.post("post the note", "/conversations/" + conversationId + "/messages", body);
    if (!message.path("private").asBoolean(false)) {
      LOG.error(
          "Chatwoot answered the note of hand-off {} in conversation {} as not private",
          handoff.handoffId(),
          conversationId);
    }
  }

  // --- label and team -------------------------------------------------------------------------

  private void label(long conversationId) throws ChatwootError {
    String path = "/conversations/" + conversationId + "/labels";
    JsonNode current = chatwoot.get("read the labels", path, Map.of()).path("payload");
    List<String> labels = new ArrayList<>();
    current.forEach(l -> labels.add(l.asText()));
    if (labels.contains(LABEL)) {
      return;
    }
    labels.add(LABEL);
    ObjectNode body = NODES.objectNode();
    ArrayNode list = body.putArray("labels");
    labels.forEach(list::add);
    JsonNode answer = chatwoot.post("add the label", path, body).path("payload");
    boolean kept = false;
    for (JsonNode l : answer) {
      kept |= LABEL.equals(l.asText());
    }
    if (!kept) {
      LOG.warn(
          "Chatwoot did not keep the label {} on conversation {}: create it in the account"
              + " (Settings, Labels)",
          LABEL,
          conversationId);
    }
  }

  private void team(JsonNode conversation) throws ChatwootError {
    if (teamId.isEmpty()) {
      return;
    }
    long team = teamId.getAsLong();
    if (conversation.path("meta").path("team").path("id").asLong() == team) {
      return;
    }
    long conversationId = conversation.path("id").asLong();
    ObjectNode body = NODES.objectNode().put("team_id", team);
    JsonNode answer =
        chatwoot.post("assign the team", "/conversations/" + conversationId + "/assignments", body);
    if (answer.path("id").asLong() != team) {
      LOG.warn(
          "Chatwoot has no team {} in the account: conversation {} has no team (check {})",
          team,
          conversationId,
          AdvisorOption.TEAM_ID.key());
    }
  }
}
