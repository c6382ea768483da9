package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.job.JobUnderTest;
import dev.cartrescue.job.rule.Reason;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md against a running job: {@code cart-rescue run} in a process of its own, fed
 * through a real Kafka broker and answered by the Cloud API simulator, while the test reads the
 * metrics from the Flink REST API the way the web UI does: the job from {@code /jobs}, its vertices
 * from {@code /jobs/:id}, the metric ids from {@code /jobs/:id/vertices/:vid/metrics}, and their
 * values with {@code ?get=}.
 *
 * <p>The process runs the launcher's main class on this module's test classpath, as {@code
 * ./cart-rescue run} runs it on the built one (tests run before the package phase, so the launcher
 * script would build the project first).
 */
class MetricsRestApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "metrics-test-token";
  private static final Duration PATIENCE = Duration.ofMinutes(3);
  private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `([^`]+)` \\| (\\w+) \\|");

  @TempDir Path temp;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private JobUnderTest world;
  private Process job;

  @AfterEach
  void stopEverything() throws Exception {
    if (job != null) {
      job.destroy();
      if (!job.waitFor(30, TimeUnit.SECONDS)) {
        job.descendants().forEach(ProcessHandle::destroyForcibly);
        job.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (world != null) {
      world.close();
    }
  }

  @Test
  void everyDocumentedMetricIsOnTheRestApiAndCountsWhatHappened() throws Exception {
    world =
        JobUnderTest.create(temp, TOKEN, 1)
            .set("kafka.group-id", "metrics-rest-api-test")
            .set("rule.abandon-after", "PT1H")
            // Event time follows the records only, however slowly the job starts.
            .set("watermark.idle-advance", "off");
    writeInput();

    int port = freePort();
    job = startCartRescueRun(port);
    String base = "http://localhost:" + port;

    String jobId = runningJob(base);

    // What happens: two carts abandoned, one sent, one without a profile, one unreadable record
    // and one repeated event id.
    Map<String, Long> expected = new TreeMap<>();
    expected.put("abandonedCarts", 2L);
    expected.put("outcomesSent", 1L);
    expected.put("outcomesSuppressed", 1L);
    expected.put("suppressed_no_profile", 1L);
    expected.put("outcomesFailed", 0L);
    expected.put("messagesSent", 1L);
    expected.put("deadLetters", 1L);
    expected.put("duplicateEvents", 1L);
    Map<String, Documented> documented = documentedMetrics();
    assertThat(documented).isNotEmpty();

    // The REST API refreshes its copy of the metrics every few seconds, each time as a whole, so
    // the ids are listed anew in every round.
    Map<String, Set<String>> operatorsByMetric = new TreeMap<>();
    Map<String, Long> counted = Map.of();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(job.isAlive()).as("cart-rescue run is running; stderr: %s", stderr()).isTrue();
      Map<String, List<MetricRef>> metrics = metricsByName(base, jobId);
      metrics.forEach(
          (name, refs) ->
              refs.forEach(
                  ref ->
                      operatorsByMetric
                          .computeIfAbsent(name, n -> new TreeSet<>())
                          .add(ref.operator())));
      Map<String, Long> sums = new TreeMap<>();
      for (String name : expected.keySet()) {
        sums.put(name, sum(base, jobId, metrics, name));
      }
      counted = sums;
      if (counted.equals(expected) && operatorsByMetric.keySet().containsAll(documented.keySet())) {
        break;
      }
      Thread.sleep(1000);
    }
    assertThat(counted).as("counted; the job's log ends with:%n%s", logTail()).isEqualTo(expected);
    assertThat(world.cloudApi().received()).hasSize(1);

    // Every metric that docs/metrics.md documents is there, on the operator it names.
    for (Documented metric : documented.values()) {
      assertThat(operatorsByMetric.getOrDefault(metric.name(), Set.of()))
          .as("the operators that report %s on the REST API", metric.name())
          .containsAnyElementsOf(metric.operators());
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A cart that is sent, a cart without a profile, a repeated event and an unreadable record; then,
   * on every input topic (the webhooks' a status of a message no test sent), a record half an hour
   * old, which moves event time past the carts' deadlines (an hour ago) without waiting for the
   * wall clock.
   */
  private void writeInput() {
    long now = System.currentTimeMillis();
    long profileTime = now - Duration.ofHours(3).toMillis();
    long cartTime = now - Duration.ofHours(2).toMillis();
    long later = now - Duration.ofMinutes(30).toMillis();
    world.write(anna("c-sent", profileTime));
    ShopRecords.Click sent = oneShoe("c-sent", cartTime);
    world.write(sent);
    world.write(sent);
    world.write(oneShoe("c-nobody", cartTime));
    world.kafka().send("clickstream", "x", "this is not json", cartTime);

    world.write(ShopRecords.pageView("c-browsing", later).epochMillis());
    world.write(anna("c-other", later));
    world.write(ShopRecords.capping("c-other", later).epochMillis());
    // The webhooks too: an empty input would hold event time back until it is idle (a minute).
    world.kafka().send("whatsapp-webhooks", "c-other", JobUnderTest.primerStatus("c-other", later));
  }

  private static ShopRecords.Profile anna(String contact, long updatedAt) {
    return ShopRecords.profile(contact)
        .phone("33", "06 12 34 56 78")
        .consent(true)
        .firstName("Anna")
        .language("fr")
        .updatedAt(updatedAt)
        .epochMillis();
  }

  private static ShopRecords.Click oneShoe(String contact, long at) {
    return ShopRecords.addToCart(contact, "k-" + contact, at)
        .eventId("e-" + contact)
        .cartUrl()
        .product("sku-1", "Trail shoe", 89.90, "EUR", 1)
        .epochMillis();
  }

  private Process startCartRescueRun(int webUiPort) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // The JVM flags of the ./cart-rescue launcher, which Flink needs on Java 17.
    command.addAll(
        Files.readAllLines(moduleDirectory().resolve("jvm.options")).stream()
            .filter(line -> !line.isBlank())
            .toList());
    command.add("-Dcart-rescue.log.file=" + temp.resolve("cart-rescue.log"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CartRescueCli.class.getName());
    command.add("run");
    command.addAll(world.flags());
    command.addAll(List.of("--web-ui.port", String.valueOf(webUiPort)));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(temp.toFile())
            .redirectOutput(temp.resolve("stdout.txt").toFile())
            .redirectError(temp.resolve("stderr.txt").toFile());
    builder.environment().remove("WHATSAPP_ACCESS_TOKEN");
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  /** Polls {@code /jobs} until one job runs, as the web UI's overview does. */
  private String runningJob(String base) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(job.isAlive()).as("cart-rescue run is running; stderr: %s", stderr()).isTrue();
      JsonNode jobs = getOrNull(base + "/jobs");
      if (jobs != null) {
        for (JsonNode j : jobs.path("jobs")) {
          if (j.path("status").asText().equals("RUNNING")) {
            return j.path("id").asText();
          }
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no job running after " + PATIENCE + "; stderr: " + stderr());
  }

  /**
   * Every metric id of every vertex, by metric name. An operator's id is {@code
   * <subtask>.<operator>.<metric>}; a histogram's statistics are ids of their own ({@code
   * <metric>_p99}, ...).
   */
  private Map<String, List<MetricRef>> metricsByName(String base, String jobId) throws Exception {
    Map<String, List<MetricRef>> byName = new TreeMap<>();
    for (JsonNode vertex : get(base + "/jobs/" + jobId).path("vertices")) {
      String vertexId = vertex.path("id").asText();
      for (JsonNode metric : get(base + "/jobs/" + jobId + "/vertices/" + vertexId + "/metrics")) {
        MetricRef ref = MetricRef.of(vertexId, metric.path("id").asText());
        if (ref != null) {
          byName.computeIfAbsent(ref.name(), n -> new ArrayList<>()).add(ref);
        }
      }
    }
    return byName;
  }

  /** The metric summed over its subtasks and operators, read with {@code ?get=}. */
  private long sum(String base, String jobId, Map<String, List<MetricRef>> metrics, String name)
      throws Exception {
    long sum = 0;
    Map<String, List<MetricRef>> byVertex =
        metrics.getOrDefault(name, List.of()).stream()
            .collect(Collectors.groupingBy(MetricRef::vertexId));
    for (Map.Entry<String, List<MetricRef>> vertex : byVertex.entrySet()) {
      String ids =
          vertex.getValue().stream()
              .map(r -> URLEncoder.encode(r.id(), StandardCharsets.UTF_8).replace("+", "%20"))
              .collect(Collectors.joining(","));
      JsonNode values =
          get(base + "/jobs/" + jobId + "/vertices/" + vertex.getKey() + "/metrics?get=" + ids);
      for (JsonNode value : values) {
        sum += (long) Double.parseDouble(value.path("value").asText("0"));
      }
    }
    return sum;
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response = send(url);
    assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** Null while the web UI is not up yet, or not ready (503 while it elects its leader). */
  private JsonNode getOrNull(String url) throws Exception {
    HttpResponse<String> response;
    try {
      response = send(url);
    } catch (IOException notListeningYet) {
      return null;
    }
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private HttpResponse<String> send(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(temp.resolve("cart-rescue.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private String stderr() {
    try {
      return Files.readString(temp.resolve("stderr.txt"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The local module: its build output is local/target/test-classes. */
  private static Path moduleDirectory() {
    try {
      return Path.of(
              MetricsRestApiTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getParent()
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The job metrics table of docs/metrics.md, with {@code suppressed_<reason>} spelt out. */
  private static Map<String, Documented> documentedMetrics() throws IOException {
    Path doc = moduleDirectory().getParent().resolve("docs/metrics.md");
    Map<String, Documented> metrics = new TreeMap<>();
    for (String line : Files.readAllLines(doc)) {
      Matcher row = DOCUMENTED.matcher(line);
      if (!row.find() || row.group(1).startsWith("flink_")) {
        continue;
      }
      String[] cells = line.split("\\|");
      Set<String> operators = new TreeSet<>();
      for (String operator : cells[3].split(",")) {
        // As the REST API spells an operator in a metric id.
        operators.add(operator.strip().replaceAll("[ ,.:]", "_"));
      }
      String name = row.group(1);
      if (name.equals("suppressed_<reason>")) {
        for (Reason reason : Reason.values()) {
          String spelt = "suppressed_" + reason.code();
          metrics.put(spelt, new Documented(spelt, operators));
        }
      } else {
        metrics.put(name, new Documented(name, operators));
      }
    }
    return metrics;
  }

  private record Documented(String name, Set<String> operators) {}

  /** One metric id of a vertex, split into its operator and its name. */
  private record MetricRef(String vertexId, String id, String operator, String name) {
    private static final Pattern OPERATOR_METRIC = Pattern.compile("\\d+\\.(.+)\\.([^.]+)");
    private static final Pattern HISTOGRAM_STATISTIC =
        Pattern.compile("(.+)_(min|max|mean|median|stddev|p\\d+)");

    static MetricRef of(String vertexId, String id) {
      Matcher m = OPERATOR_METRIC.matcher(id);
      if (!m.matches()) {
        return null;
      }
      String name = m.group(2);
      Matcher statistic = HISTOGRAM_STATISTIC.matcher(name);
      // The REST API lists each statistic of a histogram as a metric of its own.
      if (statistic.matches() && !name.startsWith("suppressed_")) {
        name = statistic.group(1);
      }
      return new MetricRef(vertexId, id, m.group(1), name);
    }
  }
}
