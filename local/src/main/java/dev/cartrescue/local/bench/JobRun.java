package dev.cartrescue.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.local.LocalRun;
import dev.cartrescue.local.bench.FlinkRest.Vertex;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One measured run of one job on a MiniCluster of its own, started as {@code LocalRun.start} starts
 * {@code ./cart-rescue run}: from the start of the job until its input is consumed (and, for the
 * full job, until every expected outcome is committed), reading Flink's metrics through the
 * MiniCluster's REST API every half second.
 */
final class JobRun {
  private static final Duration POLL = Duration.ofMillis(500);

  /** A run that makes no progress for this long has failed. */
  static final Duration STALL = Duration.ofMinutes(3);

  /** Busy and back-pressured time of one vertex, averaged over the samples of the run. */
  record Pressure(
      double busyAvg, double busyMax, double backPressuredAvg, double backPressuredMax) {
    String describe() {
      return "busy %3.0f%% (max subtask %3.0f%%), back-pressured %3.0f%% (max %3.0f%%)"
          .formatted(busyAvg / 10, busyMax / 10, backPressuredAvg / 10, backPressuredMax / 10);
    }
  }

  /** What a run measured. */
  record Result(
      String job,
      long clickEvents,
      double launchSeconds,
      double steadyEps,
      double launchEps,
      double cpuSecondsPerMillion,
      double cpuSecondsToDone,
      double brokerCpuSeconds,
      double doneSeconds,
      List<Long> checkpointMillis,
      long stateSize,
      long maxStateSize,
      Map<String, Pressure> pressure) {}

  /**
   * What the run waits for once the input is consumed (null for nothing): {@code expected} of what
   * {@code count} counts. The run has failed when the count stands still for {@code stall}.
   */
  record Completion(Count count, long expected, Duration stall) {
    /** Fails when the count stands still for {@link #STALL}. */
    Completion(Count count, long expected) {
      this(count, expected, STALL);
    }
  }

  /** Polled with every sample once the input is consumed, with the job's REST API at hand. */
  interface Count {
    long poll(FlinkRest rest, List<Vertex> vertices) throws Exception;

    /** What a stall message adds about what is counted. */
    default String describe() {
      return "";
    }
  }

  private JobRun() {}

  /** The MiniCluster settings of every bench job: one TaskManager as a 2-core cluster has it. */
  static Configuration taskManager(String managedMemory) {
    Configuration conf = new Configuration();
    conf.setString("rest.bind-address", "localhost");
    conf.setString("rest.address", "localhost");
    conf.setString("rest.port", "0");
    conf.setString("taskmanager.numberOfTaskSlots", "2");
    conf.setString("taskmanager.memory.managed.size", managedMemory);
    // The REST API's metrics are otherwise up to 10 s old.
    conf.setString("metrics.fetcher.update-interval", "500 ms");
    // Experiments: -Dbench.flink.<key>=<value> (CART_RESCUE_JAVA_OPTS) sets a Flink option.
    conf.addAll(LocalRun.flinkOptionsFromSystemProperties("bench.flink."));
    return conf;
  }

  static Result run(
      String name,
      StreamExecutionEnvironment env,
      Configuration conf,
      long clickEvents,
      long otherInputs,
      Completion completion,
      LongSupplier brokerCpuNanos)
      throws Exception {
    long cpu0 = cpuNanos();
    long broker0 = brokerCpuNanos.getAsLong();
    long t0 = System.nanoTime();
    Configuration executorConf = new Configuration(conf);
    executorConf.set(DeploymentOptions.ATTACHED, true);
    AtomicReference<MiniCluster> cluster = new AtomicReference<>();
    JobClient job =
        LocalExecutor.createWithFactory(
                executorConf,
                miniClusterConfiguration -> {
                  MiniCluster created = new MiniCluster(miniClusterConfiguration);
                  cluster.set(created);
                  return created;
                })
            .execute(env.getStreamGraph(), executorConf, JobRun.class.getClassLoader())
            .get();
    try {
      FlinkRest rest =
          new FlinkRest(cluster.get().getRestAddress().get(), job.getJobID().toString());
      return measure(
          name, job, rest, clickEvents, otherInputs, completion, cpu0, t0, broker0, brokerCpuNanos);
    } finally {
      try {
        job.cancel().get(60, TimeUnit.SECONDS);
        job.getJobExecutionResult().handle((r, e) -> null).get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Already ended.
      }
    }
  }

