package dev.cartrescue.testkit.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.testkit.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster as a data platform team runs one: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and one TaskManager ({@code TaskManagerRunner}), each a JVM
 * process of its own, started from a {@code lib/} directory of Flink jars with a configuration
 * directory holding {@code config.yaml}, as the distribution's {@code jobmanager.sh} and {@code
 * taskmanager.sh} start them. Jobs reach it through its REST API only ({@link #restUrl()}).
 *
 * <p>Everything lives in the directory given to {@link #builder}: {@code conf/} (config.yaml and
 * log4j.properties), {@code log/} ({@code jobmanager.log} and {@code taskmanager.log}, each
 * process's standard output and error in a {@code .out} file beside its log, where the REST API
 * looks for it), {@code checkpoints/} and {@code savepoints/} (the cluster's {@code
 * execution.checkpointing.dir} and {@code execution.checkpointing.savepoint-dir}), {@code tmp/},
 * and {@code work/}, the working directory of both processes. The directory is kept on close, for a
 * failed test to be easy to read.
 *
 * <p>Like the distribution's scripts, it asks Flink's {@code BashJavaUtils} for each process's JVM
 * memory options and the memory settings derived from {@code *.memory.process.size}; without them a
 * TaskManager does not start.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

  private static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String BASH_JAVA_UTILS_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

  private static final Duration MEMORY_OPTIONS_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final int LOG_TAIL_BYTES = 4 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A test cluster carries little load: quick starts matter more on a two-core machine than peak
   * speed (a sixth less JobManager start time here, as for the Kafka broker process). Options given
   * to {@link Builder#jvmOptions} come later and win.
   */
  private static final List<String> QUICK_START =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /** The distribution's conf/log4j.properties, without rolling: one file per process. */
  private static final String LOG4J_PROPERTIES =
      String.join(
          "\n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.file.ref = MainAppender",
          "logger.pekko.name = org.apache.pekko",
          "logger.pekko.level = INFO",
          "logger.kafka.name = org.apache.kafka",
          "logger.kafka.level = INFO",
          "logger.zookeeper.name = org.apache.zookeeper",
          "logger.zookeeper.level = INFO",
          "logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3",
          "logger.shaded_zookeeper.level = INFO",
          "appender.main.name = MainAppender",
          "appender.main.type = File",
          "appender.main.append = true",
          "appender.main.fileName = ${sys:log.file}",
          "appender.main.layout.type = PatternLayout",
          "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
          "logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline",
          "logger.netty.level = OFF",
          "");

  private final Path directory;
  private final int restPort;
  private final HttpClient http;
  private final Process jobManager;
  private final Process taskManager;
  private final Thread killOnExit;

  private StandaloneFlinkCluster(
      Path directory, int restPort, Process jobManager, Process taskManager, Thread killOnExit) {
    this.directory = directory;
    this.restPort = restPort;
    this.jobManager = jobManager;
    this.taskManager = taskManager;
    this.killOnExit = killOnExit;
    this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  }

  /**
   * A cluster from the Flink jars in {@code lib}, living in {@code directory}, which must not hold
   * a cluster already.
   */
  public static Builder builder(Path lib, Path directory) {
    return new Builder(lib, directory);
  }

  /** How a cluster starts: its settings, the JVM options and the environment of its processes. */
  public static final class Builder {
    private final Path lib;
    private final Path directory;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(Path lib, Path directory) {
      this.lib = lib.toAbsolutePath();
      this.directory = directory.toAbsolutePath();
      // Small enough for a two-core machine with a few other JVMs; a real TaskManager all the
      // same, with managed memory for RocksDB.
      settings.put("jobmanager.memory.process.size", "1024m");
      settings.put("taskmanager.memory.process.size", "1536m");
      settings.put("taskmanager.numberOfTaskSlots", "2");
      settings.put("parallelism.default", "1");
      settings.put("state.backend.type", "rocksdb");
      settings.put(
          "execution.checkpointing.dir", this.directory.resolve("checkpoints").toUri().toString());
      settings.put(
          "execution.checkpointing.savepoint-dir",
          this.directory.resolve("savepoints").toUri().toString());
      settings.put("io.tmp.dirs", this.directory.resolve("tmp").toString());
      settings.put("web.tmpdir", this.directory.resolve("tmp").toString());
    }

    /** A setting of the cluster's config.yaml; replaces the builder's own for that key. */
    public Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /** JVM options of both processes ({@code --add-opens ...}), after the memory options. */
    public Builder jvmOptions(Collection<String> options) {
      options.stream().map(String::strip).filter(o -> !o.isEmpty()).forEach(jvmOptions::add);
      return this;
    }

    /** An environment variable of both processes. */
    public Builder environment(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /**
     * Writes the configuration, starts the JobManager and the TaskManager, and returns once the
     * REST API answers and the TaskManager has registered.
     */
    public StandaloneFlinkCluster start() {
      return StandaloneFlinkCluster.start(this);
    }
  }

  private static StandaloneFlinkCluster start(Builder b) {
    Path directory = b.directory;
    if (Files.exists(directory.resolve("conf"))) {
      throw new IllegalArgumentException(
          directory + " holds a cluster already; a cluster starts from a fresh directory");
    }
    int[] ports = ChildProcesses.freePorts(2);
    Map<String, String> settings = new LinkedHashMap<>();
    // Everything on the loopback address, on ports of its own: clusters of parallel builds and
    // anything else on the machine stay apart.
    settings.put("jobmanager.rpc.address", "localhost");
    settings.put("jobmanager.bind-host", "localhost");
    settings.put("jobmanager.rpc.port", String.valueOf(ports[0]));
    settings.put("taskmanager.host", "localhost");
    settings.put("taskmanager.bind-host", "localhost");
    settings.put("rest.address", "localhost");
    settings.put("rest.bind-address", "localhost");
    settings.put("rest.port", String.valueOf(ports[1]));
    settings.putAll(b.settings);
    int restPort = Integer.parseInt(settings.get("rest.port"));

    List<String> classPath;
    try {
      Files.createDirectories(directory.resolve("conf"));
      Files.createDirectories(directory.resolve("log"));
      Files.createDirectories(directory.resolve("tmp"));
      Files.createDirectories(directory.resolve("work"));
      Files.writeString(directory.resolve("conf/config.yaml"), configYaml(settings));
      Files.writeString(directory.resolve("conf/log4j.properties"), LOG4J_PROPERTIES);
      classPath = classPath(b.lib, directory.resolve("launcher"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare the Flink cluster in " + directory, e);
    }

    // Both at once: each is a JVM start of a few seconds.
    CompletableFuture<List<List<String>>> jobManagerMemory =
        CompletableFuture.supplyAsync(
            () -> memoryOptions(b, classPath, "GET_JM_RESOURCE_PARAMS", "jobmanager"));
    List<List<String>> taskManagerMemory =
        memoryOptions(b, classPath, "GET_TM_RESOURCE_PARAMS", "taskmanager");

    Process jobManager = null;
    Process taskManager = null;
    Thread killOnExit = null;
    try {
      jobManager = launch(b, classPath, "jobmanager", JOB_MANAGER_MAIN, join(jobManagerMemory));
      taskManager = launch(b, classPath, "taskmanager", TASK_MANAGER_MAIN, taskManagerMemory);
      Process jm = jobManager;
      Process tm = taskManager;
      // A test JVM that ends without closing the cluster (a failure in a static initialiser,
      // Ctrl-C) takes it along; a SIGKILL does too, through FlinkProcessMain.
      killOnExit =
          new Thread(
              () -> {
                tm.destroyForcibly();
                jm.destroyForcibly();
              },
              "flink-cluster-kill");
      Runtime.getRuntime().addShutdownHook(killOnExit);
      StandaloneFlinkCluster cluster =
          new StandaloneFlinkCluster(directory, restPort, jobManager, taskManager, killOnExit);
      cluster.awaitTaskManagers(1, READY_TIMEOUT);
      return cluster;
    } catch (RuntimeException e) {
      for (Process p : new Process[] {taskManager, jobManager}) {
        if (p != null) {
          p.destroyForcibly();
        }
      }
      if (killOnExit != null) {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      }
      throw e;
    }
  }

  /** {@code http://localhost:<port>}: the REST API (and web UI) of the JobManager. */
  public URI restUrl() {
    return URI.create("http://localhost:" + restPort);
  }

  /** Where the cluster keeps its settings, logs, checkpoints and savepoints; kept on close. */
  public Path directory() {
    return directory;
  }

  /** The cluster's {@code execution.checkpointing.dir}, unless a setting gave another one. */
  public Path checkpointDirectory() {
    return directory.resolve("checkpoints");
  }

  /** The cluster's {@code execution.checkpointing.savepoint-dir}, unless a setting gave another. */
  public Path savepointDirectory() {
    return directory.resolve("savepoints");
  }

  /** The working directory of both processes: where relative paths of a job's main end up. */
  public Path workingDirectory() {
    return directory.resolve("work");
  }

  public Path configFile() {
    return directory.resolve("conf/config.yaml");
  }

  public Path jobManagerLog() {
    return logFile("jobmanager", "log");
  }

  public Path taskManagerLog() {
    return logFile("taskmanager", "log");
  }

  /** What the JobManager process wrote to its standard output and error. */
  public Path jobManagerOut() {
    return logFile("jobmanager", "out");
  }

  /** What the TaskManager process wrote to its standard output and error. */
  public Path taskManagerOut() {
    return logFile("taskmanager", "out");
  }

  public boolean isJobManagerRunning() {
    return jobManager.isAlive();
  }

  public boolean isTaskManagerRunning() {
    return taskManager.isAlive();
  }

  /** The JobManager's exit code, when it has ended. */
  public OptionalInt jobManagerExitCode() {
    return jobManager.isAlive() ? OptionalInt.empty() : OptionalInt.of(jobManager.exitValue());
  }

  /** The TaskManager's exit code, when it has ended. */
  public OptionalInt taskManagerExitCode() {
    return taskManager.isAlive() ? OptionalInt.empty() : OptionalInt.of(taskManager.exitValue());
  }

  /**
   * Waits until the JobManager's REST API says that at least {@code count} TaskManagers are
   * registered; fails with the end of the logs when that takes longer than {@code timeout} or a
   * process ends meanwhile.
   */
  public void awaitTaskManagers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (true) {
      checkAlive("waiting for " + count + " TaskManager(s) to register");
      try {
        JsonNode overview = overview();
        int registered = overview.path("taskmanagers").asInt();
        if (registered >= count) {
          return;
        }
        last = registered + " TaskManager(s) registered";
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted while waiting for the Flink cluster", e);
      }
      if (System.nanoTime() - deadline > 0) {
        throw failure(
            count + " TaskManager(s) did not register in " + timeout + " (last: " + last + ")",
            null);
      }
      sleep();
    }
  }

  /** {@code GET /overview}: TaskManagers, slots and jobs; fails if the REST API does not answer. */
  public JsonNode overview() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(restUrl().resolve("/overview")).timeout(REQUEST_TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET /overview answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * Whether each process runs, and the end of the logs and output of both: for the message of a
   * failed test.
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append("Flink cluster in ")
        .append(directory)
        .append(": JobManager ")
        .append(state(jobManager));
    s.append(", TaskManager ").append(state(taskManager)).append('\n');
    for (Path file :
        List.of(jobManagerOut(), jobManagerLog(), taskManagerOut(), taskManagerLog())) {
      s.append("--- the end of ").append(file).append(":\n");
      s.append(ChildProcesses.tail(file, LOG_TAIL_BYTES)).append('\n');
    }
    return s.toString();
  }

  /**
   * Stops both processes with SIGTERM, as the distribution's {@code stop-cluster.sh} does, and
   * waits until they are gone; kills what is still there after a while.
   */
  public void stop() {
    taskManager.destroy();
    jobManager.destroy();
    boolean stopped = awaitExit(taskManager) & awaitExit(jobManager);
    Runtime.getRuntime().removeShutdownHook(killOnExit);
    if (!stopped) {
      throw failure("the Flink cluster did not stop in " + EXIT_TIMEOUT + "; killed it", null);
    }
  }

  /** Kills both processes with SIGKILL and waits until they are gone. */
  public void kill() {
    taskManager.destroyForcibly();
    jobManager.destroyForcibly();
    awaitExit(taskManager);
    awaitExit(jobManager);
    Runtime.getRuntime().removeShutdownHook(killOnExit);
  }

  /** Stops the cluster (kills it when it does not stop); keeps the directory. */
  @Override
  public void close() {
    if (jobManager.isAlive() || taskManager.isAlive()) {
      stop();
    } else {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The jars of {@code lib} in name order, as the distribution's scripts list them, after a
   * directory holding {@link FlinkProcessMain} alone.
   */
  private static List<String> classPath(Path lib, Path launcher) throws IOException {
    List<String> jars;
    try (Stream<Path> files = Files.list(lib)) {
      jars =
          files
              .filter(f -> f.getFileName().toString().endsWith(".jar"))
              .map(Path::toString)
              .sorted()
              .collect(Collectors.toCollection(ArrayList::new));
    } catch (IOException e) {
      throw new UncheckedIOException("no Flink lib/ at " + lib, e);
    }
    if (jars.isEmpty()) {
      throw new IllegalArgumentException("no Flink jars in " + lib);
    }
    String classFile = FlinkProcessMain.class.getName().replace('.', '/') + ".class";
    Path target = launcher.resolve(classFile);
    Files.createDirectories(target.getParent());
    try (InputStream in = FlinkProcessMain.class.getClassLoader().getResourceAsStream(classFile)) {
      if (in == null) {
        throw new IllegalStateException(classFile + " is not on the class path");
      }
      Files.write(target, in.readAllBytes());
    }
    jars.add(0, launcher.toString());
    return jars;
  }

  /**
   * What {@code BashJavaUtils} says a process needs: its JVM memory options, and the memory
   * settings to pass as {@code -D key=value} dynamic properties.
   */
  private static List<List<String>> memoryOptions(
      Builder b, List<String> classPath, String command, String name) {
    Path out = b.directory.resolve("log/" + name + "-memory.out");
    List<String> commandLine = new ArrayList<>();
    commandLine.add(ChildProcesses.java());
    commandLine.addAll(QUICK_START);
    commandLine.addAll(
        List.of(
            "-cp",
            String.join(File.pathSeparator, classPath),
            BASH_JAVA_UTILS,
            command,
            "--configDir",
            b.directory.resolve("conf").toString()));
    try {
      Process p =
          new ProcessBuilder(commandLine)
              .directory(b.directory.resolve("work").toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(MEMORY_OPTIONS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            BASH_JAVA_UTILS + " " + command + " did not end in " + MEMORY_OPTIONS_TIMEOUT);
      }
      List<String> results =
          Files.readAllLines(out).stream()
              .filter(line -> line.startsWith(BASH_JAVA_UTILS_RESULT))
              .map(line -> line.substring(BASH_JAVA_UTILS_RESULT.length()).strip())
              .toList();
      if (p.exitValue() != 0 || results.size() < 2) {
        throw new IllegalStateException(
            BASH_JAVA_UTILS
                + " "
                + command
                + " exited with "
                + p.exitValue()
                + ":\n"
                + ChildProcesses.tail(out, LOG_TAIL_BYTES));
      }
      List<String> last = results.subList(results.size() - 2, results.size());
      return List.of(words(last.get(0)), words(last.get(1)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + BASH_JAVA_UTILS, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + BASH_JAVA_UTILS, e);
    }
  }

  private static Process launch(
      Builder b, List<String> classPath, String name, String mainClass, List<List<String>> memory) {
    List<String> command = new ArrayList<>();
    command.add(ChildProcesses.java());
    command.addAll(memory.get(0));
    command.addAll(QUICK_START);
    command.addAll(b.jvmOptions);
    command.add("-Dlog.file=" + b.directory.resolve("log/" + name + ".log"));
    command.add(
        "-Dlog4j.configurationFile=" + b.directory.resolve("conf/log4j.properties").toUri());
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(FlinkProcessMain.class.getName());
    command.add(mainClass);
    command.add("--configDir");
    command.add(b.directory.resolve("conf").toString());
    command.addAll(memory.get(1));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(b.directory.resolve("work").toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    b.directory.resolve("log/" + name + ".out").toFile()));
    builder.environment().putAll(b.environment);
    // Standard input stays a pipe from this JVM: its end tells FlinkProcessMain to exit.
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Flink " + name, e);
    }
  }

  /**
   * Flat keys, every value a single-quoted YAML string: Flink converts them to each option's type.
   */
  private static String configYaml(Map<String, String> settings) {
    StringBuilder yaml = new StringBuilder("# Written by StandaloneFlinkCluster.\n");
    settings.forEach(
        (key, value) ->
            yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
    return yaml.toString();
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static List<String> words(String line) {
    return Arrays.stream(line.split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  private void checkAlive(String doing) {
    if (!jobManager.isAlive() || !taskManager.isAlive()) {
      throw failure("a process of the Flink cluster ended while " + doing, null);
    }
  }

  private boolean awaitExit(Process process) {
    try {
      if (process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.destroyForcibly();
      process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private IllegalStateException failure(String message, Exception cause) {
    return new IllegalStateException(message + "\n" + describe(), cause);
  }

  private static String state(Process process) {
    return process.isAlive() ? "running" : "exited with code " + process.exitValue();
  }

  private Path logFile(String name, String extension) {
    return directory.resolve("log/" + name + "." + extension);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Flink cluster", e);
    }
  }
}
