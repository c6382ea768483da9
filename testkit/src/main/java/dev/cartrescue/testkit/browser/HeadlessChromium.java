package dev.cartrescue.testkit.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless Chromium for tests, driven through the Chrome DevTools Protocol over a WebSocket with
 * nothing but the JDK and Jackson: it opens a page, clicks like a person would, waits for an
 * element and evaluates JavaScript. It runs Debian's {@code chromium} package; tests that need it
 * skip with {@link #absentReason()} when {@link #executable()} finds none.
 *
 * <p>Each instance is one browser process with one page and a fresh profile directory, both gone
 * after {@link #close()}. Its methods are meant to be called from one test thread.
 */
public final class HeadlessChromium implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeadlessChromium.class);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String PROPERTY = "cart-rescue.chromium";
  private static final String ENVIRONMENT = "CHROMIUM";
  private static final List<String> NAMES =
      List.of("chromium", "chromium-browser", "google-chrome");

  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration COMMAND = Duration.ofSeconds(30);
  private static final Duration CLICK_WAIT = Duration.ofSeconds(10);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);
  private static final long POLL_MILLIS = 100;
  private static final int STDERR_LINES = 50;

  private static final Pattern LISTENING =
      Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:\\d+/\\S+)");

  /** What Runtime.evaluate answers while the page is between two documents. */
  private static final Pattern CONTEXT_GONE =
      Pattern.compile(
          "Execution context was destroyed|Cannot find context with specified id"
              + "|Cannot find default execution context|Inspected target navigated or closed"
              + "|Promise was collected");

  private final Process process;
  private final Path profile;
  private final StderrTail stderr;
  private final HttpClient http;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object sending = new Object();
  private volatile WebSocket socket;

  /** Runtime.evaluate's failure while the page is between two documents: try again. */
  private static final class ContextGone extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ContextGone(String message) {
      super(message);
    }
  }

  private HeadlessChromium(Process process, Path profile, StderrTail stderr) {
    this.process = process;
    this.profile = profile;
    this.stderr = stderr;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * The chromium executable: system property {@code cart-rescue.chromium}, else env {@code
   * CHROMIUM}, else the first of chromium, chromium-browser, google-chrome on PATH.
   */
  public static Optional<Path> executable() {
    String configured = configured();
    if (configured != null) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) && !Files.isDirectory(path)
          ? Optional.of(path)
          : Optional.empty();
    }
    String searchPath = System.getenv("PATH");
    if (searchPath == null) {
      return Optional.empty();
    }
    for (String name : NAMES) {
      for (String dir : searchPath.split(Pattern.quote(File.pathSeparator))) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** One line saying why tests that need a headless Chromium are skipped. */
  public static String absentReason() {
    String configured = configured();
    if (configured != null) {
      return "headless Chromium not found: "
          + configured
          + " (from -D"
          + PROPERTY
          + " or "
          + ENVIRONMENT
          + ") is not an executable file";
    }
    return "headless Chromium not found (install Debian's chromium package: apt-get install -y"
        + " chromium; or set -D"
        + PROPERTY
        + "=/path)";
  }

  /**
   * Starts chromium headless with a fresh profile directory on about:blank and connects to its one
   * page; throws IllegalStateException if it is absent or does not come up within 30 s.
   */
  public static HeadlessChromium launch() {
    Path executable = executable().orElseThrow(() -> new IllegalStateException(absentReason()));
    Path profile;
    try {
      profile = Files.createTempDirectory("cart-rescue-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a profile directory for chromium", e);
    }
    Process process;
    try {
      process =
          new ProcessBuilder(command(executable, profile))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      deleteTree(profile);
      throw new IllegalStateException("could not start " + executable + ": " + e.getMessage(), e);
    }
    StderrTail stderr = StderrTail.drain(process);
    HeadlessChromium browser = new HeadlessChromium(process, profile, stderr);
    try {
      browser.connect(System.nanoTime() + STARTUP.toNanos());
      return browser;
    } catch (RuntimeException e) {
      browser.close();
      throw new IllegalStateException(
          executable
              + " did not come up: "
              + e.getMessage()
              + "; the end of its stderr:\n"
              + stderr.text(),
          e);
    }
  }

  /** Navigates to {@code url} and waits for the page's load event, 30 s at most. */
  public void open(URI url) {
    CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
    Consumer<JsonNode> listener =
        event -> {
          if ("Page.loadEventFired".equals(event.path("method").asText())) {
            loaded.complete(event);
          }
        };
    listeners.add(listener);
    try {
      ObjectNode params = NODES.objectNode().put("url", url.toString());
      JsonNode navigated = command("Page.navigate", params);
      if (navigated.hasNonNull("errorText")) {
        throw new IllegalStateException(
            "could not open " + url + ": " + navigated.get("errorText").asText());
      }
      await(loaded, "the load event of " + url);
    } finally {
      listeners.remove(listener);
    }
  }

  /**
   * Runs a JavaScript expression in the page, awaiting a promise, and returns its value (NullNode
   * for undefined); an exception thrown in the page becomes an IllegalStateException.
   */
  public JsonNode evaluate(String expression) {
    ObjectNode params =
        NODES
            .objectNode()
            .put("expression", expression)
            .put("returnByValue", true)
            .put("awaitPromise", true);
    JsonNode answer = command("Runtime.evaluate", params);
    JsonNode exception = answer.path("exceptionDetails");
    if (!exception.isMissingNode()) {
      String description =
          exception.path("exception").path("description").asText(exception.path("text").asText());
      if (CONTEXT_GONE.matcher(description).find()) {
        throw new ContextGone(description);
      }
      throw new IllegalStateException("the page threw: " + description);
    }
    JsonNode value = answer.path("result").path("value");
    return value.isMissingNode() ? NullNode.getInstance() : value;
  }

  /**
   * Waits until {@code document.querySelector(css)} finds an element, across reloads and
   * navigations, and returns its textContent; throws IllegalStateException when {@code timeout}
   * passes first.
   */
  public String waitFor(String css, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String script =
        "(() => { const e = document.querySelector("
            + quoted(css)
            + "); return e === null ? null : e.textContent; })()";
    while (true) {
      JsonNode text = evaluateOrNull(script);
      if (text.isTextual()) {
        return text.asText();
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(
            "no element matches " + css + " after " + timeout.toMillis() + " ms at " + describe());
      }
      pause();
    }
  }

  /**
   * Clicks the first element matching {@code css} like a person would: waits for it (10 s), scrolls
   * it into view and presses and releases the left mouse button at its centre.
   */
  public void click(String css) {
    long deadline = System.nanoTime() + CLICK_WAIT.toNanos();
    waitFor(css, CLICK_WAIT);
    String script =
        "(() => { const e = document.querySelector("
            + quoted(css)
            + "); if (e === null) return null;"
            + " e.scrollIntoView({block: 'center', inline: 'center'});"
            + " const r = e.getBoundingClientRect();"
            + " return {x: r.left + r.width / 2, y: r.top + r.height / 2,"
            + " width: r.width, height: r.height}; })()";
    while (true) {
      JsonNode box = evaluateOrNull(script);
      if (box.path("width").asDouble() > 0 && box.path("height").asDouble() > 0) {
        double x = box.path("x").asDouble();
        double y = box.path("y").asDouble();
        mouse("mouseMoved", x, y, 0);
        mouse("mousePressed", x, y, 1);
        mouse("mouseReleased", x, y, 1);
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException(
            "no visible element matches " + css + " to click, at " + describe());
      }
      pause();
    }
  }

  /** The page's current URL and title, for failure messages. */
  public String describe() {
    try {
      JsonNode page =
          evaluate("({url: String(location.href), title: String(document.title || '')})");
      return page.path("url").asText() + " (title " + quoted(page.path("title").asText()) + ")";
    } catch (IllegalStateException e) {
      return "(the page could not say where it is: " + e.getMessage() + ")";
    }
  }

  /** Closes the WebSocket, kills chromium and its child processes and deletes the profile. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (socket != null) {
      socket.abort();
    }
    failPending("the browser was closed");
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    if (!awaitExit(all)) {
      all.forEach(ProcessHandle::destroyForcibly);
      awaitExit(all);
    }
    deleteTree(profile);
    LOG.debug("chromium {} is gone", process.pid());
  }

  /** The launched chromium process. */
  ProcessHandle process() {
    return process.toHandle();
  }

  /** Its profile directory, deleted on close. */
  Path profile() {
    return profile;
  }

  private static String configured() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return property;
    }
    String environment = System.getenv(ENVIRONMENT);
    return environment == null || environment.isBlank() ? null : environment;
  }

  private static List<String> command(Path executable, Path profile) {
    return List.of(
        executable.toString(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--remote-debugging-port=0",
        "--user-data-dir=" + profile,
        "about:blank");
  }

  private void connect(long deadline) {
    URI browserEndpoint = stderr.endpoint(deadline);
    URI list = URI.create("http://127.0.0.1:" + browserEndpoint.getPort() + "/json/list");
    URI page = pageEndpoint(list, deadline);
    try {
      socket =
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(page, new Receiver())
              .get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not connect to " + page + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + page, e);
    }
    command("Page.enable", NODES.objectNode());
    command("Runtime.enable", NODES.objectNode());
    LOG.debug("chromium {} is up; its page is {}", process.pid(), page);
  }

  /** The page's WebSocket from {@code /json/list}, asked again until the page is listed. */
  private URI pageEndpoint(URI list, long deadline) {
    HttpRequest request = HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(5)).GET().build();
    String last = "no answer";
    while (System.nanoTime() - deadline < 0) {
      try {
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode target : JSON.readTree(body)) {
          if ("page".equals(target.path("type").asText())
              && target.hasNonNull("webSocketDebuggerUrl")) {
            return URI.create(target.get("webSocketDebuggerUrl").asText());
          }
        }
        last = body;
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while asking " + list, e);
      }
      pause();
    }
    throw new IllegalStateException(list + " listed no page: " + last);
  }

  private JsonNode evaluateOrNull(String script) {
    try {
      return evaluate(script);
    } catch (ContextGone e) {
      LOG.debug("the page is between two documents: {}", e.getMessage());
      return NullNode.getInstance();
    }
  }

  private void mouse(String type, double x, double y, int clickCount) {
    ObjectNode params =
        NODES.objectNode().put("type", type).put("x", x).put("y", y).put("modifiers", 0);
    if (clickCount > 0) {
      params.put("button", "left").put("buttons", 1).put("clickCount", clickCount);
    }
    command("Input.dispatchMouseEvent", params);
  }

  /** Sends one command and waits for its answer's result; a CDP error becomes an exception. */
  private JsonNode command(String method, ObjectNode params) {
    if (closed.get()) {
      throw new IllegalStateException("the browser is closed");
    }
    int id = ids.incrementAndGet();
    ObjectNode message = NODES.objectNode().put("id", id).put("method", method);
    message.set("params", params);
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      send(text(message));
      JsonNode response = await(answer, method);
      JsonNode error = response.path("error");
      if (!error.isMissingNode()) {
        String text = method + " failed: " + error.path("message").asText(error.toString());
        throw CONTEXT_GONE.matcher(text).find()
            ? new ContextGone(text)
            : new IllegalStateException(text);
      }
      return response.path("result");
    } finally {
      pending.remove(id);
    }
  }

  private void send(String text) {
    synchronized (sending) {
      try {
        socket.sendText(text, true).get(COMMAND.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("could not send to chromium: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sending to chromium", e);
      }
    }
  }

  private static JsonNode await(CompletableFuture<JsonNode> future, String what) {
    try {
      return future.get(COMMAND.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no answer for " + what + " within " + COMMAND.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  private void dispatch(String text) {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      LOG.debug("chromium sent something that is not JSON: {}", text);
      return;
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    for (Consumer<JsonNode> listener : listeners) {
      listener.accept(message);
    }
  }

  private void failPending(String why) {
    for (CompletableFuture<JsonNode> answer : pending.values()) {
      answer.completeExceptionally(new IllegalStateException(why));
    }
  }

  /** Reads the page's messages, which may come in several frames each. */
  private final class Receiver implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        dispatch(text);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      failPending("chromium closed the DevTools connection (" + statusCode + " " + reason + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      LOG.debug("the DevTools connection failed", error);
      failPending("the DevTools connection failed: " + error);
    }
  }

  /**
   * Waits up to 5 s for all of them to end. A child that outlived the browser process is reaped by
   * PID 1, which in a container can take a second or two.
   */
  private static boolean awaitExit(List<ProcessHandle> handles) {
    CompletableFuture<?>[] exits =
        handles.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(exits).get(EXIT_WAIT.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void deleteTree(Path root) {
    for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (NoSuchFileException e) {
        LOG.debug("{} went while it was being deleted", e.getFile());
      } catch (IOException | UncheckedIOException e) {
        LOG.debug("could not delete {} yet: {}", root, e.toString());
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the page", e);
    }
  }

  private static String quoted(String text) {
    return text(NODES.textNode(text));
  }

  private static String text(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings and numbers always writes", e);
    }
  }

  /**
   * Reads chromium's stderr to its end on a daemon thread, so that chromium never blocks on a full
   * pipe: it finds the DevTools endpoint and keeps the last lines for a failure's message. The
   * D-Bus complaints of a machine without a session bus are left out of them.
   */
  private static final class StderrTail {
    private final Deque<String> lines = new ArrayDeque<>();
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();

    static StderrTail drain(Process process) {
      StderrTail tail = new StderrTail();
      Thread thread = new Thread(() -> tail.read(process), "chromium-stderr-" + process.pid());
      thread.setDaemon(true);
      thread.start();
      return tail;
    }

    private void read(Process process) {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          take(line);
        }
      } catch (IOException e) {
        LOG.debug("stopped reading chromium's stderr: {}", e.toString());
      }
      endpoint.completeExceptionally(new IllegalStateException(ended(process)));
    }

    private static String ended(Process process) {
      try {
        if (process.waitFor(1, TimeUnit.SECONDS)) {
          return "it exited with status "
              + process.exitValue()
              + " before printing its DevTools endpoint";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "it closed its stderr before printing its DevTools endpoint";
    }

    private void take(String line) {
      LOG.debug("chromium: {}", line);
      Matcher listening = LISTENING.matcher(line);
      if (listening.find()) {
        endpoint.complete(URI.create(listening.group(1)));
      }
      if (line.isBlank() || line.contains(":ERROR:dbus/")) {
        return;
      }
      synchronized (lines) {
        lines.addLast(line);
        if (lines.size() > STDERR_LINES) {
          lines.removeFirst();
        }
      }
    }

    URI endpoint(long deadline) {
      try {
        return endpoint.get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "it printed no DevTools endpoint within " + STARTUP.toSeconds() + " s", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for chromium", e);
      }
    }

    String text() {
      synchronized (lines) {
        return lines.isEmpty() ? "(nothing)" : String.join("\n", lines);
      }
    }
  }
}
