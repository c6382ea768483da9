package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One POST the simulator got, accepted or not.
 *
 * @param at when the request arrived (before any simulated latency)
 * @param path the request path, e.g. {@code /v23.0/1234/messages}
 * @param endpoint the send endpoint the path names ({@code messages} or {@code
 *     marketing_messages}), or null when the path is not a send path
 * @param status the HTTP status it was answered with, or 0 when it was left without an answer
 * @param body the request body, or null when it was not JSON
 * @param errorCode the Cloud API error code of the answer, or null when it was accepted or the
 *     answer carried none
 */
public record ReceivedRequest(
    Instant at, String path, String endpoint, int status, JsonNode body, Integer errorCode) {

  /** A request whose endpoint is the one its path names. */
  public ReceivedRequest(Instant at, String path, int status, JsonNode body, Integer errorCode) {
    this(at, path, CloudApiSimulator.endpointOf(path), status, body, errorCode);
  }
}
