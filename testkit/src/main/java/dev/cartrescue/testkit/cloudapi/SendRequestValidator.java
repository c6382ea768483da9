package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a send request the way the Cloud API rejects it, for the one template shape this project
 * uses: a body with two text parameters, a URL button at index 0 with one text parameter, a quick
 * reply button at index 1 with one payload. Every rejection is HTTP 400; the code follows Meta's
 * families:
 *
 * <ul>
 *   <li><b>131008</b> (required parameter is missing): {@code messaging_product}, {@code to},
 *       {@code type}, {@code template}, {@code template.name}, {@code template.language}, {@code
 *       template.language.code} or {@code template.components} is absent or null.
 *   <li><b>131009</b> (parameter value is not valid): such a field is present with a wrong value:
 *       {@code messaging_product} not {@code whatsapp}; {@code to} not '+' and 8 to 15 digits;
 *       {@code type} not {@code template}; an empty template name or language code; a body text
 *       that is empty, holds a newline or a tab, more than 4 consecutive spaces or more than 1024
 *       characters; an empty button text or payload; a {@code biz_opaque_callback_data} longer than
 *       512 characters.
 *   <li><b>100</b> (invalid parameter): the body is not a JSON object, a field has the wrong JSON
 *       type, or the components do not have the template's structure (wrong order, type, sub_type
 *       or index, wrong number or type of parameters).
 * </ul>
 *
 * On {@code /marketing_messages} (the Marketing Messages API) the same template is checked, plus
 * the fields of that endpoint, all optional in Meta's request schema: {@code product_policy} must
 * be {@code CLOUD_API_FALLBACK} or {@code STRICT}, {@code message_activity_sharing} a boolean and
 * {@code recipient_type} {@code individual}; anything else is code 100. On {@code /messages} these
 * fields are ignored (whether Meta refuses them there is not documented).
 */
final class SendRequestValidator {

  static final int STRUCTURE = 100;
  static final int MISSING = 131008;
  static final int BAD_VALUE = 131009;

  private static final Pattern E164 = Pattern.compile("\\+[0-9]{8,15}");
  private static final Pattern FIVE_SPACES = Pattern.compile(" {5}");
  private static final int MAX_BODY_TEXT = 1024;
  private static final int MAX_OPAQUE_DATA = 512;

  private SendRequestValidator() {}

  /** The Marketing Messages API's two product policies. */
  static final Set<String> PRODUCT_POLICIES = Set.of("CLOUD_API_FALLBACK", "STRICT");

  /**
   * The error Meta would answer with, or empty when the request would be accepted.
   *
   * @param marketingMessages whether the request came to {@code /marketing_messages}
   */
  static Optional<CloudApiError> check(JsonNode request, boolean marketingMessages) {
    try {
      checkRequest(request);
      if (marketingMessages) {
        checkMarketingFields(request);
      }
      return Optional.empty();
    } catch (Rejected rejected) {
      return Optional.of(rejected.error);
    }
  }

  private static void checkRequest(JsonNode request) throws Rejected {
    if (request == null || !request.isObject()) {
      throw rejected(STRUCTURE, "the request body must be a JSON object");
    }
    if (!"whatsapp".equals(requiredText(request, "messaging_product"))) {
      throw rejected(BAD_VALUE, "messaging_product must be \"whatsapp\"");
    }
    if (!E164.matcher(requiredText(request, "to")).matches()) {
      throw rejected(BAD_VALUE, "to must be '+' followed by 8 to 15 digits");
    }
    if (!"template".equals(requiredText(request, "type"))) {
      throw rejected(BAD_VALUE, "type must be \"template\"");
    }
    JsonNode template = requiredObject(request, "template");
    nonEmpty(requiredText(template, "name"), "template.name");
    nonEmpty(requiredText(requiredObject(template, "language"), "code"), "template.language.code");
    JsonNode components = required(template, "components");
    if (!components.isArray() || components.size() != 3) {
      throw rejected(
          STRUCTURE,
          "template.components must be the body, the url button at index 0 and the quick_reply"
              + " button at index 1");
    }
    checkBody(components.get(0));
    checkButton(components.get(1), "url", "0", "text");
    checkButton(components.get(2), "quick_reply", "1", "payload");
    JsonNode opaque = request.get("biz_opaque_callback_data");
    if (opaque != null && !opaque.isNull()) {
      if (!opaque.isTextual()) {
        throw rejected(STRUCTURE, "biz_opaque_callback_data must be a string");
      }
      if (opaque.textValue().length() > MAX_OPAQUE_DATA) {
        throw rejected(BAD_VALUE, "biz_opaque_callback_data is longer than 512 characters");
      }
    }
  }

