package dev.cartrescue.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One combined KRaft broker and controller in a JVM process of its own, which a test can stop, kill
 * and start again on the same ports and log directory: the in-JVM {@link EmbeddedKafka} cannot come
 * back on its port. Apart from what a one-node cluster cannot do without (replication factor 1 for
 * the internal topics), the broker runs with stock settings, so {@code transaction.max.timeout.ms}
 * stays at 15 minutes.
 *
 * <p>Everything lives in the directory given to {@link #start(Path)}: {@code server.properties},
 * the log directory {@code data/}, and the broker's output, one {@code broker-<n>.log} per start.
 * The directory is kept on close, for a failed test to be easy to read.
 */
public final class KafkaBrokerProcess extends KafkaBroker {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** A controlled shutdown of one node takes a few seconds; a kill, none. */
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration READY_POLL = Duration.ofMillis(100);
  private static final int LOG_TAIL_BYTES = 8 * 1024;

  /** Only validated, never created: proves the controller would place a partition on the broker. */
  private static final String READY_CHECK_TOPIC = "kafka-broker-process-ready-check";

  /** The broker's own logging: INFO, to its output, which goes to its log file. */
  private static final String LOG4J2_PROPERTIES =
      String.join(
          "\n",
          "status = warn",
          // Kafka logs its own shutdown from a shutdown hook: log4j must not stop before it.
          "shutdownHook = disable",
          "appender.out.type = Console",
          "appender.out.name = out",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%d] %p %m (%c)%n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.out.ref = out",
          "");

  private final Path directory;
  private final int port;
  private Process process;
  private int starts;

  private KafkaBrokerProcess(Path directory, int port) {
    super("localhost:" + port);
    this.directory = directory;
    this.port = port;
  }

  /**
   * Formats a fresh log directory under {@code directory}, picks two free ports (clients and
   * controller), starts the broker and returns once it accepts clients.
   */
  public static KafkaBrokerProcess start(Path directory) {
    Path absolute = directory.toAbsolutePath();
    if (Files.exists(absolute.resolve("data"))) {
      // Writing new settings there would move a broker that may still run to other ports.
      throw new IllegalArgumentException(
          absolute + " holds a broker already; a broker starts from a fresh directory");
    }
    int[] ports = ChildProcesses.freePorts(2);
    try {
      Files.createDirectories(absolute);
      Files.writeString(
          absolute.resolve("server.properties"),
          serverProperties(ports[0], ports[1], absolute.resolve("data")));
      Files.writeString(absolute.resolve("log4j2.properties"), LOG4J2_PROPERTIES);
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare the broker in " + absolute, e);
    }
    KafkaBrokerProcess broker = new KafkaBrokerProcess(absolute, ports[0]);
    broker.format();
    broker.launch();
    return broker;
  }

  /** Where the broker keeps its settings, data and output; kept on close. */
  public Path directory() {
    return directory;
  }

  /** The output of the latest start of the broker. */
  public synchronized Path logFile() {
    return logFile(starts);
  }

  /** Stops the broker with SIGTERM (a controlled shutdown) and waits until the process is gone. */
  public synchronized void stop() {
    if (isRunning()) {
      process.destroy();
      awaitExit("stop");
    }
  }

  /** Kills the broker with SIGKILL and waits until the process is gone. */
  public synchronized void kill() {
    if (isRunning()) {
      process.destroyForcibly();
      awaitExit("die");
    }
  }

  /**
   * Starts the broker again on the same ports and log directory and returns once it accepts
   * clients; stops it first if it is running.
   */
  public synchronized void restart() {
    stop();
    launch();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Closes the clients and kills the broker if it runs; keeps the directory. */
  @Override
  public void close() {
    // First, while the broker may still take them, the records the producer holds.
    clients.close();
    kill();
  }

  private void format() {
    Path log = logFile(1);
    String[] args = {
      "format",
      "--cluster-id",
      Uuid.randomUuid().toString(),
      "--config",
      directory.resolve("server.properties").toString()
    };
    int exitCode;
    try (PrintStream out =
        new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
      exitCode = StorageTool.execute(args, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      // Also a directory formatted before: a test starts from a fresh one.
      throw new IllegalStateException("could not format " + directory + ":\n" + tail(log), e);
    }
    if (exitCode != 0) {
      throw new IllegalStateException("could not format " + directory + ":\n" + tail(log));
    }
  }

  private synchronized void launch() {
    starts++;
    Path log = logFile(starts);
    ProcessBuilder builder =
        new ProcessBuilder(
                ChildProcesses.java(),
                "-Xmx512m",
                // A test broker carries little load: quick start and two-core machines matter more
                // than peak speed (a third less start time here).
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + directory.resolve("log4j2.properties"),
                "-cp",
                System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                directory.resolve("server.properties").toString())
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Standard input stays a pipe from this JVM: its end tells KafkaBrokerMain to shut down.
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Kafka broker process", e);
    }
    try {
      awaitReady();
    } catch (RuntimeException e) {
      process.destroyForcibly();
      try {
        process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        e.addSuppressed(interrupted);
      }
      throw e;
    }
  }

  /**
   * Ready means: the broker answers, and the controller would create a topic on it, which it does
   * only once the broker has registered and is unfenced. The check only validates the topic, so it
   * leaves nothing behind.
   */
  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      awaitPort(deadline);
      awaitController(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for the Kafka broker", e);
    }
  }

  /**
   * Waits with plain connections until the port is open: an admin client facing a closed port
   * rebootstraps in a busy loop, and complains at every attempt.
   */
  private void awaitPort(long deadline) throws InterruptedException {
    while (true) {
      checkAlive(null);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("localhost", port), (int) READY_POLL.toMillis());
        return;
      } catch (IOException e) {
        if (System.nanoTime() - deadline > 0) {
          throw failure("the Kafka broker did not open port " + port + " in " + READY_TIMEOUT, e);
        }
      }
      Thread.sleep(READY_POLL.toMillis());
    }
  }

  private void awaitController(long deadline) throws InterruptedException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, (int) READY_POLL.toMillis());
    int attemptMillis = 2000;
    Exception lastFailure = null;
    try (Admin admin = Admin.create(props)) {
      while (true) {
        checkAlive(lastFailure);
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(attemptMillis))
              .nodes()
              .get();
          admin
              .createTopics(
                  List.of(new NewTopic(READY_CHECK_TOPIC, 1, (short) 1)),
                  new CreateTopicsOptions().validateOnly(true).timeoutMs(attemptMillis))
              .all()
              .get();
          return;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) {
            return;
          }
          lastFailure = e;
        }
        if (System.nanoTime() - deadline > 0) {
          throw failure("the Kafka broker was not ready in " + READY_TIMEOUT, lastFailure);
        }
        Thread.sleep(READY_POLL.toMillis());
      }
    }
  }

  private void checkAlive(Exception lastFailure) {
    if (!process.isAlive()) {
      throw failure("the Kafka broker exited with code " + process.exitValue(), lastFailure);
    }
  }

  private void awaitExit(String what) {
    try {
      if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw failure("the Kafka broker did not " + what + " in " + EXIT_TIMEOUT, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for the Kafka broker to " + what, e);
    }
  }

  private IllegalStateException failure(String message, Exception cause) {
    Path log = logFile(starts);
    return new IllegalStateException(message + "; the end of " + log + ":\n" + tail(log), cause);
  }

  private Path logFile(int start) {
    return directory.resolve("broker-" + start + ".log");
  }

  private static String tail(Path file) {
    return ChildProcesses.tail(file, LOG_TAIL_BYTES);
  }

  private static String serverProperties(int port, int controllerPort, Path logDirectory) {
    return String.join(
        "\n",
        "# One combined KRaft broker and controller, written by KafkaBrokerProcess.",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@localhost:" + controllerPort,
        "controller.listener.names=CONTROLLER",
        "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + logDirectory,
        "# What one node cannot do without, and no 3 s wait before a group's first rebalance;",
        "# everything else stays as a stock broker has it.",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "");
  }
}
