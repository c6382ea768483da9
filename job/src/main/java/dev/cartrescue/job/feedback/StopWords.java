package dev.cartrescue.job.feedback;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether a customer's text reply asks to stop: the whole message, once trimmed, its case, accents
 * and end punctuation ignored, is STOP or UNSUBSCRIBE (understood everywhere) or one of the usual
 * words of the profile's language. A sentence that merely contains one ("don't stop me now") is not
 * a stop: an advisor reads it.
 */
public final class StopWords {
  /** A request this long or longer is a conversation, not a stop. */
  private static final int MAX_WORDS = 6;

  private static final Set<String> EVERYWHERE = Set.of("STOP", "UNSUBSCRIBE");

  /**
   * By ISO 639-1 language, accents already removed. No word of ordering ("cancel", "annulla"):
   * "cancel my order" is for an advisor.
   */
  private static final Map<String, Set<String>> BY_LANGUAGE =
      Map.of(
          "en", Set.of("STOPALL", "STOP ALL", "END", "QUIT", "OPT OUT", "OPTOUT"),
          "fr", Set.of("ARRET", "ARRETER", "DESABONNER", "DESINSCRIRE", "STOP SVP"),
          "de", Set.of("STOPP", "ABMELDEN", "ABBESTELLEN"),
          "es", Set.of("BAJA", "ALTO", "PARAR", "DARME DE BAJA"),
          "pt", Set.of("PARAR", "SAIR", "DESCADASTRAR"),
          "it", Set.of("BASTA", "DISISCRIVIMI"),
          "nl", Set.of("STOPPEN", "AFMELDEN", "UITSCHRIJVEN"));

  private StopWords() {}

  /**
   * @param language the profile's language ({@code fr}, {@code pt_BR}, ...), or null
   */
  public static boolean isStop(String text, String language) {
    if (text == null) {
      return false;
    }
    if (text.contains("?")) {
      return false;
    }
    String[] words = normalised(text).split(" ");
    if (words.length >= MAX_WORDS) {
      return false;
    }
    Set<String> own =
        language == null || language.length() < 2
            ? Set.of()
            : BY_LANGUAGE.getOrDefault(language.substring(0, 2).toLowerCase(Locale.ROOT), Set.of());
    // The longest opening that is a stop: "stop all", "darme de baja" are several words.
    for (int n = Math.min(words.length, 3); n >= 1; n--) {
      String opening = String.join(" ", Arrays.copyOf(words, n));
      if (EVERYWHERE.contains(opening) || own.contains(opening)) {
        return true;
      }
    }
    return false;
  }

  private static String normalised(String text) {
    String plain =
        Normalizer.normalize(text.strip(), Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    return plain.replaceAll("[\\p{Punct}\\s]+", " ").strip().toUpperCase(Locale.ROOT);
  }
}
