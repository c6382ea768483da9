package dev.cartrescue.job.feedback;

import dev.cartrescue.job.records.ConsentChange;
import dev.cartrescue.job.records.WebhookEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by WhatsApp number (or user id): turns what a user says into a consent change of the
 * contact who owns the number. A STOP reply ({@link StopWords}) or a marketing-preference {@code
 * stop} withdraws consent; a preference {@code resume} gives it back. Meta re-delivers and mixes
 * the order: a change not newer than the last one applied to the number changes nothing, so each is
 * written once and a stale one never undoes a newer one.
 *
 * <p>A user whose number no profile names (a customer the job never messaged, or one whose profile
 * is not read yet) changes no contact: counted as {@code consentChangesUnmatched}.
 */
public class ConsentByNumber extends KeyedProcessFunction<String, NumberSignal, ConsentChange> {
  private transient ValueState<NumberOwner> owner;
  private transient ValueState<ConsentChange> lastChange;
  private transient ListState<WebhookEvent> pending;
  private transient Counter unmatched;
  private transient Counter optOuts;
  private transient Counter optIns;

  @Override
  public void open(OpenContext openContext) {
    owner = getRuntimeContext().getState(new ValueStateDescriptor<>("owner", NumberOwner.class));
    lastChange =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("last-change", ConsentChange.class));
    pending =
        getRuntimeContext().getListState(new ListStateDescriptor<>("pending", WebhookEvent.class));
    var metrics = getRuntimeContext().getMetricGroup();
    unmatched = metrics.counter("consentChangesUnmatched");
    optOuts = metrics.counter("optOuts");
    optIns = metrics.counter("optIns");
  }

  @Override
  public void processElement(NumberSignal signal, Context ctx, Collector<ConsentChange> out)
      throws Exception {
    if (signal.claim != null) {
      NumberOwner current = owner.value();
      if (current == null
          || current.contactId.equals(signal.claim.contactId)
          || signal.claim.since >= current.since) {
        if (current != null && !current.contactId.equals(signal.claim.contactId)) {
          // Another contact's now: the old one's changes are not the new one's.
          lastChange.clear();
        }
        owner.update(signal.claim);
      }
    } else if (signal.release != null) {
      NumberOwner current = owner.value();
      if (current != null && current.contactId.equals(signal.release)) {
        owner.clear();
        lastChange.clear();
      }
    } else {
      pending.add(signal.event);
      ctx.timerService().registerEventTimeTimer(signal.event.timestamp);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ConsentChange> out)
      throws Exception {
    List<WebhookEvent> due = new ArrayList<>();
    List<WebhookEvent> later = new ArrayList<>();
    for (WebhookEvent event : pending.get()) {
      (event.timestamp <= timestamp ? due : later).add(event);
    }
    due.sort(Comparator.comparingLong(e -> e.timestamp));
    for (WebhookEvent event : due) {
      onEvent(event, out);
    }
    pending.update(later);
  }

  private void onEvent(WebhookEvent event, Collector<ConsentChange> out) throws Exception {
    Boolean consent;
    String source;
    NumberOwner current = owner.value();
    if (event.kind == WebhookEvent.Kind.PREFERENCE) {
      consent = "resume".equals(event.preference);
      source = ConsentChange.USER_PREFERENCES;
    } else if (event.kind == WebhookEvent.Kind.TEXT
        && StopWords.isStop(event.text, current == null ? null : current.language)) {
      consent = false;
      source = ConsentChange.STOP_REPLY;
    } else {
      return;
    }
    if (current == null) {
      unmatched.inc();
      return;
    }
    ConsentChange last = lastChange.value();
    if (last != null && event.timestamp <= last.timestamp) {
      return;
    }
    String phone = current.phone != null ? current.phone : NumberSignal.e164(event.waId);
    ConsentChange change =
        ConsentChange.of(current.contactId, phone, consent, source, event.timestamp);
    lastChange.update(change);
    (consent ? optIns : optOuts).inc();
    out.collect(change);
  }
}
