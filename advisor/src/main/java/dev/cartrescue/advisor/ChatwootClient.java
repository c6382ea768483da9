package dev.cartrescue.advisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Chatwoot's application API for one account, over the JDK's HTTP client: {@code
 * /api/v1/accounts/{account}/...} with the {@code api_access_token} header. Each call answers the
 * JSON body, or throws a {@link ChatwootError} that says whether to retry; the token is in no
 * message.
 */
final class ChatwootClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DETAIL = 200;

  private final HttpClient http;
  private final String accountBase;
  private final String token;

  ChatwootClient(URI baseUrl, long accountId, String token) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.accountBase = baseUrl + "/api/v1/accounts/" + accountId;
    this.token = token;
  }

  /** {@code GET <account>/<path>?<query>}; {@code step} names the call in errors. */
  JsonNode get(String step, String path, Map<String, String> query) throws ChatwootError {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    // '+' must be %2B: Rails reads a bare '+' in a query as a space.
    query.forEach(
        (k, v) ->
            q.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return send(step, request(path + q).GET().build());
  }

  /** {@code POST <account>/<path>} with a JSON body. */
  JsonNode post(String step, String path, JsonNode body) throws ChatwootError {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a request body that Jackson cannot write", e);
    }
    return send(
        step,
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build());
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(accountBase + pathAndQuery))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json")
        .header("api_access_token", token);
  }

  private JsonNode send(String step, HttpRequest request) throws ChatwootError {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ChatwootError(
          ChatwootError.Kind.IO,
          0,
          step + ": no answer (" + e.getClass().getSimpleName() + ")",
          Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChatwootError(ChatwootError.Kind.IO, 0, step + ": interrupted", Optional.empty());
    }
    int status = response.statusCode();
    JsonNode body = parse(response.body());
    if (status >= 200 && status < 300) {
      if (body == null) {
        throw new ChatwootError(
            ChatwootError.Kind.SERVER,
            status,
            step + ": HTTP " + status + " with a body that is not JSON",
            Optional.empty());
      }
      return body;
    }
    throw ChatwootError.of(
        status,
        step + ": HTTP " + status + detail(body),
        response.headers().firstValue("Retry-After").flatMap(ChatwootClient::seconds));
  }

  /** The JSON of a body; {@link NullNode} for an empty one, null when it is not JSON. */
  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return NullNode.getInstance();
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node == null || node instanceof MissingNode ? NullNode.getInstance() : node;
    } catch (IOException e) {
      return null;
    }
  }

  /** Chatwoot's own words: {@code {"message": ...}} or {@code {"error": ...}}, one short line. */
  private static String detail(JsonNode body) {
    if (body == null) {
      return "";
    }
    String text = body.path("message").asText("");
    if (text.isEmpty()) {
      JsonNode error = body.path("error");
      text = error.isTextual() ? error.textValue() : error.path("message").asText("");
    }
    text = text.replaceAll("\\s+", " ").strip();
    if (text.length() > MAX_DETAIL) {
      text = text.substring(0, MAX_DETAIL) + "...";
    }
    return text.isEmpty() ? "" : " (" + text + ")";
  }

  private static Optional<Duration> seconds(String retryAfter) {
    try {
      long s = Long.parseLong(retryAfter.strip());
      return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
