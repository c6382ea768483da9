package dev.cartrescue.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's {@code X-Hub-Signature-256}: {@code sha256=} and the lower-case hex HMAC-SHA256 of the raw
 * body bytes, keyed with the app secret. It is checked on the bytes as they arrived, never on JSON
 * parsed and written again: Meta escapes non-ASCII characters ({@code \u00e9} for {@code é}), and
 * any re-serialisation changes the bytes and so the signature.
 */
public final class Signature {
  /** The header Meta signs every POST with. */
  public static final String HEADER = "X-Hub-Signature-256";

  private static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";
  private static final int HMAC_BYTES = 32;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SecretKeySpec key;

  /** One Mac per thread: a Mac is not thread-safe, and making one per request costs more. */
  private final ThreadLocal<Mac> macs;

  Signature(byte[] appSecret) {
    key = new SecretKeySpec(appSecret, ALGORITHM);
    macs = ThreadLocal.withInitial(this::newMac);
  }

  /**
   * The header value Meta would send for {@code body}: for tests and for the demo, which plays
   * Meta.
   */
  public static String of(String appSecret, byte[] body) {
    byte[] hmac = new Signature(appSecret.getBytes(StandardCharsets.UTF_8)).newMac().doFinal(body);
    StringBuilder s = new StringBuilder(PREFIX.length() + 2 * HMAC_BYTES).append(PREFIX);
    for (byte b : hmac) {
      s.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
    return s.toString();
  }

  /**
   * Whether {@code header} is {@code sha256=<hex>} and the hex is the HMAC of {@code body}; the
   * comparison takes the same time wherever the two differ. Hex digits may be of either case.
   */
  boolean matches(String header, byte[] body, int length) {
    byte[] given = parse(header);
    if (given == null) {
      return false;
    }
    Mac mac = macs.get();
    mac.update(body, 0, length);
    return MessageDigest.isEqual(mac.doFinal(), given);
  }

  /** The 32 bytes of a well-formed header, or null. */
  private static byte[] parse(String header) {
    if (header == null) {
      return null;
    }
    String value = header.strip();
    if (value.length() != PREFIX.length() + 2 * HMAC_BYTES
        || !value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    byte[] bytes = new byte[HMAC_BYTES];
    for (int i = 0; i < HMAC_BYTES; i++) {
      int high = hex(value.charAt(PREFIX.length() + 2 * i));
      int low = hex(value.charAt(PREFIX.length() + 2 * i + 1));
      if (high < 0 || low < 0) {
        return null;
      }
      bytes[i] = (byte) ((high << 4) | low);
    }
    return bytes;
  }

  /** An ASCII hex digit's value, or -1. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    } else if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
    }
  }
}
