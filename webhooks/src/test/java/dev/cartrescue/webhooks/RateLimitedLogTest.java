package dev.cartrescue.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartrescue.testkit.LogCapture;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  private static final String LOGGER = "dev.cartrescue.webhooks.RateLimitedLogTest";

  @Test
  void writesTheFirstOccurrenceAtOnceThenOneLinePerPeriodWithTheCount() {
    AtomicLong now = new AtomicLong(1_000);
    RateLimitedLog log =
        new RateLimitedLog(LoggerFactory.getLogger(LOGGER), Duration.ofSeconds(10), now::get);
    try (LogCapture capture = LogCapture.of(LOGGER, Level.WARN)) {
      log.warn("kafka", "503: Kafka down");
      now.addAndGet(Duration.ofSeconds(3).toNanos());
      log.warn("kafka", "503: Kafka down");
      log.warn("kafka", "503: Kafka down");
      log.warn("signature", "401: bad signature");
      now.addAndGet(Duration.ofSeconds(7).toNanos());
      log.warn("kafka", "503: Kafka down");

      assertThat(capture.linesAt(Level.WARN))
          .containsExactly(
              "WARN "
                  + LOGGER
                  + " 503: Kafka down (1 request since the last such line; at most"
                  + " one line per 10 s)",
              "WARN "
                  + LOGGER
                  + " 401: bad signature (1 request since the last such line; at"
                  + " most one line per 10 s)",
              "WARN "
                  + LOGGER
                  + " 503: Kafka down (3 requests since the last such line; at most"
                  + " one line per 10 s)");
    }
  }
}
