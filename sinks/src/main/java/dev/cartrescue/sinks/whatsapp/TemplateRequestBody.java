package dev.cartrescue.sinks.whatsapp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings.Endpoint;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings.ProductPolicy;

/**
 * The JSON body of a template send:
 *
 * <pre>{@code
 * {"messaging_product":"whatsapp","to":"+33612345678","type":"template",
 *  "template":{"name":"...","language":{"code":"fr"},"components":[
 *    {"type":"body","parameters":[{"type":"text","text":"..."},...]},
 *    {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"..."}]},
 *    {"type":"button","sub_type":"quick_reply","index":"1",
 *     "parameters":[{"type":"payload","payload":"..."}]}]},
 *  "biz_opaque_callback_data":"..."}
 * }</pre>
 *
 * A component whose parameter is absent is left out, for templates without that part; the button
 * indexes stay those of the template.
 *
 * <p>To the Marketing Messages API ({@code /marketing_messages}) the same body goes, plus {@code
 * "recipient_type":"individual"} (Meta's schema for that endpoint requires it; {@code /messages}
 * takes it as the default) and {@code "product_policy"}, which belongs to that endpoint only. The
 * optional {@code message_activity_sharing} is left out, to Meta's default.
 */
final class TemplateRequestBody {

  private TemplateRequestBody() {}

  /**
   * The body for this endpoint.
   *
   * @param productPolicy sent with {@link Endpoint#MARKETING_MESSAGES} only, and always there (Meta
   *     makes it optional; the job states it rather than rely on an undocumented default); ignored
   *     otherwise
   * @throws IllegalArgumentException when {@code to}, {@code templateName} or {@code languageCode}
   *     is missing, a body parameter is null, or a marketing message has no product policy
   */
  static String json(TemplateMessage message, Endpoint endpoint, ProductPolicy productPolicy) {
    boolean marketing = endpoint == Endpoint.MARKETING_MESSAGES;
    if (marketing && productPolicy == null) {
      throw new IllegalArgumentException("a marketing message needs a product policy");
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("messaging_product", "whatsapp");
    if (marketing) {
      root.put("recipient_type", "individual");
    }
    root.put("to", required(message.to, "to"));
    root.put("type", "template");
    ObjectNode template = root.putObject("template");
    template.put("name", required(message.templateName, "templateName"));
    template.putObject("language").put("code", required(message.languageCode, "languageCode"));
    ArrayNode components = template.putArray("components");
    if (message.bodyParameters != null && !message.bodyParameters.isEmpty()) {
      ArrayNode parameters = components.addObject().put("type", "body").putArray("parameters");
      for (String text : message.bodyParameters) {
        parameters.addObject().put("type", "text").put("text", required(text, "bodyParameters[]"));
      }
    }
    if (message.urlButtonParameter != null) {
      button(components, "url", "0")
          .addObject()
          .put("type", "text")
          .put("text", message.urlButtonParameter);
    }
    if (message.quickReplyPayload != null) {
      button(components, "quick_reply", "1")
          .addObject()
          .put("type", "payload")
          .put("payload", message.quickReplyPayload);
    }
    if (message.bizOpaqueCallbackData != null) {
      root.put("biz_opaque_callback_data", message.bizOpaqueCallbackData);
    }
    if (marketing) {
      root.put("product_policy", productPolicy.name());
    }
    return root.toString();
  }

  private static ArrayNode button(ArrayNode components, String subType, String index) {
    return components
        .addObject()
        .put("type", "button")
        .put("sub_type", subType)
        .put("index", index)
        .putArray("parameters");
  }

  private static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the template message has no " + field);
    }
    return value;
  }
}
