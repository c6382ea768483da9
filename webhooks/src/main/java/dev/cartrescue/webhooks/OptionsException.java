package dev.cartrescue.webhooks;

/** A missing or unparsable option: the message is the one line the user sees before exit 2. */
public class OptionsException extends IllegalArgumentException {
  public OptionsException(String oneLine) {
    super(oneLine);
  }
}
