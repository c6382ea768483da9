package dev.cartrescue.webhooks;

import java.util.Optional;

/**
 * One option of a small service beside the job (the webhook receiver, the Chatwoot connector), as
 * its help and its docs' table show it ({@link OptionsText}).
 */
public interface ServiceOption {

  /** The key as given: a prefix option's entries are {@code <key>.<name>}. */
  String keyText();

  /** The default as a user would write it; empty when there is none. */
  Optional<String> defaultValue();

  /** Whether the service does not start without it. */
  boolean required();

  /** One line; a value in backticks is code in the docs' table, plain in the help. */
  String description();
}
