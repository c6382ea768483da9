package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.config.CartRescueOptions;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfileParser;
import dev.cartrescue.job.records.FuzzedRecords;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.cloudapi.CloudApiSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never stops the job and is never silently dropped: fuzzed records (random bytes,
 * truncated and deeply nested JSON, huge values, wrong types, NaN, absurd timestamps, unknown
 * fields) go to the dead-letter topic, and the good carts between them all get their outcome. The
 * job runs with restarts disabled, so a single failure caused by input would end it.
 */
class BadInputEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GOOD_CARTS = 10;
  private static final int KAFKA_SAFE_SIZE = 900_000;

  @TempDir Path temp;

  @Test
  void fuzzedRecordsBecomeDeadLettersAndNeverStopTheJob() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        CloudApiSimulator cloudApi = CloudApiSimulator.start(0, "fuzz-token")) {
      kafka.createTopics(
          2,
          "clickstream",
          "contacts",
          "whatsapp-cart-recovery-capping",
          "cart-recovery-outcomes",
          "cart-recovery-dead-letter");

      long now = System.currentTimeMillis();
      List<byte[]> fuzzed =
          FuzzedRecords.values(7, 300).stream().filter(v -> v.length < KAFKA_SAFE_SIZE).toList();
      int refused = 0;
      int good = 0;
      for (int i = 0; i < fuzzed.size(); i++) {
        String value = new String(fuzzed.get(i), StandardCharsets.UTF_8);
        kafka.send("clickstream", "fuzz", value, now - 60_000);
        kafka.send("contacts", "fuzz", value, now - 60_000);
        refused += refusedBy(new ClickEventParser(), fuzzed.get(i), now - 60_000) ? 1 : 0;
        refused += refusedBy(new ContactProfileParser(), fuzzed.get(i), now - 60_000) ? 1 : 0;
        if (i % (fuzzed.size() / GOOD_CARTS) == 0 && good < GOOD_CARTS) {
          kafka.send(
              "clickstream",
              "c-good-" + good,
              ("{\"type\":\"add_to_cart\",\"contact_id\":\"c-good-%d\",\"timestamp\":%d,"
                      + "\"cart_id\":\"k-%d\"}")
                  .formatted(good, now - 30_000 + i, good),
              now - 30_000 + i);
          good++;
        }
      }
      kafka.send("contacts", "c-gone", null, now - 50_000);

      Path token = Files.writeString(temp.resolve("token"), "fuzz-token");
      Configuration noRestarts = new Configuration();
      noRestarts.setString("rest.port", "0");
      noRestarts.setString("restart-strategy.type", "none");
      JobClient job =
          CartRescueJob.start(
              CartRescueOptions.parse(
                  "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                  "--rule.abandon-after", "PT3S",
                  "--watermark.out-of-orderness", "PT1S",
                  "--watermark.idle-advance", "PT2S",
                  "--whatsapp.base-url", cloudApi.baseUrl(),
                  "--whatsapp.phone-number-id", "1",
                  "--whatsapp.access-token-file", token.toString(),
                  "--checkpoint.interval", "PT1S",
                  "--checkpoint.dir", temp.resolve("checkpoints").toUri().toString(),
                  "--parallelism", "2"),
              noRestarts);
      try {
        long until = System.currentTimeMillis() + 90_000;
        while (goodOutcomes(kafka).size() < GOOD_CARTS && System.currentTimeMillis() < until) {
          Thread.sleep(500);
        }
        Thread.sleep(2000);

        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        Map<String, Long> outcomes =
            goodOutcomes(kafka).stream()
                .collect(
                    Collectors.groupingBy(
                        o -> o.get("contact_id").asText(), Collectors.counting()));
        assertThat(outcomes).hasSize(GOOD_CARTS).allSatisfy((contact, n) -> assertThat(n).isOne());
        assertThat(kafka.readAll("cart-recovery-dead-letter").size()).isEqualTo(refused);
      } finally {
        job.cancel().get();
      }
    }
  }

  private static boolean refusedBy(RecordParser<?> parser, byte[] value, long recordTime) {
    try {
      parser.parse(null, value, recordTime);
      return false;
    } catch (InvalidRecordException e) {
      return true;
    }
  }

  private static List<JsonNode> goodOutcomes(EmbeddedKafka kafka) throws Exception {
    List<JsonNode> values = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll("cart-recovery-outcomes")) {
      JsonNode o = JSON.readTree(r.value());
      if (o.get("contact_id").asText().startsWith("c-good-")) {
        values.add(o);
      }
    }
    return values;
  }
}
