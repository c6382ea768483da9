package dev.cartrescue.local;

import java.io.File;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link ChaosRun} ({@code ./cart-rescue run} and a way to lose its TaskManager) as a process of
 * its own, which a test can kill and start again with {@code --restore-from latest}. Each start's
 * output and log stay in {@code dir} ({@code job-<n>.out}, {@code job-<n>.log}), its checkpoints
 * under {@code dir/checkpoints}. Closing it kills the process, so that a failed test leaves none
 * behind.
 */
final class JobProcess implements AutoCloseable {
  private final Path dir;
  private final String token;
  private final List<String> arguments;
  private final List<String> jvmOptions = new ArrayList<>();
  private Process process;
  private Writer commands;
  private Path output;
  private int starts;
  private int lostTaskManagers;

  /**
   * @param arguments the job's options, but for {@code --checkpoint.dir} and {@code
   *     --restore-from}, which this class gives
   */
  JobProcess(Path dir, String token, List<String> arguments) {
    this.dir = dir;
    this.token = token;
    this.arguments = List.copyOf(arguments);
  }

  /** Sets a Flink option over the local defaults for every later start ({@link ChaosRun}). */
  JobProcess withFlinkOption(String key, String value) {
    jvmOptions.add("-D" + ChaosRun.FLINK_OPTION + key + "=" + value);
    return this;
  }

  /** Starts the job; with {@code restore}, from its latest checkpoint if one completed. */
  void start(boolean restore) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(Files.readAllLines(Path.of("jvm.options")));
    command.add("-Dcart-rescue.log.file=" + dir.resolve("job-" + starts + ".log"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(ChaosRun.class.getName());
    command.addAll(arguments);
    command.addAll(List.of("--checkpoint.dir", checkpoints().toUri().toString()));
    if (restore && latestCheckpoint().isPresent()) {
      command.addAll(List.of("--restore-from", "latest"));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("WHATSAPP_ACCESS_TOKEN", token);
    pb.redirectErrorStream(true);
    output = dir.resolve("job-" + starts + ".out");
    pb.redirectOutput(output.toFile());
    process = pb.start();
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    starts++;
    lostTaskManagers = 0;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The current start's output. */
  Path output() {
    return output;
  }

  /** Kills the process; returns when it is certainly dead (a dying process may still send). */
  Instant kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return Instant.now();
  }

  /** Shuts the TaskManager down; returns once it is gone (its tasks with it). */
  Instant loseTaskManager() throws Exception {
    commands.write(ChaosRun.LOSE_TASK_MANAGER + "\n");
    commands.flush();
    lostTaskManagers++;
    String done = "task manager " + lostTaskManagers + " lost";
    long until = System.currentTimeMillis() + 60_000;
    while (!Files.readString(output).contains(done)) {
      if (System.currentTimeMillis() > until || !process.isAlive()) {
        throw new IllegalStateException("the task manager was not lost; see " + output);
      }
      Thread.sleep(20);
    }
    return Instant.now();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The newest completed checkpoint's metadata file, of any start. */
  Optional<File> latestCheckpoint() {
    File newest = null;
    File[] jobs = checkpoints().toFile().listFiles();
    for (File job : jobs == null ? new File[0] : jobs) {
      File[] checkpoints = job.listFiles();
      for (File c : checkpoints == null ? new File[0] : checkpoints) {
        File metadata = new File(c, "_metadata");
        if (c.getName().startsWith("chk-")
            && metadata.exists()
            && (newest == null || metadata.lastModified() > newest.lastModified())) {
          newest = metadata;
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  private Path checkpoints() {
    return dir.resolve("checkpoints");
  }
}
