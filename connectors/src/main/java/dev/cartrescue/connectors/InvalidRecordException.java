package dev.cartrescue.connectors;

/**
 * An input record that cannot be read; its message is the short reason written to the dead letter.
 * Thrown once per bad record, so it skips the stack trace: the reason says all there is to say.
 */
public class InvalidRecordException extends Exception {

  public InvalidRecordException(String reason) {
    super(reason, null, false, false);
  }

  public String reason() {
    return getMessage();
  }
}
