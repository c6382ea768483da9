package dev.cartrescue.sinks.whatsapp;

import java.util.Objects;

/** What the async operator emits: the request it was given and its result. Flink POJO. */
public class Delivery<T> {

  public T request;
  public SendResult result;

  public Delivery() {}

  public Delivery(T request, SendResult result) {
    this.request = request;
    this.result = result;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Delivery<?> that
        && Objects.equals(request, that.request)
        && Objects.equals(result, that.result);
  }

  @Override
  public int hashCode() {
    return Objects.hash(request, result);
  }

  @Override
  public String toString() {
    return "Delivery{request=" + request + ", result=" + result + "}";
  }
}
