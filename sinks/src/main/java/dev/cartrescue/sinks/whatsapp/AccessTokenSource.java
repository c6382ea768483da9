package dev.cartrescue.sinks.whatsapp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access token in use and where it comes from. A token file is read again on {@link #reload()},
 * so that an operator who replaces it (a Kubernetes secret update, a rotation script) is heard
 * without a restart; the environment variable cannot change while the process runs.
 *
 * <p>Thread-safe. Only the token's source is ever named in logs, never the token.
 */
final class AccessTokenSource {

  private static final Logger LOG = LoggerFactory.getLogger(AccessTokenSource.class);

  private final CloudApiSettings settings;
  private volatile String token;
  private volatile int generation;

  // Guarded by this.
  private String lastProblem;

  /**
   * @throws IllegalStateException when there is no readable token
   */
  AccessTokenSource(CloudApiSettings settings) {
    this.settings = settings;
    this.token = AccessToken.read(settings);
  }

  String token() {
    return token;
  }

  /** Counts the tokens read so far: an answer to a request made with an older one is stale. */
  int generation() {
    return generation;
  }

  /** Whether the token can be replaced while the job runs (it comes from a file). */
  boolean isReloadable() {
    return settings.accessTokenFile() != null;
  }

  /** For logs: where the token comes from. */
  String source() {
    return isReloadable()
        ? "the access token file " + settings.accessTokenFile()
        : "the environment variable " + AccessToken.ENVIRONMENT_VARIABLE;
  }

  /**
   * Reads the token file again. A file that cannot be read (for example in the middle of being
   * replaced) leaves the token in use as it is; the problem is logged once.
   *
   * @return whether it holds another token than the one in use, which is now in use
   */
  synchronized boolean reload() {
    if (!isReloadable()) {
      return false;
    }
    String read;
    try {
      read = AccessToken.read(settings);
    } catch (IllegalStateException e) {
      if (!e.getMessage().equals(lastProblem)) {
        lastProblem = e.getMessage();
        LOG.warn("Keeping the WhatsApp access token in use: {}", e.getMessage());
      }
      return false;
    }
    lastProblem = null;
    if (read.equals(token)) {
      return false;
    }
    token = read;
    generation++;
    return true;
  }
}