  private static Result measure(
      String name,
      JobClient job,
      FlinkRest rest,
      long clickEvents,
      long otherInputs,
      Completion completion,
      long cpu0,
      long t0,
      long broker0,
      LongSupplier brokerCpuNanos)
      throws Exception {
    List<Vertex> vertices = awaitVertices(job, rest);
    Map<Vertex, String> sourceCounters = new LinkedHashMap<>();
    Vertex clickSource = null;
    for (Vertex v : vertices) {
      if (v.name().startsWith("Source:")) {
        sourceCounters.put(v, null);
        if (v.name().contains("clickstream") && clickSource == null) {
          clickSource = v;
        }
      }
    }
    if (clickSource == null) {
      throw new IllegalStateException("no clickstream source among " + vertices);
    }
    Map<String, double[]> pressureSums = new LinkedHashMap<>();
    List<long[]> samples = new ArrayList<>(); // {nanos since t0, clicks consumed}
    long consumedAt = -1;
    long cpuConsumed = 0;
    long lastProgress = System.nanoTime();
    long lastClicks = -1;
    long completed = -1;
    double launchSeconds = -1;
    while (true) {
      Thread.sleep(POLL.toMillis());
      JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      if (status.isGloballyTerminalState()) {
        throw new IllegalStateException("the " + name + " job is " + status);
      }
      long clicks = 0;
      long others = 0;
      boolean allKnown = true;
      for (Map.Entry<Vertex, String> source : sourceCounters.entrySet()) {
        if (source.getValue() == null) {
          source.setValue(recordsOutCounter(rest, source.getKey()));
        }
        if (source.getValue() == null) {
          allKnown = false;
          continue;
        }
        long n =
            rest.metrics(source.getKey(), "sum", List.of(source.getValue()))
                .getOrDefault(source.getValue(), 0.0)
                .longValue();
        if (source.getKey().equals(clickSource)) {
          clicks = n;
        } else {
          others += n;
        }
      }
      long now = System.nanoTime();
      if (launchSeconds < 0 && clicks > 0) {
        launchSeconds = (now - t0) / 1e9;
      }
      samples.add(new long[] {now - t0, clicks});
      if (clicks != lastClicks) {
        lastClicks = clicks;
        lastProgress = now;
      }
      if (consumedAt < 0) {
        if (clicks > 0) {
          for (Vertex v : vertices) {
            Map<String, Double> avg =
                rest.metrics(
                    v, "avg", List.of("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond"));
            Map<String, Double> max =
                rest.metrics(
                    v, "max", List.of("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond"));
            double[] sum = pressureSums.computeIfAbsent(v.name(), k -> new double[5]);
            sum[0] += avg.getOrDefault("busyTimeMsPerSecond", 0.0);
            sum[1] += max.getOrDefault("busyTimeMsPerSecond", 0.0);
            sum[2] += avg.getOrDefault("backPressuredTimeMsPerSecond", 0.0);
            sum[3] += max.getOrDefault("backPressuredTimeMsPerSecond", 0.0);
            sum[4]++;
          }
        }
        if (allKnown && clicks >= clickEvents && others >= otherInputs) {
          consumedAt = now;
          cpuConsumed = cpuNanos();
        }
      }
      if (consumedAt >= 0) {
        if (completion == null) {
          break;
        }
        long n = completion.count().poll(rest, vertices);
        if (n >= completion.expected()) {
          break;
        }
        if (n != completed) {
          completed = n;
          lastProgress = now;
        }
      }
      if (now - lastProgress > STALL.toNanos() && consumedAt < 0) {
        throw new IllegalStateException(
            "the "
                + name
                + " job consumed "
                + clicks
                + " of "
                + clickEvents
                + " events and then nothing for "
                + STALL.toMinutes()
                + " min; "
                + rest.diagnosis(vertices));
      }
      if (consumedAt >= 0 && now - lastProgress > completion.stall().toNanos()) {
        throw new IllegalStateException(
            "the "
                + name
                + " job consumed its input, came to "
                + completed
                + " of "
                + completion.expected()
                + ", then made no progress for "
                + completion.stall().toSeconds()
                + " s; "
                + completion.count().describe()
                + rest.diagnosis(vertices));
      }
    }
    long done = System.nanoTime();
    long cpuDone = cpuNanos();
    List<Long> checkpointMillis = new ArrayList<>();
    long stateSize = 0;
    long maxStateSize = 0;
    JsonNode checkpoints = rest.checkpoints();
    for (JsonNode c : checkpoints.path("history")) {
      if ("COMPLETED".equals(c.path("status").asText())) {
        checkpointMillis.add(0, c.path("end_to_end_duration").asLong());
        maxStateSize = Math.max(maxStateSize, c.path("state_size").asLong());
      }
    }
    JsonNode latest = checkpoints.path("latest").path("completed");
    if (!latest.isMissingNode() && !latest.isNull()) {
      stateSize = latest.path("state_size").asLong();
    }
    Map<String, Pressure> pressure = new LinkedHashMap<>();
    pressureSums.forEach(
        (vertex, s) ->
            pressure.put(vertex, new Pressure(s[0] / s[4], s[1] / s[4], s[2] / s[4], s[3] / s[4])));
    double consumedSeconds = (consumedAt - t0) / 1e9;
    return new Result(
        name,
        clickEvents,
        launchSeconds,
        steady(samples, clickEvents, clickEvents / consumedSeconds),
        clickEvents / consumedSeconds,
        (cpuConsumed - cpu0) / 1e9 / clickEvents * 1e6,
        (cpuDone - cpu0) / 1e9,
        (brokerCpuNanos.getAsLong() - broker0) / 1e9,
        (done - t0) / 1e9,
        checkpointMillis,
        stateSize,
        maxStateSize,
        pressure);
  }

  /** The CPU time of this JVM, which hosts the MiniCluster, the simulator and the bench. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The rate between 10% and 90% of the input, or {@code fallback} when too few samples. */
  static double steady(List<long[]> samples, long total, double fallback) {
    long[] from = null;
    long[] to = null;
    for (long[] s : samples) {
      if (from == null && s[1] >= total / 10) {
        from = s;
      }
      if (to == null && s[1] >= total * 9 / 10) {
        to = s;
      }
    }
    if (from == null || to == null || to[0] - from[0] < POLL.toNanos() * 3) {
      return fallback;
    }
    return (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);
  }

  private static List<Vertex> awaitVertices(JobClient job, FlinkRest rest) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        List<Vertex> vertices = rest.vertices();
        if (!vertices.isEmpty()) {
          return vertices;
        }
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The id of the source operator's {@code numRecordsOut} counter once its tasks run. */
  private static String recordsOutCounter(FlinkRest rest, Vertex v) throws Exception {
    for (String id : rest.metricIds(v)) {
      if (id.startsWith("Source__") && id.endsWith(".numRecordsOut")) {
        return id;
      }
    }
    return null;
  }
}
