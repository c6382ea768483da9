package dev.cartrescue.sinks.whatsapp;

import java.io.Serializable;

/** Turns one request of the job into the template message that answers it. */
@FunctionalInterface
public interface MessageFactory<T> extends Serializable {
  TemplateMessage toMessage(T request);
}
