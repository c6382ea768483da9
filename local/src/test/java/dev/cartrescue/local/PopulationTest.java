package dev.cartrescue.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartrescue.job.rule.PhoneNumbers;
import dev.cartrescue.local.Population.Contact;
import dev.cartrescue.local.Population.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contacts are what the job's own rules say they are. */
class PopulationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
  private static final Population POPULATION = Population.of(42, NOW);

  @Test
  void everyKindOfContactIsThere() {
    assertThat(POPULATION.contacts()).hasSize(Population.SIZE);
    for (Kind kind : Kind.values()) {
      assertThat(POPULATION.contacts().stream().filter(c -> c.kind() == kind).count())
          .as(kind.name())
          .isGreaterThanOrEqualTo(5);
    }
    assertThat(of(Kind.REACHABLE).size()).isGreaterThan(Population.SIZE / 2);
  }

  @Test
  void reachableContactsHaveConsentAndAValidEuropeanNumber() {
    for (Contact c : of(Kind.REACHABLE)) {
      JsonNode p = profile(c);
      assertThat(p.get("whatsapp_consent").asBoolean()).as(c.id()).isTrue();
      PhoneNumbers.ValidNumber number = number(p);
      assertThat(number).as(c.id() + " " + p).isNotNull();
      assertThat(number.region()).isIn("FR", "DE", "GB", "ES", "IT");
    }
  }

  @Test
  void contactsInTheUnitedStatesHaveAValidUsNumber() {
    for (Contact c : of(Kind.US)) {
      PhoneNumbers.ValidNumber number = number(profile(c));
      assertThat(number).as(c.id()).isNotNull();
      assertThat(number.region()).isEqualTo("US");
    }
  }

  @Test
  void invalidPhonesAreInvalidToTheJobButConsented() {
    for (Contact c : of(Kind.INVALID_PHONE)) {
      JsonNode p = profile(c);
      assertThat(p.get("whatsapp_consent").asBoolean()).isTrue();
      assertThat(number(p)).as(c.id() + " " + p).isNull();
    }
  }

  @Test
  void contactsWithoutConsentAndWithoutProfile() {
    for (Contact c : of(Kind.NO_CONSENT)) {
      assertThat(profile(c).path("whatsapp_consent").asBoolean(false)).isFalse();
    }
    assertThat(of(Kind.NO_PROFILE)).allSatisfy(c -> assertThat(c.profile()).isNull());
  }

  @Test
  void numbersAreWrittenNationallyAndInternationallyNamesAndLanguagesSometimesMissing() {
    List<JsonNode> profiles =
        POPULATION.contacts().stream().filter(c -> c.profile() != null).map(this::profile).toList();
    List<String> numbers = profiles.stream().map(p -> p.path("phone_number").asText()).toList();
    assertThat(numbers).anyMatch(n -> n.startsWith("+"));
    assertThat(numbers).anyMatch(n -> n.startsWith("00"));
    assertThat(numbers).anyMatch(n -> n.startsWith("0") && !n.startsWith("00"));
    assertThat(profiles).anyMatch(p -> !p.has("first_name"));
    assertThat(profiles).anyMatch(p -> !p.has("language"));
    assertThat(profiles).allSatisfy(p -> assertThat(p.get("updated_at").asText()).isNotBlank());
  }

  @Test
  void theProfilesTopicGetsTwoBrokenRecordsAmongTheGoodOnes() {
    long broken =
        POPULATION.profiles().stream()
            .filter(r -> !parses(r.value()) || !read(r.value()).has("contact_id"))
            .count();
    assertThat(broken).isEqualTo(2);
  }

  @Test
  void anotherSystemCappedAFewReachableContactsMinutesAgo() {
    Set<String> reachable = Set.copyOf(of(Kind.REACHABLE).stream().map(Contact::id).toList());
    assertThat(POPULATION.earlierCappings()).isNotEmpty();
    for (KeyedRecord capping : POPULATION.earlierCappings()) {
      JsonNode c = read(capping.value());
      assertThat(reachable).contains(c.get("contact_id").asText());
      long at = Instant.parse(c.get("timestamp").asText()).toEpochMilli();
      assertThat(at).isBetween(NOW - 3 * 60_000, NOW);
    }
  }

  @Test
  void theSameSeedGivesTheSamePeople() {
    assertThat(Population.of(42, NOW).contacts()).isEqualTo(POPULATION.contacts());
    assertThat(Population.of(43, NOW).contacts()).isNotEqualTo(POPULATION.contacts());
  }

  private static List<Contact> of(Kind kind) {
    return POPULATION.contacts().stream().filter(c -> c.kind() == kind).toList();
  }

  private JsonNode profile(Contact c) {
    return read(c.profile());
  }

  private static PhoneNumbers.ValidNumber number(JsonNode profile) {
    String code =
        profile.hasNonNull("whatsapp_code") ? profile.get("whatsapp_code").asText() : null;
    return PhoneNumbers.read(code, profile.get("phone_number").asText());
  }

  private static boolean parses(String json) {
    try {
      return JSON.readTree(json).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
