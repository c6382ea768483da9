package dev.cartrescue.testkit.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver against Debian's chromium and a small server: a button whose click the server sees,
 * and a status page that refreshes itself until the server has dealt with the click.
 */
class HeadlessChromiumTest {

  private static final String BUTTON_PAGE =
      "<!doctype html><html><head><title>Button</title></head><body>"
          + "<div style=\"height: 3000px\">far above the button</div>"
          + "<button id=\"b\" onclick=\"fetch('/clicked', {method: 'POST'})"
          + ".then(() => { location.href = '/status'; })\">Rescue the cart</button>"
          + "</body></html>";

  private static HttpServer server;
  private static ScheduledExecutorService later;
  private static HeadlessChromium browser;
  private static final AtomicInteger clicks = new AtomicInteger();
  private static final AtomicBoolean handled = new AtomicBoolean();

  @BeforeAll
  static void start() throws IOException {
    Assumptions.assumeTrue(
        HeadlessChromium.executable().isPresent(), HeadlessChromium.absentReason());
    later = Executors.newSingleThreadScheduledExecutor();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, BUTTON_PAGE));
    server.createContext("/clicked", HeadlessChromiumTest::clicked);
    server.createContext("/status", exchange -> answer(exchange, statusPage()));
    server.start();
    browser = HeadlessChromium.launch();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.stop(0);
      later.shutdownNow();
    }
  }

  @Test
  void clicksTheButtonAndWaitsForTheServerRenderedResultAcrossSelfRefreshes() {
    browser.open(url("/"));
    browser.click("#b");

    assertThat(browser.waitFor(".done", Duration.ofSeconds(10))).isEqualTo("clicked 1 time");
    assertThat(clicks).hasValue(1);
    assertThat(browser.describe()).contains("/status").contains("Status");
  }

  @Test
  void evaluatesAnExpressionAndTurnsAnExceptionInThePageIntoAnIllegalStateException() {
    browser.open(url("/"));

    assertThat(browser.evaluate("1+2").asInt()).isEqualTo(3);
    assertThat(browser.evaluate("document.title").asText()).isEqualTo("Button");
    assertThat(browser.evaluate("undefined").isNull()).isTrue();
    assertThatThrownBy(() -> browser.evaluate("(() => { throw new Error('boom'); })()"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Error: boom");
  }

  @Test
  void waitingForAnElementThatNeverComesTimesOutNamingTheSelector() {
    browser.open(url("/"));

    assertThatThrownBy(() -> browser.waitFor("#never-there", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no element matches #never-there");
  }

  @Test
  void closeLeavesNoChromiumProcessAndNoProfileBehind() {
    HeadlessChromium own = HeadlessChromium.launch();
    ProcessHandle process = own.process();
    List<ProcessHandle> children = process.descendants().toList();
    Path profile = own.profile();
    assertThat(process.isAlive()).isTrue();
    assertThat(profile).isDirectory();

    own.close();
    own.close();

    assertThat(process.isAlive()).isFalse();
    assertThat(children).noneMatch(ProcessHandle::isAlive);
    assertThat(Files.exists(profile)).isFalse();
  }

  /** Takes the click at once and deals with it a moment later, as a real back end might. */
  private static void clicked(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(405, -1);
      exchange.close();
      return;
    }
    clicks.incrementAndGet();
    later.schedule(() -> handled.set(true), 1500, TimeUnit.MILLISECONDS);
    answer(exchange, "");
  }

  private static String statusPage() {
    String body =
        handled.get()
            ? "<p class=\"done\">clicked " + clicks.get() + " time</p>"
            : "<p class=\"pending\">working on it</p>";
    return "<!doctype html><html><head><title>Status</title>"
        + "<meta http-equiv=\"refresh\" content=\"1\"></head><body>"
        + body
        + "</body></html>";
  }

  private static void answer(HttpExchange exchange, String html) throws IOException {
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }
}
