package dev.cartrescue.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few Flink REST API calls the bench makes, the way the web UI makes them. */
final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A job vertex: one chain of operators, one task per subtask. */
  record Vertex(String id, String name) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final String job;

  FlinkRest(URI restAddress, String jobId) {
    String address = restAddress.toString();
    this.base = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    this.job = jobId;
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  List<Vertex> vertices() throws IOException, InterruptedException {
    List<Vertex> vertices = new ArrayList<>();
    for (JsonNode v : get("/jobs/" + job).path("vertices")) {
      vertices.add(new Vertex(v.path("id").asText(), v.path("name").asText()));
    }
    return vertices;
  }

  /** The ids of a vertex's metrics, as aggregated over its subtasks. */
  List<String> metricIds(Vertex v) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (JsonNode m : get("/jobs/" + job + "/vertices/" + v.id() + "/subtasks/metrics")) {
      ids.add(m.path("id").asText());
    }
    return ids;
  }

  /**
   * Metrics of a vertex aggregated over its subtasks with {@code agg} (sum, avg, max, min); absent
   * metrics (not yet registered) are missing from the map.
   */
  Map<String, Double> metrics(Vertex v, String agg, List<String> ids)
      throws IOException, InterruptedException {
    String get = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
    Map<String, Double> values = new LinkedHashMap<>();
    for (JsonNode m :
        get(
            "/jobs/"
                + job
                + "/vertices/"
                + v.id()
                + "/subtasks/metrics?get="
                + get
                + "&agg="
                + agg)) {
      if (m.has(agg)) {
        values.put(m.path("id").asText(), m.path(agg).asDouble());
      }
    }
    return values;
  }

  JsonNode checkpoints() throws IOException, InterruptedException {
    return get("/jobs/" + job + "/checkpoints");
  }

  /** The job's counters a stall message lists, summed over subtasks, from input to outcome. */
  static final List<String> COUNTERS =
      List.of(
          "deadLetters",
          "lateEvents",
          "duplicateEvents",
          "abandonedCarts",
          "outcomesSent",
          "outcomesSuppressed",
          "outcomesFailed");

  /**
   * What a stalled run needs to be understood, in one paragraph: the job's state and restarts, the
   * root exception, the checkpoints (completed, failed, in progress, the newest failure), the job's
   * own counters along the way of a cart ({@link #COUNTERS}: where carts went missing) and each
   * vertex's input watermark (how far behind the wall clock). Never fails: what cannot be read is
   * said so.
   */
  String diagnosis(List<Vertex> vertices) {
    StringBuilder s = new StringBuilder();
    try {
      JsonNode exceptions = get("/jobs/" + job + "/exceptions");
      JsonNode root = exceptions.path("exceptionHistory").path("entries").path(0);
      s.append("exceptions: ")
          .append(exceptions.path("exceptionHistory").path("entries").size())
          .append(root.isMissingNode() ? "" : ", newest: " + firstLine(root.path("stacktrace")));
      JsonNode counts = checkpoints().path("counts");
      s.append("; checkpoints: completed ")
          .append(counts.path("completed").asLong())
          .append(", failed ")
          .append(counts.path("failed").asLong())
          .append(", in progress ")
          .append(counts.path("in_progress").asLong());
      JsonNode failed = checkpoints().path("latest").path("failed");
      if (!failed.isMissingNode() && !failed.isNull()) {
        s.append(", newest failure: ").append(failed.path("failure_message").asText());
      }
      s.append("; the job's counters:");
      for (Vertex v : vertices) {
        List<String> counters =
            metricIds(v).stream()
                .filter(id -> COUNTERS.stream().anyMatch(c -> id.endsWith("." + c)))
                .toList();
        if (!counters.isEmpty()) {
          metrics(v, "sum", counters)
              .forEach((id, n) -> s.append(' ').append(id).append('=').append(n.longValue()));
        }
      }
      long now = System.currentTimeMillis();
      s.append("; input watermarks behind the clock:");
      for (Vertex v : vertices) {
        Double min =
            metrics(v, "min", List.of("currentInputWatermark")).get("currentInputWatermark");
        s.append(" [")
            .append(v.name(), 0, Math.min(40, v.name().length()))
            .append(": ")
            .append(
                min == null
                    ? "none"
                    : min <= Long.MIN_VALUE / 2 ? "no watermark" : (now - min.longValue()) + " ms")
            .append(']');
      }
    } catch (Exception e) {
      s.append(" (REST API: ").append(e).append(')');
    }
    return s.toString();
  }

  private static String firstLine(JsonNode text) {
    String t = text.asText();
    int end = t.indexOf('\n');
    return end < 0 ? t : t.substring(0, end);
  }

  /** Flink's own back-pressure view of a vertex: the level and the ratio of its busiest subtask. */
  JsonNode backPressure(Vertex v) throws IOException, InterruptedException {
    return get("/jobs/" + job + "/vertices/" + v.id() + "/backpressure");
  }
}