  private static void checkMarketingFields(JsonNode request) throws Rejected {
    JsonNode policy = request.get("product_policy");
    if (policy != null && !(policy.isTextual() && PRODUCT_POLICIES.contains(policy.textValue()))) {
      throw rejected(STRUCTURE, "product_policy must be CLOUD_API_FALLBACK or STRICT");
    }
    JsonNode sharing = request.get("message_activity_sharing");
    if (sharing != null && !sharing.isBoolean()) {
      throw rejected(STRUCTURE, "message_activity_sharing must be a boolean");
    }
    JsonNode recipientType = request.get("recipient_type");
    if (recipientType != null
        && !(recipientType.isTextual() && "individual".equals(recipientType.textValue()))) {
      throw rejected(STRUCTURE, "recipient_type must be \"individual\"");
    }
  }

  private static void checkBody(JsonNode component) throws Rejected {
    if (!component.isObject() || !"body".equals(component.path("type").asText())) {
      throw rejected(STRUCTURE, "the first component must be the body");
    }
    JsonNode parameters = parameters(component, 2, "body");
    for (JsonNode parameter : parameters) {
      if (!"text".equals(parameter.path("type").asText()) || !parameter.path("text").isTextual()) {
        throw rejected(STRUCTURE, "body parameters must be of type text");
      }
      String text = parameter.get("text").textValue();
      if (text.isEmpty()) {
        throw rejected(BAD_VALUE, "a body parameter is empty");
      }
      if (text.indexOf('\n') >= 0 || text.indexOf('\t') >= 0) {
        throw rejected(BAD_VALUE, "a body parameter holds a newline or a tab");
      }
      if (FIVE_SPACES.matcher(text).find()) {
        throw rejected(BAD_VALUE, "a body parameter holds more than 4 consecutive spaces");
      }
      if (text.length() > MAX_BODY_TEXT) {
        throw rejected(BAD_VALUE, "a body parameter is longer than 1024 characters");
      }
    }
  }

  private static void checkButton(JsonNode component, String subType, String index, String kind)
      throws Rejected {
    String where = subType + " button at index " + index;
    if (!component.isObject()
        || !"button".equals(component.path("type").asText())
        || !subType.equals(component.path("sub_type").asText())
        || !component.path("index").isValueNode()
        || !index.equals(component.path("index").asText())) {
      throw rejected(STRUCTURE, "expected the " + where + " here");
    }
    JsonNode parameter = parameters(component, 1, where).get(0);
    if (!kind.equals(parameter.path("type").asText()) || !parameter.path(kind).isTextual()) {
      throw rejected(STRUCTURE, "the " + where + " takes one parameter of type " + kind);
    }
    if (parameter.get(kind).textValue().isBlank()) {
      throw rejected(BAD_VALUE, "the " + kind + " of the " + where + " is empty");
    }
  }

  private static JsonNode parameters(JsonNode component, int count, String where) throws Rejected {
    JsonNode parameters = component.get("parameters");
    if (parameters == null || !parameters.isArray() || parameters.size() != count) {
      throw rejected(STRUCTURE, "the " + where + " takes exactly " + count + " parameter(s)");
    }
    for (JsonNode parameter : parameters) {
      if (!parameter.isObject()) {
        throw rejected(STRUCTURE, "parameters of the " + where + " must be objects");
      }
    }
    return parameters;
  }

  private static JsonNode required(JsonNode parent, String field) throws Rejected {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      throw rejected(MISSING, "the parameter " + field + " is required");
    }
    return value;
  }

  private static String requiredText(JsonNode parent, String field) throws Rejected {
    JsonNode value = required(parent, field);
    if (!value.isTextual()) {
      throw rejected(STRUCTURE, field + " must be a string");
    }
    return value.textValue();
  }

  private static JsonNode requiredObject(JsonNode parent, String field) throws Rejected {
    JsonNode value = required(parent, field);
    if (!value.isObject()) {
      throw rejected(STRUCTURE, field + " must be an object");
    }
    return value;
  }

  private static void nonEmpty(String value, String field) throws Rejected {
    if (value.isBlank()) {
      throw rejected(BAD_VALUE, field + " is empty");
    }
  }

  private static Rejected rejected(int code, String details) {
    return new Rejected(CloudApiError.of(400, code, details));
  }

  /** Ends the checks at the first problem, as Meta reports only one. */
  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final transient CloudApiError error;

    Rejected(CloudApiError error) {
      super(error.details(), null, false, false);
      this.error = error;
    }
  }
}
