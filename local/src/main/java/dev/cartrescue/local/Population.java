package dev.cartrescue.local;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.cartrescue.testkit.shop.ShopRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The shop's contacts: {@value #SIZE} people and the profile the CRM holds for each, or none. The
 * mix gives every eligibility rule people it applies to: some without a profile, some who never
 * gave WhatsApp consent, some whose number cannot be valid, some in the United States, and a
 * majority who can be messaged, in France, Germany, the United Kingdom, Spain and Italy, with
 * numbers written nationally ({@code 06 12 34 56 78}) or internationally ({@code +33 6 12...},
 * {@code 0033...}), not all with a first name or a language.
 */
final class Population {
  static final int SIZE = 200;

  /** What the profile makes of a contact's carts, before any purchase or capping is looked at. */
  enum Kind {
    REACHABLE,
    NO_PROFILE,
    NO_CONSENT,
    INVALID_PHONE,
    US
  }

  /**
   * @param profile the contacts topic's value, or null for a contact the CRM does not know
   */
  record Contact(String id, Kind kind, String profile) {}

  private record Country(String region, int callingCode, String language, List<String> names) {}

  /** A profile's whatsapp_code and phone_number; a null code is left out. */
  private record Phone(String code, String number) {}

  private static final List<Country> EUROPE =
      List.of(
          new Country("FR", 33, "fr", List.of("Anna", "Louis", "Chloé", "Hugo", "Léa", "Jules")),
          new Country("DE", 49, "de", List.of("Jonas", "Mia", "Lukas", "Lena", "Felix", "Jürgen")),
          new Country("GB", 44, "en", List.of("Oliver", "Amelia", "Harry", "Isla", "Jack", "Ava")),
          new Country("ES", 34, "es", List.of("Lucía", "Mateo", "Sofía", "Hugo", "Martina")),
          new Country("IT", 39, "it", List.of("Giulia", "Leonardo", "Aurora", "Tommaso")));
  private static final Country US =
      new Country("US", 1, "en", List.of("Emma", "Liam", "Olivia", "Noah"));

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private final List<Contact> contacts;
  private final List<KeyedRecord> profiles;
  private final List<KeyedRecord> cappings;

  private Population(
      List<Contact> contacts, List<KeyedRecord> profiles, List<KeyedRecord> cappings) {
    this.contacts = contacts;
    this.profiles = profiles;
    this.cappings = cappings;
  }

  /**
   * The same people for the same seed; profile update times and earlier capping events are placed
   * before {@code nowMillis}.
   */
  static Population of(long seed, long nowMillis) {
    Random random = new Random(seed);
    List<Contact> contacts = new ArrayList<>();
    List<KeyedRecord> profiles = new ArrayList<>();
    for (int i = 1; i <= SIZE; i++) {
      String id = "c-%03d".formatted(i);
      Kind kind = kind(random.nextDouble());
      String profile = kind == Kind.NO_PROFILE ? null : profile(id, kind, random, nowMillis);
      contacts.add(new Contact(id, kind, profile));
      if (profile != null) {
        profiles.add(new KeyedRecord(id, profile));
      }
    }
    // The CRM's export is not perfect either: these two become dead letters.
    profiles.add(
        SIZE / 3,
        new KeyedRecord(
            "c-x01", "contact_id;phone_number;whatsapp_code\nc-x01;0612345678;33 (a CSV line)"));
    profiles.add(
        2 * SIZE / 3,
        new KeyedRecord(
            "c-x02",
            "{\"phone_number\":\"0612345678\",\"whatsapp_code\":\"33\",\"whatsapp_consent\":true}"));
    return new Population(
        List.copyOf(contacts), List.copyOf(profiles), cappings(contacts, random, nowMillis));
  }

  List<Contact> contacts() {
    return contacts;
  }

  /** The contacts topic's backlog when the demo starts, broken records included. */
  List<KeyedRecord> profiles() {
    return profiles;
  }

  /**
   * Capping events that another system (a CRM campaign) wrote in the minutes before the demo: these
   * contacts' next carts are capped, as docs/contract.md §3 allows.
   */
  List<KeyedRecord> earlierCappings() {
    return cappings;
  }

  private static Kind kind(double draw) {
    if (draw < 0.08) {
      return Kind.NO_PROFILE;
    } else if (draw < 0.20) {
      return Kind.NO_CONSENT;
    } else if (draw < 0.27) {
      return Kind.INVALID_PHONE;
    } else if (draw < 0.34) {
      return Kind.US;
    }
    return Kind.REACHABLE;
  }

