package dev.cartrescue.job.rule;

import dev.cartrescue.job.records.ClickEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets each contact's cart events through once and on time: a repeated {@code event_id} is ignored
 * (docs/contract.md §2), and an event whose timestamp the watermark has already passed is counted
 * as late and dropped, as CEP would drop it, so that the pattern and the eligibility function see
 * the same events.
 *
 * <p>An event id is remembered only until the watermark passes its timestamp, rounded up to {@code
 * step}: a repeat after that is late anyway. The rounding lets the events of a step share one
 * timer, and one look at the contact's ids, instead of one each.
 */
public class ClickstreamCleaner extends KeyedProcessFunction<String, ClickEvent, ClickEvent> {
  private final long step;

  private transient MapState<String, Long> seenEventIds;
  private transient Counter lateEvents;
  private transient Counter duplicateEvents;

  public ClickstreamCleaner(long stepMillis) {
    this.step = stepMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    seenEventIds =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("seen-event-ids", String.class, Long.class));
    lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
    duplicateEvents = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
  }

  @Override
  public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out)
      throws Exception {
    if (event.timestamp <= ctx.timerService().currentWatermark()) {
      lateEvents.inc();
      return;
    }
    if (event.eventId != null) {
      if (seenEventIds.contains(event.eventId)) {
        duplicateEvents.inc();
        return;
      }
      seenEventIds.put(event.eventId, event.timestamp);
      ctx.timerService().registerEventTimeTimer(Math.floorDiv(event.timestamp, step) * step + step);
    }
    out.collect(event);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClickEvent> out)
      throws Exception {
    List<String> forgotten = new ArrayList<>();
    for (Map.Entry<String, Long> seen : seenEventIds.entries()) {
      if (seen.getValue() <= timestamp) {
        forgotten.add(seen.getKey());
      }
    }
    for (String eventId : forgotten) {
      seenEventIds.remove(eventId);
    }
  }
}
