package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.connectors.ConfluentWireFormat;
import dev.cartrescue.connectors.InvalidRecordException;
import dev.cartrescue.connectors.RecordParser;
import dev.cartrescue.job.records.ClickEventParser;
import dev.cartrescue.job.records.ContactProfileParser;
import dev.cartrescue.job.records.FuzzedRecords;
import dev.cartrescue.testkit.EmbeddedKafka;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never stops the job and is never silently dropped: fuzzed records (random bytes,
 * truncated and deeply nested JSON, huge values, wrong types, NaN, absurd timestamps, unknown
 * fields) go to the dead-letter topic, and the good carts between them all get their outcome. The
 * job runs with restarts disabled, so a single failure caused by input would end it.
 */
class BadInputEndToEndTest {
  private static final int GOOD_CARTS = 10;
  private static final int KAFKA_SAFE_SIZE = 900_000;

  @TempDir Path temp;

  @Test
  void fuzzedRecordsBecomeDeadLettersAndNeverStopTheJob() throws Exception {
    try (JobUnderTest job = JobUnderTest.create(temp, "fuzz-token", 2)) {
      EmbeddedKafka kafka = job.kafka();
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
          job.write(
              ShopRecords.addToCart("c-good-" + good, "k-" + good, now - 30_000 + i).epochMillis());
          good++;
        }
      }
      kafka.send("contacts", "c-gone", null, now - 50_000);

      // Restarts disabled: a single failure caused by input would end the job.
      JobClient client = job.flink("restart-strategy.type", "none").start();
      List<JsonNode> goodOutcomes =
          job.awaitOutcomes(GOOD_CARTS, o -> o.get("contact_id").asText().startsWith("c-good-"));

      assertThat(client.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      Map<String, Long> outcomes =
          goodOutcomes.stream()
              .collect(
                  Collectors.groupingBy(o -> o.get("contact_id").asText(), Collectors.counting()));
      assertThat(outcomes).hasSize(GOOD_CARTS).allSatisfy((contact, n) -> assertThat(n).isOne());
      assertThat(job.deadLetters().size()).isEqualTo(refused);
    }
  }

  /** Whether the job refuses the value: what its Kafka source hands the parser. */
  private static boolean refusedBy(RecordParser<?> parser, byte[] value, long recordTime) {
    try {
      parser.parse(null, ConfluentWireFormat.withoutPrefix(value), recordTime);
      return false;
    } catch (InvalidRecordException e) {
      return true;
    }
  }
}
