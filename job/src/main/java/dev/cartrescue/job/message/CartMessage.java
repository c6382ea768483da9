package dev.cartrescue.job.message;

import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.sinks.whatsapp.MessageFactory;
import dev.cartrescue.sinks.whatsapp.TemplateMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The advisor-first message for a cart to send (docs/contract.md §4): body "{{1}}" greeting name
 * and "{{2}}" items summary; button 0 "View cart" with the cart id as the URL suffix; button 1
 * "Chat with an advisor" with a payload naming the cart.
 *
 * <p>The language is the profile's when it reads as a language code ({@code fr}, {@code pt-BR},
 * {@code en_us} become {@code fr}, {@code pt_BR}, {@code en_US}, Meta's spelling), else {@code
 * whatsapp.language}; when the template does not exist in the profile's language, the sender sends
 * in {@code whatsapp.language} instead.
 *
 * <p>{@code biz_opaque_callback_data} is the decision id, so that status webhooks can be tied back
 * to the cart's decision; ids too long for Meta's limit are replaced by a digest of themselves.
 */
public class CartMessage implements MessageFactory<CartDecision> {
  /** Used when the profile has no first name: the template reads "Hi there, ...". */
  static final String NEUTRAL_GREETING = "there";

  /** Used when the items have no printable name at all. */
  static final String NEUTRAL_SUMMARY = "your cart";

  static final String ADVISOR_PAYLOAD_PREFIX = "advisor:";
  static final int MAX_GREETING_LENGTH = 60;
  static final int MAX_PARAMETER_LENGTH = 120;

  /** Meta's limit for biz_opaque_callback_data. */
  static final int MAX_CALLBACK_DATA_LENGTH = 512;

  /** A quick reply payload this long is already unwieldy; Meta's own limit is not documented. */
  static final int MAX_PAYLOAD_LENGTH = 256;

  static final String DIGEST_PREFIX = "sha256:";

  private static final Pattern LANGUAGE = Pattern.compile("([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}))?");

  private final String templateName;
  private final String defaultLanguage;

  public CartMessage(String templateName, String defaultLanguage) {
    this.templateName = templateName;
    this.defaultLanguage = defaultLanguage;
  }

  @Override
  public TemplateMessage toMessage(CartDecision cart) {
    TemplateMessage m = new TemplateMessage();
    m.to = cart.phoneE164;
    m.templateName = templateName;
    m.languageCode = languageSent(cart.language, defaultLanguage);
    m.fallbackLanguageCode = m.languageCode.equals(defaultLanguage) ? null : defaultLanguage;
    String greeting = TemplateText.parameter(cart.greetingName, MAX_GREETING_LENGTH);
    String summary = TemplateText.parameter(cart.itemsSummary, MAX_PARAMETER_LENGTH);
    m.bodyParameters =
        List.of(
            greeting.isEmpty() ? NEUTRAL_GREETING : greeting,
            summary.isEmpty() ? NEUTRAL_SUMMARY : summary);
    m.urlButtonParameter = cart.cartId;
    m.quickReplyPayload =
        ADVISOR_PAYLOAD_PREFIX
            + atMost(cart.cartId, MAX_PAYLOAD_LENGTH - ADVISOR_PAYLOAD_PREFIX.length());
    m.bizOpaqueCallbackData = atMost(cart.decisionId(), MAX_CALLBACK_DATA_LENGTH);
    return m;
  }

  /**
   * The language a cart's message is sent in: the profile's in Meta's spelling, else {@code
   * defaultLanguage} (which the sender also falls back to when the template lacks the profile's).
   */
  public static String languageSent(String profileLanguage, String defaultLanguage) {
    String language = languageCode(profileLanguage);
    return language != null ? language : defaultLanguage;
  }

  /**
   * The cart id that a "Chat with an advisor" payload names, or null when the payload is not one of
   * this job's (or names a digest of a long id: then the message id the tap replies to decides).
   */
  public static String cartOfAdvisorPayload(String payload) {
    if (payload == null
        || !payload.startsWith(ADVISOR_PAYLOAD_PREFIX)
        || payload.startsWith(ADVISOR_PAYLOAD_PREFIX + DIGEST_PREFIX)) {
      return null;
    }
    String cartId = payload.substring(ADVISOR_PAYLOAD_PREFIX.length());
    return cartId.isEmpty() ? null : cartId;
  }

  /** Meta's spelling of a language code ({@code pt_BR}), or null when it does not read as one. */
  static String languageCode(String profileLanguage) {
    if (profileLanguage == null) {
      return null;
    }
    Matcher code = LANGUAGE.matcher(profileLanguage.strip());
    if (!code.matches()) {
      return null;
    }
    String language = code.group(1).toLowerCase(Locale.ROOT);
    return code.group(2) == null
        ? language
        : language + "_" + code.group(2).toUpperCase(Locale.ROOT);
  }

  /** The id itself, or a digest of it when it is longer than the field allows. */
  static String atMost(String id, int maxLength) {
    if (id.length() <= maxLength) {
      return id;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return DIGEST_PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The decision id: the same cart at the same deadline is the same send, however often replayed.
   */
  @Override
  public String idempotencyKey(CartDecision cart) {
    return cart.decisionId();
  }
}
