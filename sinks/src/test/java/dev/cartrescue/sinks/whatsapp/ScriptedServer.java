package dev.cartrescue.sinks.whatsapp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server that answers every request with one scripted response and remembers the last
 * request: for answers the Cloud API simulator never gives (a proxy's HTML page, an empty 200) and
 * for checking headers.
 */
final class ScriptedServer implements AutoCloseable {

  record Request(String method, String path, Headers headers, String body) {}

  private final HttpServer server;
  private volatile int status = 200;
  private volatile String contentType = "application/json";
  private volatile String body = "{}";
  private volatile Request last;
  private final CountDownLatch received = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean holding;

  ScriptedServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            last =
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.countDown();
            if (holding) {
              awaitRelease();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
              }
            }
          }
        });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void answer(int status, String contentType, String body) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
  }

  Request lastRequest() {
    return last;
  }

  /** From now on, answers only once closed: a request sent stays in flight. */
  void holdAnswers() {
    holding = true;
  }

  /** Whether a request arrived within the time. */
  boolean awaitRequest(long timeout, TimeUnit unit) throws InterruptedException {
    return received.await(timeout, unit);
  }

  private void awaitRelease() {
    try {
      released.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    // A held answer would keep the server's dispatcher thread, which stop waits for.
    released.countDown();
    server.stop(0);
  }
}
