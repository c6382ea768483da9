package dev.cartrescue.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for a shared inbox's webhook (Chatwoot's {@code POST /webhooks/whatsapp/<phone
 * number>}): a real HTTP server on loopback that records every POST as it arrived and answers with
 * the statuses it is told, 200 once they are used up. {@link #HOLD} instead of a status keeps that
 * request unanswered until {@link #release()}.
 */
final class SharedInbox implements AutoCloseable {
  /** Not a status: the request waits for {@link #release()}, then gets 200. */
  static final int HOLD = -1;

  static final String PATH = "/webhooks/whatsapp/+15550783881";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** One POST as the inbox got it. */
  record Received(byte[] body, String signature, String contentType, String forwardedBy) {
    /** Whether the signature is the app secret's for the body, as the inbox checks it. */
    boolean verifies(String appSecret) {
      return Signature.of(appSecret, body).equals(signature);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Deque<Integer> answers = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  private SharedInbox(HttpServer server, List<Integer> answers) {
    this.server = server;
    this.answers.addAll(answers);
    server.setExecutor(threads);
    server.createContext(
        PATH,
        exchange -> {
          try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
              body = in.readAllBytes();
            }
            int status;
            synchronized (this) {
              received.add(
                  new Received(
                      body,
                      exchange.getRequestHeaders().getFirst(Signature.HEADER),
                      exchange.getRequestHeaders().getFirst("Content-Type"),
                      exchange.getRequestHeaders().getFirst(Forwarder.FORWARDED_HEADER)));
              Integer next = this.answers.poll();
              status = next == null ? 200 : next;
              notifyAll();
            }
            if (status == HOLD) {
              await(released);
              status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
          }
        });
    server.start();
  }

  /** An inbox that answers {@code answers} in turn, then 200. */
  static SharedInbox answering(Integer... answers) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      return new SharedInbox(server, List.of(answers));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI url() {
    return URI.create("http://localhost:" + server.getAddress().getPort() + PATH);
  }

  /** Every POST so far, in order of arrival. */
  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** The POSTs, once there are at least {@code count}; fails after a generous timeout. */
  synchronized List<Received> awaitReceived(int count) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (received.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("the inbox got " + received.size() + " POSTs, not " + count);
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return List.copyOf(received);
  }

  /** Answers the requests held, and those to come, with 200. */
  void release() {
    released.countDown();
  }

  /** Releases what it holds and stops: its port refuses connections from then on. */
  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
