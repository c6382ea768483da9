package dev.cartrescue.sinks.whatsapp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Reads the Cloud API access token where the sender opens, so that it never travels in the job
 * graph. Error messages name where the token was looked for, never what was found.
 */
final class AccessToken {

  static final String ENVIRONMENT_VARIABLE = "WHATSAPP_ACCESS_TOKEN";

  private AccessToken() {}

  static String read(CloudApiSettings settings) {
    return read(settings, System::getenv);
  }

  /** As {@link #read(CloudApiSettings)}, with the environment given. */
  static String read(CloudApiSettings settings, UnaryOperator<String> environment) {
    String token;
    String source;
    if (settings.accessTokenFile() != null) {
      source = "the access token file " + settings.accessTokenFile();
      try {
        token = Files.readString(Path.of(settings.accessTokenFile()));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "cannot read " + source + " (" + e.getClass().getSimpleName() + ")");
      }
    } else {
      source = "the environment variable " + ENVIRONMENT_VARIABLE;
      token = environment.apply(ENVIRONMENT_VARIABLE);
      if (token == null) {
        throw new IllegalStateException(
            "no Cloud API access token: accessTokenFile is not set and neither is " + source);
      }
    }
    token = token.strip();
    if (token.isEmpty()) {
      throw new IllegalStateException("no Cloud API access token: " + source + " is empty");
    }
    if (token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
      // A header value with a line break would be rejected (or worse, split) by the HTTP client.
      throw new IllegalStateException(
          "the Cloud API access token in " + source + " holds whitespace or control characters");
    }
    return token;
  }
}
