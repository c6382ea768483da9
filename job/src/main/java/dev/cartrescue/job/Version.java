package dev.cartrescue.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, from the parent pom (Maven writes it into {@code version.properties}
 * when it copies the job's resources).
 */
public final class Version {
  private static final String RESOURCE = "version.properties";

  /** The project version, e.g. {@code 0.7.0}. */
  public static final String NUMBER = read();

  private Version() {}

  /** {@code cart-rescue 0.7.0}: what {@code ./cart-rescue --version} prints. */
  public static String describe() {
    return CartRescueJob.NAME + " " + NUMBER;
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing: build with Maven");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").trim();
      if (version.isEmpty() || version.startsWith("${")) {
        throw new IllegalStateException(RESOURCE + " was not filtered by Maven: " + version);
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