  private static String profile(String id, Kind kind, Random random, long nowMillis) {
    Country country = kind == Kind.US ? US : EUROPE.get(random.nextInt(EUROPE.size()));
    PhoneNumber number = mobileNumber(country.region(), random);
    String written = written(number, random);
    Phone phone =
        new Phone(random.nextInt(4) == 0 ? "+" + country.callingCode() : code(country), written);
    if (kind == Kind.INVALID_PHONE) {
      phone = spoilt(phone, country, number, random);
    }
    ShopRecords.Profile p = ShopRecords.profile(id).phone(phone.code(), phone.number());
    if (kind == Kind.NO_CONSENT) {
      // Either refused, or never asked.
      if (random.nextBoolean()) {
        p.consent(false);
      }
    } else {
      p.consent(true);
    }
    if (random.nextDouble() >= 0.15) {
      p.firstName(country.names().get(random.nextInt(country.names().size())));
    }
    if (random.nextDouble() >= 0.2) {
      p.language(country.language());
    }
    Duration age = Duration.ofMinutes(60 + random.nextInt(60 * 24 * 60));
    return p.updatedAt(nowMillis - age.toMillis()).json();
  }

  private static String code(Country country) {
    return String.valueOf(country.callingCode());
  }

  /** National, international with a '+', or international with the 00 prefix. */
  private static String written(PhoneNumber number, Random random) {
    double draw = random.nextDouble();
    if (draw < 0.5) {
      return PHONES.format(number, PhoneNumberFormat.NATIONAL);
    } else if (draw < 0.8) {
      return PHONES.format(number, PhoneNumberFormat.INTERNATIONAL);
    }
    return "00" + PHONES.format(number, PhoneNumberFormat.E164).substring(1);
  }

  /** The ways numbers go wrong in a CRM: cut short, another country's, no code, not a number. */
  private static Phone spoilt(Phone phone, Country country, PhoneNumber number, Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> {
        String national = PHONES.format(number, PhoneNumberFormat.NATIONAL);
        yield new Phone(phone.code(), national.substring(0, national.length() / 2));
      }
      case 1 -> {
        Country other = EUROPE.get((EUROPE.indexOf(country) + 1) % EUROPE.size());
        PhoneNumber foreign = mobileNumber(other.region(), rnd);
        yield new Phone(code(country), PHONES.format(foreign, PhoneNumberFormat.INTERNATIONAL));
      }
      case 2 -> new Phone(null, phone.number());
      default -> new Phone(phone.code(), "ask at the counter");
    };
  }

  /**
   * A valid mobile number of the region: libphonenumber's example with its last digits drawn, so
   * that it passes the same {@code isValidNumber} check the job makes.
   */
  private static PhoneNumber mobileNumber(String region, Random random) {
    PhoneNumber example = PHONES.getExampleNumberForType(region, PhoneNumberType.MOBILE);
    String digits = PHONES.getNationalSignificantNumber(example);
    for (int attempt = 0; attempt < 50; attempt++) {
      String drawn =
          digits.substring(0, digits.length() - 4) + "%04d".formatted(random.nextInt(10_000));
      try {
        PhoneNumber candidate = PHONES.parse("+" + example.getCountryCode() + drawn, region);
        if (PHONES.isValidNumber(candidate)) {
          return candidate;
        }
      } catch (NumberParseException e) {
        // Drawn digits that do not parse are simply drawn again.
      }
    }
    return example;
  }

  private static List<KeyedRecord> cappings(List<Contact> contacts, Random random, long now) {
    List<KeyedRecord> cappings = new ArrayList<>();
    List<Contact> reachable = contacts.stream().filter(c -> c.kind() == Kind.REACHABLE).toList();
    for (int i = 0; i < 10 && i < reachable.size(); i++) {
      Contact contact = reachable.get(random.nextInt(reachable.size()));
      long at = now - Duration.ofSeconds(10 + random.nextInt(110)).toMillis();
      ShopRecords.Capping c =
          ShopRecords.capping(contact.id(), at)
              .eventId("crm-campaign-" + contact.id())
              .field("source", "crm-spring-campaign");
      cappings.add(new KeyedRecord(contact.id(), c.json()));
    }
    return List.copyOf(cappings);
  }
}
