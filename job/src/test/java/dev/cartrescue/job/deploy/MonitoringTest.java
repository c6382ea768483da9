package dev.cartrescue.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.job.CartRescueJob;
import dev.cartrescue.job.rule.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alerts and the dashboard in k8s/monitoring read metrics that exist and are documented in
 * docs/metrics.md, and every alert has a runbook entry in docs/operations.md.
 */
class MonitoringTest {
  private static final String OPERATOR_PREFIX = "flink_taskmanager_job_task_operator_";
  private static final Pattern METRIC_NAME = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");
  private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `([^`]+)` \\|");

  /** Metric registrations in the main sources: a literal name, or a literal prefix + more. */
  private static final Pattern REGISTERED =
      Pattern.compile("\\.(?:counter|gauge|histogram|meter)\\(\\s*\"([^\"]+)\"(\\s*\\+)?");

  @Test
  void theRulesAreAPrometheusRuleWithASeverityAndSummaryForEachAlert() {
    List<JsonNode> rules = rules();
    assertThat(rules).isNotEmpty();
    assertThat(rules)
        .allSatisfy(
            rule -> {
              assertThat(rule.path("alert").asText()).startsWith("CartRescue");
              assertThat(rule.path("expr").asText()).isNotBlank();
              assertThat(rule.path("labels").path("severity").asText())
                  .isIn("critical", "warning", "info");
              assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            });
  }

  @Test
  void theRulesCoverWhatTheIssueAsksFor() {
    assertThat(rules())
        .extracting(r -> r.path("alert").asText())
        .contains(
            "CartRescueNoMessagesSent",
            "CartRescueSendFailureRate",
            "CartRescueCheckpointFailures",
            "CartRescueConsumerLag",
            "CartRescueBackpressure");
  }

  @Test
  void everyAlertHasARunbookEntryInTheOperationsGuide() {
    String operations = Repository.read(Repository.file("docs/operations.md"));
    for (JsonNode rule : rules()) {
      String alert = rule.path("alert").asText();
      assertThat(rule.path("annotations").path("runbook").asText())
          .isEqualTo("docs/operations.md#" + alert.toLowerCase(Locale.ROOT));
      assertThat(operations)
          .as("a runbook heading for " + alert)
          .containsPattern("(?m)^### " + alert + "$");
    }
  }

  @Test
  void everyQueryIsAboutThisJob() {
    List<String> queries = new ArrayList<>();
    rules().forEach(r -> queries.add(r.path("expr").asText()));
    queries.addAll(dashboardQueries());
    String selector = "job_name=\"" + CartRescueJob.NAME + "\"";
    for (String query : queries) {
      Matcher names = METRIC_NAME.matcher(query);
      while (names.find()) {
        int brace = query.indexOf('{', names.end());
        assertThat(brace).as(query).isEqualTo(names.end());
        assertThat(query.substring(brace, query.indexOf('}', brace))).as(query).contains(selector);
      }
    }
  }

  @Test
  void alertsAndTheDashboardUseOnlyDocumentedMetrics() {
    Set<String> known = documentedPrometheusNames();
    Set<String> used = new TreeSet<>();
    rules().forEach(r -> used.addAll(metricNames(r.path("expr").asText())));
    dashboardQueries().forEach(q -> used.addAll(metricNames(q)));
    assertThat(used).isNotEmpty();
    assertThat(known).containsAll(used);
  }

  @Test
  void everyMetricTheJobRegistersIsDocumented() throws IOException {
    Map<String, String> documented = documentedJobMetrics();
    Set<String> registered = registeredMetrics();
    assertThat(registered).contains("abandonedCarts", "outcomesSent", "suppressed_<...>");
    for (String metric : registered) {
      String asDocumented =
          metric.endsWith("<...>")
              ? documented.keySet().stream()
                  .filter(d -> d.contains("<"))
                  .filter(d -> d.startsWith(metric.substring(0, metric.length() - 5)))
                  .findFirst()
                  .orElse(metric)
              : metric;
      assertThat(documented).as("docs/metrics.md documents " + metric).containsKey(asDocumented);
    }
  }

  @Test
  void theDashboardIsGrafanaJsonWithAQueryInEveryPanel() {
    JsonNode dashboard = dashboard();
    assertThat(dashboard.path("title").asText()).isEqualTo("cart-rescue");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique panel ids").isTrue();
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
        assertThat(panel.path("description").asText()).isNotBlank();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static List<JsonNode> rules() {
    JsonNode rule =
        Repository.yamlDocuments(Repository.file("k8s/monitoring/prometheusrule.yaml")).get(0);
    assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    List<JsonNode> rules = new ArrayList<>();
    rule.path("spec").path("groups").forEach(g -> g.path("rules").forEach(rules::add));
    return rules;
  }

  private static JsonNode dashboard() {
    try {
      return Repository.JSON.readTree(
          Repository.file("k8s/monitoring/grafana-dashboard.json").toFile());
    } catch (IOException e) {
      throw new AssertionError("the dashboard is not JSON: " + e, e);
    }
  }

  private static List<String> dashboardQueries() {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
    }
    return queries;
  }

  private static Set<String> metricNames(String query) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC_NAME.matcher(query);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** The job's metrics table of docs/metrics.md: name to its row. */
  private static Map<String, String> documentedJobMetrics() {
    Map<String, String> metrics = new LinkedHashMap<>();
    String doc = Repository.read(Repository.file("docs/metrics.md"));
    Matcher row = DOCUMENTED.matcher(doc);
    while (row.find()) {
      if (!row.group(1).startsWith("flink_")) {
        metrics.put(row.group(1), row.group());
      }
    }
    return metrics;
  }

  private static Set<String> documentedPrometheusNames() {
    Set<String> names = new TreeSet<>();
    Matcher row = DOCUMENTED.matcher(Repository.read(Repository.file("docs/metrics.md")));
    while (row.find()) {
      String name = row.group(1);
      if (name.startsWith("flink_")) {
        names.add(name);
      } else if (name.equals("suppressed_<reason>")) {
        for (Reason reason : Reason.values()) {
          names.add(OPERATOR_PREFIX + "suppressed_" + reason.code());
        }
      } else {
        names.add(OPERATOR_PREFIX + name);
      }
    }
    return names;
  }

  private static Set<String> registeredMetrics() throws IOException {
    Set<String> names = new TreeSet<>();
    List<Path> modules;
    try (Stream<Path> children = Files.list(Repository.root())) {
      // The test kit's simulator is no part of the job.
      modules =
          children
              .filter(m -> Files.isDirectory(m.resolve("src/main/java")))
              .filter(m -> !m.getFileName().toString().equals("testkit"))
              .toList();
    }
    for (Path module : modules) {
      try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
        for (Path source : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = REGISTERED.matcher(Files.readString(source));
          while (m.find()) {
            names.add(m.group(2) == null ? m.group(1) : m.group(1) + "<...>");
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return names;
  }
}
