package dev.cartrescue.job.message;

import dev.cartrescue.job.records.CartDecision;
import dev.cartrescue.sinks.whatsapp.MessageFactory;
import dev.cartrescue.sinks.whatsapp.TemplateMessage;
import java.util.List;

/**
 * The advisor-first message for a cart to send (contract section 4): body "{{1}}" greeting name and
 * "{{2}}" items summary; button 0 "View cart" with the cart id as the URL suffix; button 1 "Chat
 * with an advisor" with a payload naming the cart.
 */
public class CartMessage implements MessageFactory<CartDecision> {
  /** Used when the profile has no first name: the template reads "Hi there, ...". */
  static final String NEUTRAL_GREETING = "there";

  static final String ADVISOR_PAYLOAD_PREFIX = "advisor:";
  static final int MAX_PARAMETER_LENGTH = 120;

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
    m.languageCode = cart.language != null ? cart.language : defaultLanguage;
    String greeting =
        cart.greetingName == null ? "" : TemplateText.parameter(cart.greetingName, 60);
    m.bodyParameters =
        List.of(
            greeting.isEmpty() ? NEUTRAL_GREETING : greeting,
            TemplateText.parameter(cart.itemsSummary, MAX_PARAMETER_LENGTH));
    m.urlButtonParameter = cart.cartId;
    m.quickReplyPayload = ADVISOR_PAYLOAD_PREFIX + cart.cartId;
    m.bizOpaqueCallbackData = cart.decisionId();
    return m;
  }
}
