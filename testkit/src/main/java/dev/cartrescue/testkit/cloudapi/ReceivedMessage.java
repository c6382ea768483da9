package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A send request that the simulator accepted (answered HTTP 200): what a phone would receive.
 *
 * @param at when the request arrived
 * @param phoneNumberId the business phone number id from the request path
 * @param endpoint the last segment of the send path: {@code messages} or {@code marketing_messages}
 * @param to the recipient as sent, E.164 with a leading '+'
 * @param messageId the {@code wamid.} id the simulator answered with
 * @param body the request body as received
 */
public record ReceivedMessage(
    Instant at, String phoneNumberId, String endpoint, String to, String messageId, JsonNode body) {

  /**
   * The payload of the template's quick reply ("Chat with an advisor"), the third component as the
   * job writes it (body, link button, quick reply); empty when there is none.
   */
  public String quickReplyPayload() {
    return body.path("template")
        .path("components")
        .path(2)
        .path("parameters")
        .path(0)
        .path("payload")
        .asText("");
  }
}
