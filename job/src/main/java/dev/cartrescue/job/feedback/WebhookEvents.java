package dev.cartrescue.job.feedback;

import dev.cartrescue.job.records.WebhookEvent;
import dev.cartrescue.job.records.WebhookNotification;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits each notification into its events: statuses (for {@link DeliveryStatuses}, by message id)
 * and, on {@link #FROM_USERS}, what users said or chose (for {@link ConsentByNumber}, by number).
 * One operator, so that the webhooks source's chain keeps a short name.
 */
public class WebhookEvents extends ProcessFunction<WebhookNotification, WebhookEvent> {
  public static final OutputTag<NumberSignal> FROM_USERS =
      new OutputTag<>("from-users", Types.POJO(NumberSignal.class));

  @Override
  public void processElement(
      WebhookNotification notification, Context ctx, Collector<WebhookEvent> statuses) {
    for (WebhookEvent event : notification.events) {
      if (event.kind == WebhookEvent.Kind.STATUS) {
        statuses.collect(event);
      } else {
        ctx.output(FROM_USERS, NumberSignal.of(event));
      }
    }
  }
}
