package dev.cartrescue.sinks.whatsapp;

import java.io.Serializable;

/**
 * Where accepted sends are recorded, outside Flink's checkpoints, so that no message is sent twice
 * after a crash: Flink replays the records since the last checkpoint and issues in-flight async
 * requests again, and a WhatsApp message cannot be unsent.
 *
 * <p>The sender looks every request's idempotency key up before it sends, and records the key
 * with the message id the moment the Cloud API accepts it, before the request completes. A key
 * found in the ledger completes as sent with the recorded message id, without a request.
 */
public interface SendLedger extends Serializable {

  /** Opens a session on the task manager, in the sender's {@code open}. */
  Session open() throws Exception;

  /** An open ledger; used from several threads. */
  interface Session extends AutoCloseable {
    /** The message id of an earlier accepted send with this key, or null. */
    String acceptedMessageId(String idempotencyKey);

    /** Records an accepted send and returns once it is durable. */
    void recordAccepted(String idempotencyKey, String messageId);

    @Override
    void close();
  }

  /** No ledger: sends are at least once across crashes. */
  static SendLedger none() {
    return () ->
        new Session() {
          @Override
          public String acceptedMessageId(String idempotencyKey) {
            return null;
          }

          @Override
          public void recordAccepted(String idempotencyKey, String messageId) {}

          @Override
          public void close() {}
        };
  }
}
