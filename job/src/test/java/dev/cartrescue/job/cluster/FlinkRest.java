package dev.cartrescue.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The part of Flink's REST API that a data platform team uses to run a job on a session cluster:
 * upload the jar, run it with arguments, look at it, stop it with a savepoint. Plain HTTP and JSON,
 * as {@code curl} would send them; each call answers a {@link Response} whatever its status, and
 * only a request that gets no answer at all throws.
 */
final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Long enough for a job's main, which runs inside the JobManager during /run and /plan. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient http;

  FlinkRest(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** An answer of the REST API: its HTTP status and body. */
  record Response(String request, int status, String body) {
    boolean ok() {
      return status / 100 == 2;
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(request + " answered no JSON: " + body, e);
      }
    }

    /** The JSON body of a 2xx answer; fails with the status and body of any other. */
    JsonNode okJson() {
      if (!ok()) {
        throw new IllegalStateException(request + " answered HTTP " + status + ": " + body);
      }
      return json();
    }
  }

  Response get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  /** A request with a JSON body, or none when {@code body} is null. */
  Response send(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(method + " " + path, response.statusCode(), response.body());
  }

  /** {@code POST /jars/upload} as a multipart form, as the web UI sends it; returns the jar id. */
  String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "----cart-rescue-" + UUID.randomUUID();
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    form.writeBytes(Files.readAllBytes(jar));
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/jars/upload"))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray()))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode answer =
        new Response("POST /jars/upload", response.statusCode(), response.body()).okJson();
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalStateException("POST /jars/upload answered " + answer);
    }
    // "filename" is the path of the stored jar; its last segment is the jar id.
    return Path.of(answer.path("filename").asText()).getFileName().toString();
  }

  /**
   * {@code POST /jars/<id>/run}: runs the jar's main in the JobManager with the arguments, from a
   * savepoint when {@code savepointPath} is not null.
   */
  Response run(String jarId, List<String> args, String savepointPath)
      throws IOException, InterruptedException {
    return send("POST", "/jars/" + jarId + "/run", jarRequest(args, savepointPath));
  }

  /**
   * {@code GET /jars/<id>/plan}: runs the jar's main to show the job's plan, without running it.
   */
  Response plan(String jarId, List<String> args) throws IOException, InterruptedException {
    return send("GET", "/jars/" + jarId + "/plan", jarRequest(args, null));
  }

  /** {@code POST /jobs/<id>/stop}: stop-with-savepoint; answers the trigger's id. */
  String stopWithSavepoint(String jobId, Path targetDirectory)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("targetDirectory", targetDirectory.toUri().toString());
    body.put("drain", false);
    return send("POST", "/jobs/" + jobId + "/stop", body).okJson().path("request-id").asText();
  }

  /** {@code PATCH /jobs/<id>?mode=cancel}. */
  Response cancel(String jobId) throws IOException, InterruptedException {
    return send("PATCH", "/jobs/" + jobId + "?mode=cancel", null);
  }

  private static JsonNode jarRequest(List<String> args, String savepointPath) {
    ObjectNode body = JSON.createObjectNode();
    args.forEach(body.putArray("programArgsList")::add);
    if (savepointPath != null) {
      body.put("savepointPath", savepointPath);
    }
    return body;
  }
}
