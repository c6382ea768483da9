package dev.cartrescue.job.rule;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** A profile's number, as libphonenumber reads it with the profile's country calling code. */
public final class PhoneNumbers {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  /** A valid number: E.164 with its '+', and the ISO 3166 region it belongs to. */
  public record ValidNumber(String e164, String region) {}

  private PhoneNumbers() {}

  /**
   * Reads {@code phoneNumber} in the country of {@code callingCode}: a national number is read
   * there, an international one ({@code +33...}, {@code 0033...}) must carry that same code.
   *
   * @return null when the code is missing or the number is not valid
   */
  public static ValidNumber read(String callingCode, String phoneNumber) {
    if (callingCode == null || phoneNumber == null) {
      return null;
    }
    String code = callingCode.strip();
    if (code.startsWith("+")) {
      code = code.substring(1);
    } else if (code.startsWith("00")) {
      code = code.substring(2);
    }
    if (code.isEmpty() || code.length() > 3 || !code.chars().allMatch(Character::isDigit)) {
      return null;
    }
    int countryCode = Integer.parseInt(code);
    String region = UTIL.getRegionCodeForCountryCode(countryCode);
    if ("ZZ".equals(region)) { // libphonenumber's unknown region
      return null;
    }
    String number = phoneNumber.strip();
    if (number.startsWith("00")) {
      number = "+" + number.substring(2);
    }
    try {
      PhoneNumber parsed = UTIL.parse(number, region);
      if (parsed.getCountryCode() != countryCode || !UTIL.isValidNumber(parsed)) {
        return null;
      }
      return new ValidNumber(
          UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164),
          UTIL.getRegionCodeForNumber(parsed));
    } catch (NumberParseException e) {
      return null;
    }
  }
}
