package dev.cartrescue.job.config;

import java.util.List;
import java.util.Locale;

/**
 * Which option values are never written out: the job's start-up line goes to the JobManager's log,
 * which Flink's REST API and web UI serve to anyone who can reach them, and a Kafka client's {@code
 * sasl.jaas.config} holds a password.
 *
 * <p>The rule, by key alone: a value is masked when its key, in lower case, contains {@code
 * password}, {@code passwd}, {@code passphrase}, {@code secret}, {@code token}, {@code credential},
 * {@code jaas}, {@code user.info}, {@code private}, {@code basic-auth}, {@code auth-params} or
 * {@code http-headers}, or ends in {@code key}. That covers Kafka's secrets ({@code
 * sasl.jaas.config}, {@code ssl.key.password}, {@code ssl.keystore.password}, {@code
 * ssl.keystore.key}, {@code sasl.oauthbearer...client.secret}), a schema registry's {@code
 * basic.auth.user.info}, and everything Flink itself hides in its UI ({@code
 * GlobalConfiguration.isSensitive}, which a test checks). It leaves {@code key.deserializer} or
 * {@code ssl.truststore.location} readable. It masks too much rather than too little: {@code
 * whatsapp.access-token-file} names a file, not a token, and is masked all the same (errors about
 * the file still name it).
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

  private Secrets() {}

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
