package dev.cartrescue.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.job.CartRescueJob;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The image (k8s/Dockerfile) holds the jar that the build makes, where the FlinkDeployment looks.
 */
class JobImageTest {
  private static final String JAR_DIR = "/opt/flink/usrlib/";

  @Test
  void theEntryClassIsTheJobsMain() throws Exception {
    String entryClass = Deployment.of("base").spec().path("job").path("entryClass").asText();
    assertThat(entryClass).isEqualTo(CartRescueJob.class.getName());
    Method main = Class.forName(entryClass).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
  }

  @Test
  void theJarUriIsWhereTheDockerfileCopiesTheBuildsJar() throws Exception {
    String jarName = clusterJarName();
    assertThat(Deployment.of("base").spec().path("job").path("jarURI").asText())
        .isEqualTo("local://" + JAR_DIR + jarName);
    Matcher copy =
        Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$").matcher(dockerfile());
    assertThat(copy.find()).as("a COPY line in k8s/Dockerfile").isTrue();
    assertThat(copy.group(1)).isEqualTo("job/target/" + jarName);
    assertThat(copy.group(2)).isEqualTo(JAR_DIR + jarName);
    // The build context is the repository root; its ignore file must let the jar through.
    assertThat(Repository.read(Repository.file("k8s/Dockerfile.dockerignore")))
        .contains("!job/target/" + jarName);
  }

  @Test
  void theImageRunsTheBuildsFlinkVersionOnJava17() throws Exception {
    String flinkVersion = pomProperty(Repository.file("pom.xml"), "flink.version");
    Matcher arg = Pattern.compile("(?m)^ARG FLINK_VERSION=(\\S+)$").matcher(dockerfile());
    assertThat(arg.find()).isTrue();
    assertThat(arg.group(1)).isEqualTo(flinkVersion);
    assertThat(dockerfile()).containsPattern("(?m)^FROM flink:\\$\\{FLINK_VERSION}-java17$");
    assertThat(pomProperty(Repository.file("pom.xml"), "maven.compiler.release")).isEqualTo("17");
    String[] majorMinor = flinkVersion.split("\\.");
    for (String kustomization : Deployment.KUSTOMIZATIONS) {
      JsonNode spec = Deployment.of(kustomization).spec();
      assertThat(spec.path("flinkVersion").asText())
          .isEqualTo("v" + majorMinor[0] + "_" + majorMinor[1]);
    }
  }

  @Test
  void theImageHasTheS3FileSystemAndThePrometheusReporterAsPlugins() {
    String dockerfile = dockerfile();
    assertThat(dockerfile)
        .contains("/opt/flink/plugins/s3-fs-presto/")
        .contains("/opt/flink/opt/flink-s3-fs-presto-${FLINK_VERSION}.jar")
        .contains("/opt/flink/plugins/metrics-prometheus/flink-metrics-prometheus-");
  }

  private static String dockerfile() {
    return Repository.read(Repository.file("k8s/Dockerfile"));
  }

  /** The file name of the shaded cluster jar, from the job module's shade configuration. */
  private static String clusterJarName() throws Exception {
    Document pom = parse(Repository.file("job/pom.xml"));
    NodeList outputs = pom.getElementsByTagName("outputFile");
    assertThat(outputs.getLength()).isEqualTo(1);
    String output = outputs.item(0).getTextContent().strip();
    assertThat(output).startsWith("${project.build.directory}/");
    return Path.of(output).getFileName().toString();
  }

  private static String pomProperty(Path pom, String name) throws Exception {
    NodeList found = parse(pom).getElementsByTagName(name);
    assertThat(found.getLength()).as(name + " in " + pom).isEqualTo(1);
    return found.item(0).getTextContent().strip();
  }

  private static Document parse(Path xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(xml.toFile());
  }
}
