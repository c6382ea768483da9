package dev.cartrescue.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plays Meta against a receiver: real HTTP/1.1 over loopback with the JDK's client. */
final class Meta {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client;
  private final URI url;

  Meta(URI url) {
    this.url = url;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** A notification signed as Meta signs it; the status code of the answer. */
  int post(byte[] body) {
    return post(body, Notifications.signed(body));
  }

  /** A POST with {@code signature} as its X-Hub-Signature-256 (none when null). */
  int post(byte[] body, String signature) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header(Signature.HEADER, signature);
    }
    return send(request.build()).statusCode();
  }

  /** The verification GET of the App Dashboard. */
  HttpResponse<String> verify(String mode, String token, String challenge) {
    String query =
        "hub.mode="
            + encode(mode)
            + "&hub.challenge="
            + encode(challenge)
            + "&hub.verify_token="
            + encode(token);
    return send(HttpRequest.newBuilder(URI.create(url + "?" + query)).timeout(TIMEOUT).build());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(url.resolve(path)).timeout(TIMEOUT).build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
