package dev.cartrescue.job.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster jar carries the licences and notices of what it bundles. Runs in the {@code verify}
 * phase (maven-failsafe), after {@code package} has built the jar.
 *
 * <p>Every file of the jar belongs to one of {@link #COMPONENTS}; a file that belongs to none is a
 * bundled artifact whose licence nobody checked, and fails the test: add it to the table, to the
 * NOTICE and, unless it is under the Apache License 2.0, its licence text to {@code licenses/} and
 * the shade configuration.
 */
class ClusterJarLicencesIT {
  private static final String APACHE_2 = "META-INF/LICENSE";

  /** What the jar bundles: its files, the name the NOTICE gives it, the licence texts it needs. */
  private record Component(String noticeName, Pattern files, List<String> licenceFiles) {
    Component(String noticeName, String files, String... licenceFiles) {
      this(noticeName, Pattern.compile(files), List.of(licenceFiles));
    }
  }

  private static final List<Component> COMPONENTS =
      List.of(
          new Component("cart-rescue", "dev/cartrescue/.*", APACHE_2),
          new Component(
              "Apache Flink Kafka connector",
              "org/apache/flink/(connector/kafka|streaming/connectors/kafka|streaming/util)/.*",
              APACHE_2),
          new Component(
              "Apache Kafka clients",
              "(org/apache/kafka/|common/message/|kafka/|LICENSE$|NOTICE$).*",
              APACHE_2),
          new Component("Apache HttpComponents", "org/apache/hc/.*", APACHE_2),
          new Component("Apache Commons Lang", "org/apache/commons/lang3/.*", APACHE_2),
          new Component(
              "Jackson",
              "com/fasterxml/jackson/.*",
              APACHE_2,
              "META-INF/FastDoubleParser-LICENSE",
              "META-INF/FastDoubleParser-ThirdParty-LICENSE",
              "META-INF/Schubfach-LICENSE"),
          new Component("SnakeYAML", "org/yaml/snakeyaml/.*", APACHE_2),
          new Component("libphonenumber", "com/google/i18n/phonenumbers/.*", APACHE_2),
          new Component(
              "zstd-jni",
              "(com/github/luben/zstd/.*|[a-z]+/[a-z0-9_]+/libzstd-jni-[^/]+)",
              "META-INF/licenses/LICENSE.zstd-jni",
              "META-INF/licenses/LICENSE.zstd"),
          new Component("lz4-java", "net/jpountz/.*", APACHE_2, "META-INF/licenses/LICENSE.lz4"),
          new Component(
              "snappy-java",
              "(org/xerial/snappy/|META-INF/native-image/org\\.xerial\\.snappy/).*",
              APACHE_2,
              "META-INF/licenses/LICENSE.snappy"),
          new Component(
              "The Public Suffix List",
              "org/publicsuffix/list/effective_tld_names\\.dat",
              "org/publicsuffix/list/effective_tld_names.dat"));

  /** Metadata, not bundled code: manifests, notices, licences, services, Maven descriptors. */
  private static final Pattern METADATA =
      Pattern.compile(
          "META-INF/(MANIFEST\\.MF|NOTICE|LICENSE|licenses/.*|[A-Za-z-]+-LICENSE"
              + "|services/.*|maven/.*)");

  private static final Pattern MULTI_RELEASE = Pattern.compile("META-INF/versions/\\d+/");

  private static JarFile jar;
  private static final List<String> files = new ArrayList<>();

  @BeforeAll
  static void openJar() throws IOException {
    Path path = Path.of(System.getProperty("cluster.jar", "target/cart-rescue-job.jar"));
    assertThat(path).as("the cluster jar (mvn package builds it)").isRegularFile();
    jar = new JarFile(path.toFile());
    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
      JarEntry entry = e.nextElement();
      if (!entry.isDirectory()) {
        files.add(entry.getName());
      }
    }
  }

  @AfterAll
  static void closeJar() throws IOException {
    jar.close();
  }

  @Test
  void licenceIsTheRepositoryLicence() throws IOException {
    assertThat(text(APACHE_2)).isEqualTo(Files.readString(root().resolve("LICENSE")));
    assertThat(text(APACHE_2)).contains("Apache License", "Version 2.0, January 2004");
  }

  @Test
  void noticeBeginsWithTheRepositoryNoticeAndKeepsThoseOfTheBundledArtifacts() throws IOException {
    String notice = text("META-INF/NOTICE");
    String ours = Files.readString(root().resolve("NOTICE")).strip();
    // The transformer moves the ASF's attribution after our first paragraph; the rest is ours.
    List<String> paragraphs = List.of(ours.split("\n\s*\n"));
    assertThat(notice.strip()).startsWith(paragraphs.get(0));
    assertThat(notice).contains(paragraphs);
    assertThat(notice)
        .contains("Flink : Connectors : Kafka")
        .contains("Apache HttpClient", "Jackson")
        .contains("Apache Commons Lang");
  }

  @Test
  void everyBundledFileBelongsToAComponentWhoseLicenceIsInTheJar() throws IOException {
    Set<String> uncovered = new TreeSet<>();
    Set<Component> bundled = new LinkedHashSet<>();
    for (String file : files) {
      String name = MULTI_RELEASE.matcher(file).replaceFirst("");
      if (name.equals("module-info.class") || METADATA.matcher(name).matches()) {
        continue;
      }
      COMPONENTS.stream()
          .filter(c -> c.files().matcher(name).matches())
          .findFirst()
          .ifPresentOrElse(bundled::add, () -> uncovered.add(topOf(name)));
    }
    assertThat(uncovered)
        .as("bundled files of no known component: whose licence is it? (see this test's javadoc)")
        .isEmpty();

    String notice = Files.readString(root().resolve("NOTICE"));
    for (Component c : bundled) {
      assertThat(notice).as("the NOTICE names what the jar bundles").contains(c.noticeName());
      for (String licence : c.licenceFiles()) {
        assertThat(files).as("the licence of " + c.noticeName()).contains(licence);
      }
    }
    assertThat(text("org/publicsuffix/list/effective_tld_names.dat"))
        .contains("Mozilla Public\n// License, v. 2.0");
  }

  /**
   * Classes under {@code org.apache.flink.} load parent-first on a cluster: a copy of what the
   * distribution's lib/ ships (flink-dist, flink-cep, ...) would be dead weight, or a version
   * conflict waiting to happen. Only the Kafka connector, which lib/ does not hold, is bundled.
   */
  @Test
  void bundlesNothingOfFlinkButTheKafkaConnector() {
    Pattern kafkaConnector =
        COMPONENTS.stream()
            .filter(c -> c.noticeName().equals("Apache Flink Kafka connector"))
            .findFirst()
            .orElseThrow()
            .files();
    assertThat(files)
        .filteredOn(f -> f.startsWith("org/apache/flink/"))
        .allMatch(f -> kafkaConnector.matcher(f).matches(), "part of the Kafka connector");
  }

  @Test
  void everyLicenceTextOfTheRepositoryIsInTheJar() throws IOException {
    try (var licences = Files.list(root().resolve("licenses"))) {
      for (Path licence : licences.toList()) {
        String entry = "META-INF/licenses/" + licence.getFileName();
        assertThat(text(entry)).isEqualTo(Files.readString(licence));
      }
    }
  }

  private static String topOf(String name) {
    String[] parts = name.split("/");
    return String.join("/", List.of(parts).subList(0, Math.min(3, parts.length)));
  }

  private static String text(String entry) throws IOException {
    JarEntry e = jar.getJarEntry(entry);
    assertThat(e).as(entry + " in the cluster jar").isNotNull();
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Path root() {
    return Path.of(System.getProperty("repository.root", ".."));
  }
}
