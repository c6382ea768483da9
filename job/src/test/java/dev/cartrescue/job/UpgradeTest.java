package dev.cartrescue.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades: the job is stopped with a savepoint, changed (another parallelism, another option) and
 * restored from it with its state intact. Every stateful operator has a stable uid and the maximum
 * parallelism is fixed, which is what makes this work.
 */
class UpgradeTest {
  private static JobUnderTest job;

  @TempDir static Path temp;

  @BeforeAll
  static void start() {
    job = JobUnderTest.create(temp, "upgrade-token", 2).set("kafka.group-id", "upgrade");
  }

  @AfterAll
  static void stop() throws Exception {
    if (job != null) {
      job.close();
    }
  }

  @Test
  void aSavepointRestoresIntoAChangedJobWithItsStateIntact() throws Exception {
    long now = System.currentTimeMillis();
    profile("c-before", now - 60_000);
    profile("c-later", now - 60_000);
    job.addToCart("c-before", "k-1", now - 30_000);

    job.start("--parallelism", "1", "--whatsapp.rate-limit", "80");
    job.awaitOutcomes(1);
    String savepoint = job.stopWithSavepoint();

    // While the job is down: a cart for a contact whose profile only the restored state knows
    // (its offsets are committed in the savepoint), and a new cart for the contact just messaged.
    // Stamped now: the restored job resumes event time where the savepoint left it (the clock,
    // with idle-advance), so a cart stamped before the stop would be late, as without the stop.
    long later = System.currentTimeMillis();
    job.addToCart("c-later", "k-2", later);
    job.addToCart("c-before", "k-3", later);

    job.start("--parallelism", "2", "--whatsapp.rate-limit", "40", "--restore-from", savepoint);
    List<JsonNode> outcomes = job.awaitOutcomes(3);
    assertThat(outcomes)
        .extracting(o -> o.get("cart_id").asText() + " " + JobUnderTest.sentOrReason(o))
        .containsExactlyInAnyOrder("k-1 sent", "k-2 sent", "k-3 capped");
    assertThat(job.cloudApi().received()).hasSize(2);
  }

  /** A French number of its own for each contact. */
  private static void profile(String contact, long at) {
    String number = "0612345%03d".formatted(Math.abs(contact.hashCode() % 1000));
    job.write(ShopRecords.profile(contact).phone("33", number).consent(true).updatedAt(at));
  }
}
