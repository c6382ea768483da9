package dev.cartrescue.job.rule;

import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

/**
 * The rule's parameters.
 *
 * @param maxSendDelay null when off
 */
public record RuleSettings(
    Duration abandonAfter,
    Duration recentPurchase,
    Duration cappingPeriod,
    Duration maxSendDelay,
    Set<String> blockedRegions,
    String defaultLanguage)
    implements Serializable {

  public static RuleSettings defaults() {
    return new RuleSettings(
        Duration.ofHours(1),
        Duration.ofHours(24),
        Duration.ofDays(3),
        Duration.ofHours(6),
        Set.of("US"),
        "en");
  }

  public RuleSettings withMaxSendDelay(Duration maxSendDelay) {
    return new RuleSettings(
        abandonAfter, recentPurchase, cappingPeriod, maxSendDelay, blockedRegions, defaultLanguage);
  }
}
