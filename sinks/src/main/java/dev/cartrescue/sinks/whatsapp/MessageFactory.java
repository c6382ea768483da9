package dev.cartrescue.sinks.whatsapp;

import java.io.Serializable;

/** Turns one request of the job into the template message that answers it. */
@FunctionalInterface
public interface MessageFactory<T> extends Serializable {
  TemplateMessage toMessage(T request);

  /**
   * What identifies the request across replays and restores, for the {@link SendLedger}: the same
   * request always has the same key. Null: the request is not looked up.
   */
  default String idempotencyKey(T request) {
    return null;
  }
}
