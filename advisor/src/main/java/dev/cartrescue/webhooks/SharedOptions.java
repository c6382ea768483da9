package dev.cartrescue.webhooks;

import java.nio.file.Path;
import java.util.Map;

/**
 * The receiver's generic option pieces, used as they are by the advisor connector: {@code --key
 * value} flags, {@code --config FILE} YAML, and which keys hold secrets. They are package-private
 * in the receiver's module; this class, in the same package, only hands them on.
 */
public final class SharedOptions {
  /** What a masked value is written as. */
  public static final String MASK = Secrets.MASK;

  /** The flag naming the YAML file of options. */
  public static final String CONFIG_FLAG = ReceiverOptions.CONFIG_FLAG;

  private SharedOptions() {}

  /**
   * {@code --key value} and {@code --key=value} pairs, in order.
   *
   * @throws OptionsException for an argument that is not such a pair
   */
  public static Map<String, String> flags(String... args) {
    return ReceiverOptions.flags(args);
  }

  /** The keys of a YAML file, flat ({@code a.b: 1}) or nested, as text. */
  public static Map<String, String> readYaml(Path file) {
    return ReceiverOptions.readYaml(file);
  }

  /** Whether the value of {@code key} may be a secret. */
  public static boolean isSecret(String key) {
    return Secrets.isSecret(key);
  }

  /** {@code value}, or {@link #MASK} when {@code key}'s value may be a secret. */
  public static String shown(String key, String value) {
    return Secrets.shown(key, value);
  }
}
