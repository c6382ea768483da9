package dev.cartrescue.sinks.whatsapp;

/**
 * Hides a phone number for logs: {@code +33612345678} becomes {@code +33******78}. The mask has a
 * fixed width so that it does not reveal the number's length either; a number too short to keep
 * four digits hidden is hidden entirely.
 */
public final class PhoneMask {

  private static final int SHOWN_AT_START = 3;
  private static final int SHOWN_AT_END = 2;

  /** '+' and 8 digits, the shortest E.164 number the Cloud API takes: at least 4 stay hidden. */
  private static final int SHORTEST_SHOWN = 9;

  private PhoneMask() {}

  public static String mask(String phone) {
    if (phone == null) {
      return "null";
    }
    if (phone.length() < SHORTEST_SHOWN) {
      return "******";
    }
    return phone.substring(0, SHOWN_AT_START)
        + "******"
        + phone.substring(phone.length() - SHOWN_AT_END);
  }
}
