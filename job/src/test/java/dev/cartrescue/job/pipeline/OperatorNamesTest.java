package dev.cartrescue.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.rule.WallClock;
import dev.cartrescue.testkit.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flink cuts operator names at 80 characters in its metrics, and names a source's metrics after its
 * whole chain ("Source: clickstream -> parse -> ..."): a longer name reaches an SRE's dashboard
 * cut, with a warning in the log. The job as {@link KafkaWiring} builds it, topics of the longest
 * names a deployment is likely to give them.
 */
class OperatorNamesTest {
  private static final int FLINK_METRIC_NAME_LIMIT = 80;
  private static EmbeddedKafka kafka;
  private static StreamGraph graph;

  @BeforeAll
  static void buildTheJob() {
    kafka = EmbeddedKafka.start();
    String prefix = "eu-west-1.prod.shop-analytics.";
    List<String> topics =
        List.of("clickstream", "contacts", "capping", "outcomes", "dead-letter", "webhooks")
            .stream()
            .map(t -> prefix + t)
            .toList();
    kafka.createTopics(2, topics.toArray(String[]::new));
    CartRescueOptions options =
        CartRescueOptions.parse(
            "--kafka.bootstrap-servers", kafka.bootstrapServers(),
            "--whatsapp.phone-number-id", "1234567890",
            "--topic.clickstream", topics.get(0),
            "--topic.contacts", topics.get(1),
            "--topic.capping", topics.get(2),
            "--topic.outcomes", topics.get(3),
            "--topic.dead-letter", topics.get(4),
            "--topic.webhooks", topics.get(5));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    KafkaWiring.build(env, options, WallClock.system());
    graph = env.getStreamGraph();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void everyOperatorNameFitsFlinksMetrics() {
    assertThat(graph.getStreamNodes())
        .extracting(StreamNode::getOperatorName)
        .allSatisfy(name -> assertThat(name).hasSizeLessThanOrEqualTo(FLINK_METRIC_NAME_LIMIT));
  }

  @Test
  void everySourceChainFitsFlinksMetrics() {
    List<String> sources = new ArrayList<>();
    for (JobVertex vertex : graph.getJobGraph().getVertices()) {
      if (vertex.getName().startsWith("Source: ")) {
        sources.add(vertex.getName());
      }
    }
    assertThat(sources).hasSize(6);
    assertThat(sources)
        .allSatisfy(name -> assertThat(name).hasSizeLessThanOrEqualTo(FLINK_METRIC_NAME_LIMIT));
  }
}
