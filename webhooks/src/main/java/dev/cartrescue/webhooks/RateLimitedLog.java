package dev.cartrescue.webhooks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * At most one warning per cause and period, saying how many requests the cause hit since the last
 * line: a Kafka outage under Meta's traffic is thousands of 503s a minute, and the log must stay
 * readable. The first occurrence is written at once, later ones with the next line after the
 * period; a cause that stops happening leaves no further line.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long periodNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RateLimitedLog(Logger log, Duration period) {
    this(log, period, System::nanoTime);
  }

  RateLimitedLog(Logger log, Duration period, LongSupplier nanoTime) {
    this.log = log;
    this.periodNanos = period.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Counts one occurrence of {@code cause} and writes {@code message} (which must hold no request
   * data) when the period since the cause's last line has passed.
   */
  void warn(String cause, String message) {
    long now = nanoTime.getAsLong();
    Window window = windows.computeIfAbsent(cause, c -> new Window(now - periodNanos));
    long count;
    synchronized (window) {
      window.count++;
      if (now - window.lastLine < periodNanos) {
        return;
      }
      count = window.count;
      window.count = 0;
      window.lastLine = now;
    }
    log.warn(
        "{} ({} request{} since the last such line; at most one line per {} s)",
        message,
        count,
        count == 1 ? "" : "s",
        Duration.ofNanos(periodNanos).toSeconds());
  }

  private static final class Window {
    long lastLine;
    long count;

    Window(long lastLine) {
      this.lastLine = lastLine;
    }
  }
}
