package dev.cartrescue.job.records;

import java.util.Arrays;

/**
 * One webhook notification as Meta posted it and the receiver wrote it to the webhooks topic: a
 * batch of up to a thousand changes, read into the events the job acts on. Changes of other fields
 * (account updates, template reviews) and statuses Meta may add later carry none.
 */
public class WebhookNotification {
  public WebhookEvent[] events;

  public WebhookNotification() {}

  public static WebhookNotification of(WebhookEvent... events) {
    WebhookNotification n = new WebhookNotification();
    n.events = events;
    return n;
  }

  @Override
  public String toString() {
    return "notification" + Arrays.toString(events);
  }
}
