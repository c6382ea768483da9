package dev.cartrescue.job.pipeline;

import dev.cartrescue.job.records.Outcome;
import dev.cartrescue.job.rule.Reason;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counts every outcome on its way out: {@code outcomesSent}, {@code outcomesSuppressed}, {@code
 * outcomesFailed}, and one {@code suppressed_<reason>} per reason. All are registered at start, so
 * the dashboard shows zeros rather than nothing.
 */
public class OutcomeMetrics extends RichMapFunction<Outcome, Outcome> {
  private transient Map<String, Counter> byOutcome;
  private transient Map<String, Counter> bySuppressionReason;

  @Override
  public void open(OpenContext openContext) {
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    byOutcome = new HashMap<>();
    byOutcome.put(Outcome.SENT, metrics.counter("outcomesSent"));
    byOutcome.put(Outcome.SUPPRESSED, metrics.counter("outcomesSuppressed"));
    byOutcome.put(Outcome.FAILED, metrics.counter("outcomesFailed"));
    bySuppressionReason = new HashMap<>();
    for (Reason reason : Reason.values()) {
      bySuppressionReason.put(reason.code(), metrics.counter("suppressed_" + reason.code()));
    }
  }

  @Override
  public Outcome map(Outcome outcome) {
    byOutcome.get(outcome.outcome).inc();
    if (Outcome.SUPPRESSED.equals(outcome.outcome)) {
      bySuppressionReason.get(outcome.reason).inc();
    }
    return outcome;
  }
}
