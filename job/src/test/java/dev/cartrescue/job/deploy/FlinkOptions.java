package dev.cartrescue.job.deploy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MetricOptions;

/**
 * The configuration options of Flink 2.2, read by reflection from the public {@code ConfigOption}
 * constants of the {@code *Options} classes in the Flink jars on the test classpath: flink-core,
 * flink-runtime, flink-clients and flink-statebackend-rocksdb.
 */
final class FlinkOptions {
  /** A class of each jar whose options count. */
  private static final List<String> JARS_OF =
      List.of(
          "org.apache.flink.configuration.CoreOptions",
          "org.apache.flink.runtime.jobgraph.JobGraph",
          "org.apache.flink.client.cli.CliFrontend",
          "org.apache.flink.state.rocksdb.RocksDBOptions");

  /**
   * Options of a reporter, under {@code metrics.reporter.<name>.}: the reporter-level constants of
   * MetricOptions (their keys have no {@code metrics.} prefix), and {@code port}, which the
   * Prometheus reporter defines in its plugin (not on this classpath).
   */
  private static final Pattern REPORTER_KEY =
      Pattern.compile("metrics\\.reporter\\.[\\w-]+\\.(.+)");

  private static final Set<String> PROMETHEUS_REPORTER_OPTIONS = Set.of("port");

  /**
   * The S3 file system plugins pass every {@code s3.*} key on to their client (endpoint, path
   * style, credentials); their options are not on this classpath either.
   */
  private static final String S3_PREFIX = "s3.";

  private static final Map<String, ConfigOption<?>> BY_KEY = load();
  private static final Set<String> REPORTER_OPTIONS = reporterOptions();

  private FlinkOptions() {}

  static Map<String, ConfigOption<?>> all() {
    return BY_KEY;
  }

  /** The option a key sets, if it is a current key of one (a deprecated fallback key is not). */
  static Optional<ConfigOption<?>> option(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** Null if the key is known; otherwise why not. */
  static String problemWith(String key) {
    if (BY_KEY.containsKey(key)) {
      return null;
    }
    var reporter = REPORTER_KEY.matcher(key);
    if (reporter.matches()) {
      String option = reporter.group(1);
      return REPORTER_OPTIONS.contains(option) || PROMETHEUS_REPORTER_OPTIONS.contains(option)
          ? null
          : key + ": '" + option + "' is not an option of a metric reporter";
    }
    if (key.startsWith(S3_PREFIX)) {
      return null;
    }
    String replacement =
        BY_KEY.values().stream()
            .filter(o -> Set.copyOf(fallbackKeys(o)).contains(key))
            .map(ConfigOption::key)
            .findFirst()
            .map(k -> " (a deprecated key: use " + k + ")")
            .orElse("");
    return key + " is not a Flink 2.2 option" + replacement;
  }

  private static List<String> fallbackKeys(ConfigOption<?> option) {
    List<String> keys = new java.util.ArrayList<>();
    option.fallbackKeys().forEach(f -> keys.add(f.getKey()));
    return keys;
  }

  private static Map<String, ConfigOption<?>> load() {
    Map<String, ConfigOption<?>> options = new TreeMap<>();
    for (String anchor : JARS_OF) {
      Path jar = jarOf(anchor);
      try (JarFile file = new JarFile(jar.toFile())) {
        for (JarEntry entry : Collections.list(file.entries())) {
          String name = entry.getName();
          if (name.startsWith("org/apache/flink/")
              && !name.startsWith("org/apache/flink/shaded/")
              && name.endsWith("Options.class")
              && !name.contains("$")) {
            addOptionsOf(name.substring(0, name.length() - 6).replace('/', '.'), options);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + jar, e);
      }
    }
    if (!options.containsKey("state.backend.type")
        || !options.containsKey("state.backend.rocksdb.memory.managed")) {
      throw new IllegalStateException("the Flink options were not found on the classpath");
    }
    return Collections.unmodifiableMap(options);
  }

  private static void addOptionsOf(String className, Map<String, ConfigOption<?>> into) {
    Class<?> type;
    Field[] fields;
    try {
      type = Class.forName(className, false, FlinkOptions.class.getClassLoader());
      fields = type.getFields();
    } catch (ClassNotFoundException | LinkageError e) {
      // A class whose optional dependencies are absent defines no option we could use.
      return;
    }
    for (Field field : fields) {
      if (Modifier.isStatic(field.getModifiers())
          && ConfigOption.class.isAssignableFrom(field.getType())) {
        try {
          ConfigOption<?> option = (ConfigOption<?>) field.get(null);
          into.putIfAbsent(option.key(), option);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static Set<String> reporterOptions() {
    Set<String> keys = new TreeSet<>();
    for (Field field : MetricOptions.class.getFields()) {
      if (ConfigOption.class.isAssignableFrom(field.getType())) {
        try {
          String key = ((ConfigOption<?>) field.get(null)).key();
          if (!key.startsWith("metrics.")) {
            keys.add(key);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return keys;
  }

  private static Path jarOf(String className) {
    try {
      Class<?> type = Class.forName(className, false, FlinkOptions.class.getClassLoader());
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (ClassNotFoundException | URISyntaxException e) {
      throw new IllegalStateException("no Flink jar holds " + className, e);
    }
  }
}
