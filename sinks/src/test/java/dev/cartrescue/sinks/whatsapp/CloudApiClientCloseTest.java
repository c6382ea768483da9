package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.sinks.whatsapp.AttemptResult.Kind;
import dev.cartrescue.testkit.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Closing the client (as Flink does when the job ends or is cancelled) is quiet: its I/O reactor
 * threads end without logging an error, and a request in flight does not hold the close up.
 */
class CloudApiClientCloseTest {

  private static final String TOKEN = "EAAG-test-token";

  @RepeatedTest(3)
  void closesWithoutAnErrorAfterASend() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        LogCapture logs = LogCapture.of("", Level.WARN)) {
      server.answer(200, "application/json", "{\"messages\":[{\"id\":\"wamid.X\"}]}");
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      CloudApiClient client = client(server.baseUrl(), Duration.ofSeconds(5));

      assertThat(client.send(CloudApiClientTest.message()).get(10, TimeUnit.SECONDS))
          .isEqualTo(AttemptResult.accepted("wamid.X"));
      client.close();
      awaitEnd(reactorThreadsSince(before));

      assertThat(logs.linesAt(Level.ERROR)).isEmpty();
    }
  }

  @RepeatedTest(3)
  void closesQuicklyAndWithoutAnErrorWithARequestInFlight() throws Exception {
    try (ScriptedServer server = new ScriptedServer();
        LogCapture logs = LogCapture.of("", Level.WARN)) {
      server.holdAnswers();
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      // Far longer than the close may take: only the close can end the request.
      CloudApiClient client = client(server.baseUrl(), Duration.ofSeconds(30));

      CompletableFuture<AttemptResult> inFlight = client.send(CloudApiClientTest.message());
      assertThat(server.awaitRequest(10, TimeUnit.SECONDS)).as("the request arrived").isTrue();
      long start = System.nanoTime();
      client.close();
      Duration closing = Duration.ofNanos(System.nanoTime() - start);
      awaitEnd(reactorThreadsSince(before));

      assertThat(closing).isLessThan(Duration.ofSeconds(1));
      AttemptResult result = inFlight.get(5, TimeUnit.SECONDS);
      assertThat(result.kind()).isEqualTo(Kind.RETRYABLE);
      assertThat(result.reason()).isEqualTo(AttemptResult.CONNECTION_ERROR);
      assertThat(logs.linesAt(Level.ERROR)).isEmpty();
    }
  }

  /** The HTTP client's I/O reactor threads started since, whose errors come after a close. */
  private static List<Thread> reactorThreadsSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread))
        .filter(thread -> thread.getName().startsWith("httpclient-dispatch"))
        .toList();
  }

  private static void awaitEnd(List<Thread> threads) throws InterruptedException {
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(thread.isAlive()).as(thread.getName() + " ended").isFalse();
    }
  }

  private static CloudApiClient client(String baseUrl, Duration responseTimeout) {
    CloudApiSettings settings =
        CloudApiSettings.builder()
            .baseUrl(baseUrl)
            .phoneNumberId("106540352242922")
            .connectTimeout(Duration.ofMillis(500))
            .responseTimeout(responseTimeout)
            .build();
    return new CloudApiClient(settings, TOKEN, 4);
  }
}
