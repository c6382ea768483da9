package dev.cartrescue.job.rule;

import dev.cartrescue.job.records.AbandonedCart;
import dev.cartrescue.job.records.ClickEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Turns a match of {@link AbandonmentPattern} into an abandoned cart. The deadline comes from the
 * matched event: the match's own timestamp is the watermark that released it.
 */
public class AbandonedCartEmitter extends PatternProcessFunction<ClickEvent, AbandonedCart> {
  private final long abandonAfterMillis;
  private transient Counter abandonedCarts;

  public AbandonedCartEmitter(java.time.Duration abandonAfter) {
    this.abandonAfterMillis = abandonAfter.toMillis();
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
    abandonedCarts = getRuntimeContext().getMetricGroup().counter("abandonedCarts");
  }

  @Override
  public void processMatch(
      Map<String, List<ClickEvent>> match, Context ctx, Collector<AbandonedCart> out) {
    ClickEvent last = match.get(AbandonmentPattern.CART).get(0);
    abandonedCarts.inc();
    out.collect(
        new AbandonedCart(
            last.contactId, last.cartId, last.cartUrl, last.timestamp + abandonAfterMillis));
  }
}
