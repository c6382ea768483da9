package dev.cartrescue.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.job.JobUnderTest;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import dev.cartrescue.testkit.cloudapi.ReceivedMessage;
import dev.cartrescue.testkit.flink.StandaloneFlinkCluster;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as a data platform team runs it (issue 13): the cluster jar uploaded to a standalone
 * Flink session cluster (a JobManager and a TaskManager in processes of their own, from Flink's
 * module jars: see job/pom.xml) and run through the REST API, against a real Kafka broker and the
 * Cloud API simulator. The cluster is shared by the tests, so the job must be a good citizen of it:
 * bad arguments answer an error and leave the cluster up, the job checkpoints where the cluster
 * says, keeps secrets out of the cluster's logs and REST API, and survives stop-with-savepoint and
 * a resubmission.
 *
 * <p>Each test has topics and a consumer group of its own. A test that takes the cluster down
 * fails, and the next one starts a new cluster. On failure, the assertion message carries the end
 * of the JobManager's and TaskManager's logs, and the temporary directory with the whole cluster
 * (its configuration, logs, checkpoints and savepoints) is kept: the message names it. The tests of
 * bad arguments run last: a {@code System.exit} in the job's main takes the cluster down, and every
 * test after it would have to start a new one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final String TOKEN = "cluster-token-9d27c4";
  private static final String KAFKA_SECRET = "s3cr3t-pw";
  private static final String PHONE_NUMBER_ID = "1234567890";
  private static final long PRIMER_TIME = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Duration JOB_RUNNING = Duration.ofSeconds(60);
  private static final Duration MESSAGE = Duration.ofSeconds(60);
  private static final Duration CHECKPOINT = Duration.ofSeconds(60);
  private static final Duration SAVEPOINT = Duration.ofSeconds(60);
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(250);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path temp;

  private static EmbeddedKafka kafka;
  private static CloudApiSimulator cloudApi;
  private static Path tokenFile;
  private static StandaloneFlinkCluster cluster;
  private static FlinkRest rest;
  private static String jarId;
  private static int clusters;

  /** The jobs a test started, cancelled after it. */
  private final List<String> jobs = new ArrayList<>();

  @BeforeAll
  static void startTheWorld() throws IOException {
    kafka = EmbeddedKafka.start();
    cloudApi = CloudApiSimulator.start(0, TOKEN);
    tokenFile = Files.writeString(temp.resolve("whatsapp-access-token"), TOKEN + "\n");
  }

  @AfterAll
  static void stopTheWorld() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      try {
        if (cloudApi != null) {
          cloudApi.close();
        }
      } finally {
        if (kafka != null) {
          kafka.close();
        }
      }
    }
  }

  /** A running cluster with the jar uploaded: a new one when a test before took it down. */
  @BeforeEach
  void clusterUp() throws Exception {
    if (cluster != null && (!cluster.isJobManagerRunning() || !cluster.isTaskManagerRunning())) {
      cluster.close();
      cluster = null;
    }
    if (cluster == null) {
      clusters++;
      cluster =
          StandaloneFlinkCluster.builder(
                  Path.of(System.getProperty("flink.cluster.lib", "target/flink-cluster/lib")),
                  temp.resolve("cluster-" + clusters))
              .jvmOptions(Files.readAllLines(repositoryRoot().resolve("local/jvm.options")))
              .start();
      rest = new FlinkRest(cluster.restUrl());
      jarId =
          rest.uploadJar(Path.of(System.getProperty("cluster.jar", "target/cart-rescue-job.jar")));
    }
    cloudApi.reset();
  }

  @AfterEach
  void cancelJobs() throws Exception {
    if (cluster != null && cluster.isJobManagerRunning()) {
      for (String job : jobs) {
        rest.cancel(job);
      }
    }
  }

  /**
   * Case 1: the job's main runs inside the JobManager, so a problem with the arguments of a run
   * request must come back as the answer to the request, with the job's one-line reason, and leave
   * the JobManager and its TaskManager as they were.
   */
  @Test
  @Order(4)
  void aRunWithBadArgumentsAnswersTheReasonAndLeavesTheClusterUp() throws Exception {
    List<String> withoutPhoneNumberId = new ArrayList<>(args(topics("bad-run")));
    int at = withoutPhoneNumberId.indexOf("--whatsapp.phone-number-id");
    withoutPhoneNumberId.subList(at, at + 2).clear();
    List<String> jobsBefore = jobIds();

    FlinkRest.Response run = answer(() -> rest.run(jarId, withoutPhoneNumberId, null), "run");
    assertRefused(run, "option --whatsapp.phone-number-id is required");
    assertClusterStillUp("a run request with bad arguments");
    assertThat(jobIds())
        .as(() -> context("the cluster's jobs after a refused run request"))
        .isEqualTo(jobsBefore);
  }

  /** Case 1 for {@code GET /jars/<id>/plan}, which runs the job's main too. */
  @Test
  @Order(5)
  void aPlanWithBadArgumentsAnswersTheReasonAndLeavesTheClusterUp() throws Exception {
    List<String> badDuration = new ArrayList<>(args(topics("bad-plan")));
    badDuration.addAll(List.of("--rule.abandon-after", "soon"));

    FlinkRest.Response plan = answer(() -> rest.plan(jarId, badDuration), "plan");
    assertRefused(plan, "option --rule.abandon-after: 'soon' is not");
    assertClusterStillUp("a plan request with bad arguments");
  }

  /**
   * Case 2: a consenting contact's cart, abandoned half a minute ago, gets exactly one message, and
   * the job's checkpoints go to the cluster's execution.checkpointing.dir: the job sets no
   * checkpoint directory of its own unless it is given one.
   */
  @Test
  @Order(1)
  void aGoodSubmissionSendsOneMessageAndCheckpointsWhereTheClusterSays() throws Exception {
    Topics topics = topics("good");
    long now = System.currentTimeMillis();
    String to = profile(topics, "c-good", now - 60_000);
    addToCart(topics, "c-good", "k-good", now - 30_000);

    String job = run(topics, args(topics), null);
    ReceivedMessage message = awaitOneMessage(to);
    assertThat(message.phoneNumberId()).isEqualTo(PHONE_NUMBER_ID);

    JsonNode checkpoint =
        await(
            "a completed checkpoint of job " + job,
            CHECKPOINT,
            () -> {
              JsonNode latest = rest.get("/jobs/" + job + "/checkpoints").okJson();
              return latest.path("latest").path("completed").isObject()
                  ? latest.path("latest").path("completed")
                  : null;
            });
    Path where = Path.of(URI.create(checkpoint.path("external_path").asText()));
    assertThat(where)
        .as(
            () ->
                context(
                    "where the checkpoint went: the cluster's execution.checkpointing.dir is "
                        + cluster.checkpointDirectory()))
        .startsWithRaw(cluster.checkpointDirectory());
    // The job's directory, not chk-N itself: a later checkpoint may have subsumed that one.
    assertThat(where.getParent()).as("the job's checkpoint directory").isDirectory();
    assertThat(cluster.workingDirectory().resolve(".cart-rescue"))
        .as(
            () ->
                context(
                    "a checkpoint directory of the job's own in the JobManager's working directory"))
        .doesNotExist();
  }

  /**
   * Case 3: a Kafka password (ignored by a PLAINTEXT connection) and the access token appear
   * nowhere a cluster's operators and users look: the processes' logs and output, and the REST
   * API's logs and configuration views.
   */
  @Test
  @Order(2)
  void secretsStayOutOfTheClustersLogsAndRestApi() throws Exception {
    Topics topics = topics("secrets");
    long now = System.currentTimeMillis();
    String to = profile(topics, "c-secret", now - 60_000);
    addToCart(topics, "c-secret", "k-secret", now - 30_000);
    List<String> args = new ArrayList<>(args(topics));
    args.addAll(List.of("--kafka.property.ssl.key.password", KAFKA_SECRET));

    String job = run(topics, args, null);
    // The token was used, and the Kafka clients of every task were configured.
    awaitOneMessage(to);

    Map<String, String> seen = new LinkedHashMap<>();
    for (Path file :
        List.of(
            cluster.jobManagerLog(),
            cluster.jobManagerOut(),
            cluster.taskManagerLog(),
            cluster.taskManagerOut())) {
      seen.put(file.toString(), Files.readString(file));
    }
    String taskManager =
        rest.get("/taskmanagers").okJson().path("taskmanagers").path(0).path("id").asText();
    for (String path :
        List.of(
            "/jobmanager/log",
            "/jobmanager/config",
            "/jobs/" + job + "/config",
            "/jobs/" + job + "/jobmanager/config",
            "/taskmanagers/" + taskManager + "/log")) {
      seen.put("GET " + path, rest.get(path).body());
    }
    List<String> leaks = new ArrayList<>();
    seen.forEach(
        (where, text) ->
            Stream.of(KAFKA_SECRET, TOKEN)
                .filter(text::contains)
                .forEach(
                    secret -> leaks.add(secret + " in " + where + ": " + lineWith(text, secret))));
    assertThat(leaks).as(() -> context("secrets where the cluster shows them")).isEmpty();
  }

  /**
   * Case 4: stop-with-savepoint through the REST API, then a resubmission from the savepoint: the
   * restored job knows the contact it messaged before (capped, no second message) and a profile it
   * read before the stop (a cart written while the job was down is sent).
   */
  @Test
  @Order(3)
  void aStopWithSavepointAndAResubmissionKeepTheJobsState() throws Exception {
    Topics topics = topics("upgrade");
    long now = System.currentTimeMillis();
    String once = profile(topics, "c-once", now - 60_000);
    String later = profile(topics, "c-later", now - 60_000);
    addToCart(topics, "c-once", "k-1", now - 30_000);

    String first = run(topics, args(topics), null);
    awaitOneMessage(once);
    String trigger =
        rest.stopWithSavepoint(first, cluster.directory().resolve("savepoints-" + topics.name()));
    JsonNode operation =
        await(
            "the savepoint of stop-with-savepoint of job " + first,
            SAVEPOINT,
            () -> {
              JsonNode status = rest.get("/jobs/" + first + "/savepoints/" + trigger).okJson();
              return "COMPLETED".equals(status.path("status").path("id").asText())
                  ? status.path("operation")
                  : null;
            });
    assertThat(operation.has("failure-cause"))
        .as(() -> context("stop-with-savepoint failed: " + operation))
        .isFalse();
    String savepoint = operation.path("location").asText();
    await(
        "job " + first + " to finish after stop-with-savepoint",
        JOB_RUNNING,
        () -> "FINISHED".equals(jobState(first)) ? true : null);
    jobs.remove(first);

    // While no job runs: a new cart of the contact messaged, and the first cart of the other one.
    // Stamped now: the resubmitted job resumes event time where the savepoint left it (the clock,
    // with idle-advance), so a cart stamped before the stop would be late, as without the stop.
    long down = System.currentTimeMillis();
    addToCart(topics, "c-once", "k-2", down);
    addToCart(topics, "c-later", "k-3", down);

    String second = run(topics, args(topics), savepoint);
    JsonNode restored =
        await(
            "job " + second + " to report its restore",
            CHECKPOINT,
            () -> {
              JsonNode r =
                  rest.get("/jobs/" + second + "/checkpoints")
                      .okJson()
                      .path("latest")
                      .path("restored");
              return r.isObject() ? r : null;
            });
    assertThat(restored.path("external_path").asText())
        .as(() -> context("the restore of the resubmitted job"))
        .isEqualTo(savepoint);
    awaitOneMessage(later);
    Map<String, String> outcomes =
        await(
            "outcomes of k-1, k-2 and k-3",
            MESSAGE,
            () -> {
              Map<String, String> o = outcomes(topics);
              return o.keySet().containsAll(List.of("k-1", "k-2", "k-3")) ? o : null;
            });
    assertThat(outcomes)
        .as(() -> context("the outcomes after the restore"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("k-1", "sent", "k-2", "capped", "k-3", "sent"));
    assertThat(cloudApi.received())
        .as(() -> context("messages to the contact messaged before the stop"))
        .filteredOn(m -> m.to().equals(once))
        .hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------

  /** The topics and consumer group of one test. */
  private record Topics(
      String name,
      String group,
      String clickstream,
      String contacts,
      String capping,
      String outcomes,
      String deadLetter,
      String webhooks) {}

  /** Creates a test's five topics, one partition each. */
  private static Topics topics(String name) {
    Topics t =
        new Topics(
            name,
            "cluster-" + name,
            "clickstream-" + name,
            "contacts-" + name,
            "capping-" + name,
            "outcomes-" + name,
            "dead-letter-" + name,
            "webhooks-" + name);
    kafka.createTopics(
        1, t.clickstream(), t.contacts(), t.capping(), t.outcomes(), t.deadLetter(), t.webhooks());
    return t;
  }

  /**
   * One record in each input topic, of a contact of its own, older than anything a test writes, as
   * JobUnderTest writes before every start: a partition with no record since the job started holds
   * event time back for 30 seconds, a restored job's too.
   */
  private static void prime(Topics t) {
    kafka.send(
        t.clickstream(),
        "primer",
        ShopRecords.pageView("primer", PRIMER_TIME).epochMillis().json());
    kafka.send(
        t.contacts(),
        "primer",
        ShopRecords.profile("primer").updatedAt(PRIMER_TIME).epochMillis().json());
    kafka.send(
        t.capping(), "primer", ShopRecords.capping("primer", PRIMER_TIME).epochMillis().json());
    kafka.send(t.webhooks(), "primer", JobUnderTest.primerStatus("primer", PRIMER_TIME));
  }

  /**
   * The job's arguments, as a deployment gives them: the compressed clock of the end-to-end tests
   * (carts abandoned after 3 s, event time following the wall clock after 2 quiet seconds), the
   * token from a file as the Kubernetes deployment mounts it, and no checkpoint directory: the
   * cluster has one.
   */
  private static List<String> args(Topics t) {
    return List.of(
        "--kafka.bootstrap-servers", kafka.bootstrapServers(),
        "--kafka.group-id", t.group(),
        "--topic.clickstream", t.clickstream(),
        "--topic.contacts", t.contacts(),
        "--topic.capping", t.capping(),
        "--topic.outcomes", t.outcomes(),
        "--topic.dead-letter", t.deadLetter(),
        "--topic.webhooks", t.webhooks(),
        "--rule.abandon-after", "PT3S",
        "--watermark.out-of-orderness", "PT1S",
        "--watermark.idle-advance", "PT2S",
        "--whatsapp.base-url", cloudApi.baseUrl(),
        "--whatsapp.phone-number-id", PHONE_NUMBER_ID,
        "--whatsapp.access-token-file", tokenFile.toString(),
        "--checkpoint.interval", "PT1S",
        "--parallelism", "1");
  }

  /** A consenting contact with a French number of its own; returns the number as sent. */
  private static String profile(Topics t, String contact, long at) {
    String national = "0612345%03d".formatted(Math.abs(contact.hashCode() % 1000));
    write(
        t.contacts(),
        ShopRecords.profile(contact).phone("33", national).consent(true).updatedAt(at));
    return "+336" + national.substring(2);
  }

  private static void addToCart(Topics t, String contact, String cart, long at) {
    write(
        t.clickstream(),
        ShopRecords.addToCart(contact, cart, at).product("sku-1", "Trail shoe").epochMillis());
  }

  private static void write(String topic, ShopRecords.Builder<?> record) {
    kafka.send(topic, record.contact(), record.json(), record.time().orElseThrow());
  }

  /** Primes the input topics, runs the jar and returns the job's id once all its tasks run. */
  private String run(Topics t, List<String> args, String savepointPath) throws Exception {
    prime(t);
    FlinkRest.Response run = answer(() -> rest.run(jarId, args, savepointPath), "run");
    assertThat(run.ok())
        .as(() -> context("the answer to " + run.request() + ": " + run.body()))
        .isTrue();
    String job = run.json().path("jobid").asText();
    jobs.add(job);
    await(
        "job " + job + " to run", JOB_RUNNING, () -> "RUNNING".equals(jobState(job)) ? true : null);
    return job;
  }

  /** The ids of every job the cluster knows, running or ended. */
  private static List<String> jobIds() throws Exception {
    List<String> ids = new ArrayList<>();
    rest.get("/jobs/overview").okJson().path("jobs").forEach(j -> ids.add(j.path("jid").asText()));
    return ids.stream().sorted().toList();
  }

  private String jobState(String job) throws Exception {
    JsonNode details = rest.get("/jobs/" + job).okJson();
    String state = details.path("state").asText();
    if ("FAILED".equals(state)) {
      throw new AssertionError(
          context("job " + job + " failed: " + rest.get("/jobs/" + job + "/exceptions").body()));
    }
    if (!"RUNNING".equals(state)) {
      return state;
    }
    for (JsonNode vertex : details.path("vertices")) {
      if (!"RUNNING".equals(vertex.path("status").asText())) {
        return "RUNNING (not all tasks yet)";
      }
    }
    return state;
  }

  /** Waits for one message to {@code to}, then a little longer so that a duplicate would show. */
  private ReceivedMessage awaitOneMessage(String to) throws Exception {
    await("a message to " + to, MESSAGE, () -> messagesTo(to).isEmpty() ? null : true);
    Thread.sleep(SETTLE.toMillis());
    List<ReceivedMessage> messages = messagesTo(to);
    assertThat(messages).as(() -> context("messages to " + to)).hasSize(1);
    return messages.get(0);
  }

  private static List<ReceivedMessage> messagesTo(String to) {
    return cloudApi.received().stream().filter(m -> m.to().equals(to)).toList();
  }

  /** Each cart's outcome in the fewest words: {@code sent} or the reason it was not. */
  private static Map<String, String> outcomes(Topics t) {
    Map<String, String> outcomes = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(t.outcomes())) {
      try {
        JsonNode outcome = JSON.readTree(r.value());
        outcomes.merge(
            outcome.path("cart_id").asText(),
            JobUnderTest.sentOrReason(outcome),
            (a, b) -> a + ", " + b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return outcomes;
  }

  /**
   * An error answer whose body carries {@code reason}: Flink puts the exception of the job's main,
   * with its causes, in the body's {@code errors}.
   */
  private static void assertRefused(FlinkRest.Response response, String reason) {
    assertThat(response.status())
        .as(() -> context("the status of " + response.request() + ": " + response.body()))
        .isBetween(400, 599);
    assertThat(response.body())
        .as(() -> context("the body of " + response.request()))
        .contains(reason);
  }

  private void assertClusterStillUp(String after) throws Exception {
    assertThat(cluster.isJobManagerRunning())
        .as(() -> context("the JobManager process after " + after))
        .isTrue();
    assertThat(cluster.isTaskManagerRunning())
        .as(() -> context("the TaskManager process after " + after))
        .isTrue();
    JsonNode overview = answer(() -> rest.get("/overview"), "overview").okJson();
    assertThat(overview.path("taskmanagers").asInt())
        .as(() -> context("TaskManagers registered after " + after))
        .isEqualTo(1);
  }

  /** The answer to a request, or a failure saying that none came and how the cluster is. */
  private static FlinkRest.Response answer(Callable<FlinkRest.Response> request, String what)
      throws Exception {
    try {
      return request.call();
    } catch (IOException e) {
      throw new AssertionError(
          context("the " + what + " request got no answer (" + e + "); " + jobManagerFate()), e);
    }
  }

  /** Whether the JobManager process ended (it may take a few seconds), and how. */
  private static String jobManagerFate() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (cluster.isJobManagerRunning() && System.nanoTime() - deadline < 0) {
      Thread.sleep(POLL.toMillis());
    }
    return cluster.jobManagerExitCode().isPresent()
        ? "the JobManager process exited with code " + cluster.jobManagerExitCode().getAsInt()
        : "the JobManager process still runs";
  }

  /**
   * Polls {@code probe} until it returns a value; fails after {@code timeout} with what was awaited
   * and the end of the cluster's logs.
   */
  private static <T> T await(String what, Duration timeout, Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        T value = probe.call();
        if (value != null) {
          return value;
        }
      } catch (IOException | IllegalStateException e) {
        last = e;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError(
        context(
            "timed out after "
                + timeout
                + " waiting for "
                + what
                + (last == null ? "" : "; last: " + last)),
        last);
  }

  /** A failure's message: what failed, then how the cluster is and the end of its logs. */
  private static String context(String what) {
    return what + "\n" + (cluster == null ? "(no cluster)" : cluster.describe());
  }

  private static String lineWith(String text, String secret) {
    return text.lines().filter(l -> l.contains(secret)).findFirst().orElse("").strip();
  }

  private static Path repositoryRoot() {
    return Path.of(System.getProperty("repository.root", ".."));
  }
}
