package dev.cartrescue.sinks.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.sinks.whatsapp.AttemptResult.Kind;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends template messages to the Cloud API, one HTTP request per {@link #send}, and classifies the
 * answer; it never retries by itself (the caller owns retries, pacing and deadlines).
 */
public final class CloudApiClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DETAIL_LENGTH = 300;

  /**
   * How long {@link #close} waits for the I/O reactor threads to end once every connection is
   * closed: they take milliseconds; only a connection still being opened can take longer.
   */
  private static final TimeValue REACTOR_SHUTDOWN = TimeValue.ofMilliseconds(500);

  private final PoolingAsyncClientConnectionManager connectionManager;
  private final CloseableHttpAsyncClient http;
  private final URI sendUri;
  private final CloudApiSettings.Endpoint endpoint;
  private final CloudApiSettings.ProductPolicy productPolicy;
  private volatile String accessToken;

  /**
   * Starts a client.
   *
   * @param accessToken sent as {@code Authorization: Bearer}; kept only in memory
   * @param maxConnections the most requests in flight at once; more wait for a connection
   */
  public CloudApiClient(CloudApiSettings settings, String accessToken, int maxConnections) {
    this.sendUri = settings.sendUri();
    this.endpoint = settings.endpoint();
    this.productPolicy = settings.productPolicy();
    this.accessToken = accessToken;
    ConnectionConfig connections =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(settings.connectTimeout()))
            .setSocketTimeout(Timeout.of(settings.responseTimeout()))
            .build();
    RequestConfig requests =
        RequestConfig.custom()
            .setResponseTimeout(Timeout.of(settings.responseTimeout()))
            .setConnectionRequestTimeout(Timeout.of(settings.responseTimeout()))
            // The token goes in every request; a 401 is an answer to classify, not a challenge.
            .setAuthenticationEnabled(false)
            .build();
    this.connectionManager =
        PoolingAsyncClientConnectionManagerBuilder.create()
            .setDefaultConnectionConfig(connections)
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(maxConnections)
            .build();
    this.http =
        HttpAsyncClients.custom()
            .setConnectionManager(connectionManager)
            .setDefaultRequestConfig(requests)
            // A POST that may have reached Meta must not be repeated behind the caller's back.
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .build();
    http.start();
  }

  /** Sends with this token from the next request on (after the operator replaced it). */
  public void accessToken(String accessToken) {
    this.accessToken = accessToken;
  }

  /**
   * Makes one send request. The future never completes exceptionally; cancelling it aborts the
   * request (which may still have reached Meta).
   */
  public CompletableFuture<AttemptResult> send(TemplateMessage message) {
    String body;
    try {
      body = TemplateRequestBody.json(message, endpoint, productPolicy);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          AttemptResult.failed(Kind.PERMANENT, null, SendResult.INVALID_REQUEST, e.getMessage()));
    }
    String token = accessToken;
    SimpleHttpRequest request =
        SimpleRequestBuilder.post(sendUri)
            .setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
            .setHeader(HttpHeaders.ACCEPT, "application/json")
            .setBody(body, ContentType.APPLICATION_JSON)
            .build();
    CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    Future<SimpleHttpResponse> exchange;
    try {
      exchange =
          http.execute(
              request,
              new FutureCallback<>() {
                @Override
                public void completed(SimpleHttpResponse response) {
                  result.complete(
                      redacted(interpret(response.getCode(), response.getBodyBytes()), token));
                }

                @Override
                public void failed(Exception failure) {
                  result.complete(redacted(interpret(failure), token));
                }

                @Override
                public void cancelled() {
                  result.cancel(false);
                }
              });
    } catch (RuntimeException closedOrShutDown) {
      return CompletableFuture.completedFuture(interpret(closedOrShutDown));
    }
    result.whenComplete(
        (answer, failure) -> {
          if (result.isCancelled()) {
            exchange.cancel(true);
          }
        });
    return result;
  }

  /** Classifies an HTTP answer; see {@link CloudApiErrors} for the codes. */
  static AttemptResult interpret(int httpStatus, byte[] body) {
    JsonNode json = parse(body);
    if (httpStatus >= 200 && httpStatus < 300) {
      String messageId = json.path("messages").path(0).path("id").asText("");
      return messageId.isEmpty()
          ? AttemptResult.answered(
              Kind.PERMANENT,
              null,
              SendResult.INVALID_RESPONSE,
              "HTTP " + httpStatus + " without messages[0].id",
              httpStatus)
          : AttemptResult.accepted(messageId);
    }
    JsonNode error = json.path("error");
    Integer code = error.path("code").canConvertToInt() ? error.path("code").intValue() : null;
    Kind kind = CloudApiErrors.classify(httpStatus, code);
    String reason =
        switch (kind) {
          case RETRYABLE -> AttemptResult.RETRYABLE_ERROR;
          case UNAUTHORIZED -> SendResult.UNAUTHORIZED;
          case PERMANENT ->
              code == null
                  ? SendResult.INVALID_RESPONSE
                  : code == CloudApiErrors.OPTED_OUT
                      ? SendResult.OPTED_OUT
                      : SendResult.PERMANENT_ERROR;
          case ACCEPTED -> throw new IllegalStateException("an error cannot be accepted");
        };
    String detail = "HTTP " + httpStatus;
    if (!error.isMissingNode()) {
      detail +=
          ": "
              + error.path("message").asText("")
              + " "
              + error.path("error_data").path("details").asText("")
              + " fbtrace_id="
              + error.path("fbtrace_id").asText("");
    }
    return AttemptResult.answered(kind, code, reason, shorten(detail), httpStatus);
  }

  /** A request that got no answer: always worth another try. */
  static AttemptResult interpret(Exception failure) {
    String reason =
        failure instanceof SocketTimeoutException
            ? SendResult.TIMEOUT
            : AttemptResult.CONNECTION_ERROR;
    String detail = failure.getClass().getSimpleName();
    if (failure.getMessage() != null) {
      detail += ": " + failure.getMessage();
    }
    return AttemptResult.failed(Kind.RETRYABLE, null, reason, shorten(detail));
  }

  /**
   * Meta's messages do not quote the token as far as we know, but a detail goes to the logs, so a
   * token that turns up in one is masked all the same.
   */
  private static AttemptResult redacted(AttemptResult result, String token) {
    String detail = result.detail();
    if (detail == null || token.isEmpty() || !detail.contains(token)) {
      return result;
    }
    return new AttemptResult(
        result.kind(),
        result.messageId(),
        result.errorCode(),
        result.reason(),
        detail.replace(token, "[access token]"),
        result.httpStatus());
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return JSON.missingNode();
    }
    try {
      JsonNode json = JSON.readTree(body);
      return json == null ? JSON.missingNode() : json;
    } catch (IOException notJson) {
      return JSON.missingNode();
    }
  }

  private static String shorten(String detail) {
    String oneLine = detail.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_DETAIL_LENGTH
        ? oneLine
        : oneLine.substring(0, MAX_DETAIL_LENGTH) + "...";
  }

  /**
   * Aborts the requests in flight (they complete as connection errors; the caller replays them) and
   * stops the client, waiting at most {@link #REACTOR_SHUTDOWN}.
   *
   * <p>Not just {@code http.close(CloseMode.IMMEDIATE)}: that closes each I/O reactor's selector
   * from this thread while the reactor's own thread is still running, and httpcore5 5.4 then fails
   * in that thread's clean-up ({@code SingleCoreIOReactor.closeOpenChannels} reads the closed
   * selector's keys): a {@code ClosedSelectorException} logged at ERROR, and the sessions' close
   * callbacks skipped, so requests in flight never complete. Instead the reactors are asked to shut
   * down, every connection is closed at once (which wakes them), and each reactor thread, finding
   * nothing left, ends by itself; the final close then has nothing left to tear down under them.
   */
  @Override
  public void close() {
    http.initiateShutdown();
    connectionManager.close(CloseMode.IMMEDIATE);
    try {
      http.awaitShutdown(REACTOR_SHUTDOWN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      http.close(CloseMode.IMMEDIATE);
    }
  }
}
