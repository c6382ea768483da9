package dev.cartrescue.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Hot frames per operator from a JFR recording: Java execution samples ({@code
 * jdk.ExecutionSample}) grouped by thread, where Flink names a task's thread after its chain of
 * operators, plus native samples ({@code jdk.NativeMethodSample}) whose top frame is RocksDB's JNI,
 * which execution samples never see. Per group: the top frames by self time, and the top methods of
 * Flink, Kafka, Jackson, RocksDB and the job by inclusive time (JDK frames left out).
 */
final class JfrSummary {
  private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?$");
  private static final Pattern NUMBERED = Pattern.compile("-\\d+$");

  private JfrSummary() {}

  private static final class Group {
    long java;
    long rocksDbNative;
    final Map<String, Long> self = new HashMap<>();
    final Map<String, Long> inclusive = new HashMap<>();
  }

  static String summarise(Path recording, int top) throws IOException {
    Map<String, Group> groups = new HashMap<>();
    long total = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        boolean java = type.equals("jdk.ExecutionSample");
        if (!java && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        List<RecordedFrame> frames = stack.getFrames();
        String topFrame = frame(frames.get(0));
        if (!java && !topFrame.startsWith("org.rocksdb.")) {
          continue; // waiting in native code (a socket, a park): not work
        }
        String thread =
            event.getThread("sampledThread") == null
                ? "?"
                : event.getThread("sampledThread").getJavaName();
        Group g = groups.computeIfAbsent(group(thread), k -> new Group());
        total++;
        if (java) {
          g.java++;
        } else {
          g.rocksDbNative++;
        }
        g.self.merge(topFrame, 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String name = frame(f);
          if (!name.startsWith("java.")
              && !name.startsWith("jdk.")
              && !name.startsWith("sun.")
              && seen.add(name)) {
            g.inclusive.merge(name, 1L, Long::sum);
          }
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("samples: ").append(total).append(" (Java execution + RocksDB JNI)\n");
    List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort((a, b) -> Long.compare(size(b.getValue()), size(a.getValue())));
    for (Map.Entry<String, Group> e : sorted) {
      Group g = e.getValue();
      if (size(g) * 100 < total) {
        continue; // under 1%
      }
      out.append("\n== ")
          .append(e.getKey())
          .append(": ")
          .append(size(g))
          .append(" samples (")
          .append(percent(size(g), total))
          .append(" of all; RocksDB JNI ")
          .append(g.rocksDbNative)
          .append(")\n  self:\n");
      append(out, g.self, size(g), top);
      out.append("  inclusive (no JDK frames):\n");
      append(out, g.inclusive, size(g), top);
    }
    return out.toString();
  }

  private static long size(Group g) {
    return g.java + g.rocksDbNative;
  }

  private static void append(StringBuilder out, Map<String, Long> counts, long of, int top) {
    counts.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(top)
        .forEach(
            c ->
                out.append("    ")
                    .append(String.format("%6s", percent(c.getValue(), of)))
                    .append("  ")
                    .append(c.getKey())
                    .append('\n'));
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "0%" : String.format("%.1f%%", 100.0 * part / whole);
  }

  private static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  /** A task thread's chain of operators without its subtask; other threads without a number. */
  static String group(String thread) {
    String name = SUBTASK.matcher(thread).replaceFirst("");
    name = NUMBERED.matcher(name).replaceFirst("-N");
    return name.length() > 160 ? name.substring(0, 157) + "..." : name;
  }

  static void write(Path recording, Path text) throws IOException {
    Files.writeString(text, summarise(recording, 12));
  }
}
