package dev.cartrescue.sinks.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings.Endpoint;
import dev.cartrescue.sinks.whatsapp.CloudApiSettings.ProductPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TemplateRequestBodyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aMessagesBodyHasNoMarketingField() throws Exception {
    JsonNode body =
        JSON.readTree(
            TemplateRequestBody.json(
                CloudApiClientTest.message(), Endpoint.MESSAGES, ProductPolicy.STRICT));

    assertThat(body.has("product_policy")).isFalse();
    assertThat(body.has("recipient_type")).isFalse();
    assertThat(body.has("message_activity_sharing")).isFalse();
    assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo("cart:k-9");
  }

  @ParameterizedTest
  @EnumSource(ProductPolicy.class)
  void aMarketingMessagesBodyIsTheSameTemplateWithItsProductPolicy(ProductPolicy policy)
      throws Exception {
    TemplateMessage message = CloudApiClientTest.message();
    ObjectNode messages =
        (ObjectNode) JSON.readTree(TemplateRequestBody.json(message, Endpoint.MESSAGES, null));

    JsonNode marketing =
        JSON.readTree(TemplateRequestBody.json(message, Endpoint.MARKETING_MESSAGES, policy));

    ObjectNode expected = messages.deepCopy();
    expected.put("recipient_type", "individual");
    expected.put("product_policy", policy.name());
    assertThat(marketing).isEqualTo(expected);
  }

  @Test
  void aMarketingMessageWithoutAProductPolicyIsRefused() {
    assertThatThrownBy(
            () ->
                TemplateRequestBody.json(
                    CloudApiClientTest.message(), Endpoint.MARKETING_MESSAGES, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("product policy");
  }
}
