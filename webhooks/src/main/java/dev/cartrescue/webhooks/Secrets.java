package dev.cartrescue.webhooks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which option values are never written out: a producer's {@code sasl.jaas.config} holds a
 * password. The rule is the job's, by key alone (this module does not depend on the job): a value
 * is masked when its key, in lower case, contains {@code password}, {@code passwd}, {@code
 * passphrase}, {@code secret}, {@code token}, {@code credential}, {@code jaas}, {@code user.info},
 * {@code private}, {@code basic-auth}, {@code auth-params} or {@code http-headers}, or ends in
 * {@code key}. The paths of the files that hold the app secret and the verify token are shown: they
 * name a file, and an operator needs to see which one. The Chatwoot connector follows the same
 * rule.
 */
public final class Secrets {
  /** What a masked value is written as. */
  public static final String MASK = "****";

  private static final List<String> SECRET_WORDS =
      List.of(
          "password",
          "passwd",
          "passphrase",
          "secret",
          "token",
          "credential",
          "jaas",
          "user.info",
          "private",
          "basic-auth",
          "auth-params",
          "http-headers");

  /** A file larger than this holds no secret: it is the wrong file. */
  private static final int MAX_FILE_BYTES = 64 * 1024;

  private Secrets() {}

  /**
   * The secret in {@code file}, which option {@code --key} named, without the line end a Secret
   * written with echo has.
   *
   * @param what what the secret is, for the message ("app secret", "token")
   * @throws OptionsException when the file cannot be read, is too large or empty
   */
  public static String fromFile(String key, String file, String what) {
    Path path = Path.of(file);
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new OptionsException("option --" + key + ": " + file + " is too large for a " + what);
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new OptionsException("option --" + key + ": cannot read " + file);
    }
    String value = new String(bytes, StandardCharsets.UTF_8).strip();
    if (value.isEmpty()) {
      throw new OptionsException("option --" + key + ": " + file + " is empty");
    }
    return value;
  }

  /** Whether the value of {@code key} may be a secret. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith("key") || SECRET_WORDS.stream().anyMatch(k::contains);
  }

  /** {@code value}, or {@link #MASK} when {@code key}'s value may be a secret. */
  public static String shown(String key, String value) {
    return isSecret(key) ? MASK : value;
  }
}
