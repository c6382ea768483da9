package dev.cartrescue.sinks.whatsapp;

import java.util.List;
import java.util.Objects;

/** One template message, as the Cloud API's send request needs it. Flink POJO. */
public class TemplateMessage {

  /** E.164 with leading '+'. */
  public String to;

  public String templateName;
  public String languageCode;

  /** Text parameters of the body component, in order. */
  public List<String> bodyParameters;

  /** Text parameter of button index 0, sub_type url. */
  public String urlButtonParameter;

  /** Payload of button index 1, sub_type quick_reply. */
  public String quickReplyPayload;

  /** May be null; sent as biz_opaque_callback_data when present. */
  public String bizOpaqueCallbackData;

  /**
   * May be null. The language to send in instead when the template does not exist in {@link
   * #languageCode} (Cloud API error 132001), e.g. the business's default language when {@code
   * languageCode} is the contact's own.
   */
  public String fallbackLanguageCode;

  public TemplateMessage() {}

  public TemplateMessage(
      String to,
      String templateName,
      String languageCode,
      List<String> bodyParameters,
      String urlButtonParameter,
      String quickReplyPayload,
      String bizOpaqueCallbackData) {
    this.to = to;
    this.templateName = templateName;
    this.languageCode = languageCode;
    this.bodyParameters = bodyParameters;
    this.urlButtonParameter = urlButtonParameter;
    this.quickReplyPayload = quickReplyPayload;
    this.bizOpaqueCallbackData = bizOpaqueCallbackData;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TemplateMessage that
        && Objects.equals(to, that.to)
        && Objects.equals(templateName, that.templateName)
        && Objects.equals(languageCode, that.languageCode)
        && Objects.equals(bodyParameters, that.bodyParameters)
        && Objects.equals(urlButtonParameter, that.urlButtonParameter)
        && Objects.equals(quickReplyPayload, that.quickReplyPayload)
        && Objects.equals(bizOpaqueCallbackData, that.bizOpaqueCallbackData)
        && Objects.equals(fallbackLanguageCode, that.fallbackLanguageCode);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        to,
        templateName,
        languageCode,
        bodyParameters,
        urlButtonParameter,
        quickReplyPayload,
        bizOpaqueCallbackData,
        fallbackLanguageCode);
  }

  /** The same message in the fallback language, or null when there is no other to fall back to. */
  TemplateMessage inFallbackLanguage() {
    if (fallbackLanguageCode == null || fallbackLanguageCode.equals(languageCode)) {
      return null;
    }
    return new TemplateMessage(
        to,
        templateName,
        fallbackLanguageCode,
        bodyParameters,
        urlButtonParameter,
        quickReplyPayload,
        bizOpaqueCallbackData);
  }

  /** Leaves out the number and the parameters: they are personal data and this ends up in logs. */
  @Override
  public String toString() {
    return "TemplateMessage{to="
        + PhoneMask.mask(to)
        + ", template="
        + templateName
        + ", language="
        + languageCode
        + ", bodyParameters="
        + (bodyParameters == null ? 0 : bodyParameters.size())
        + "}";
  }
}
