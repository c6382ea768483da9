package dev.cartrescue.testkit.chatwoot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stand-in over real HTTP, as Chatwoot answers. */
class ChatwootStandInTest {
  private static final String TOKEN = "token-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ChatwootStandIn chatwoot =
      ChatwootStandIn.builder().apiToken(TOKEN).accountId(3).inbox(9, "WhatsApp").start();

  @AfterEach
  void stop() {
    chatwoot.close();
  }

  @Test
  void refusesARequestWithoutTheRightTokenOrForAnotherAccount() throws Exception {
    assertThat(api("GET", "/api/v1/accounts/3/contacts/search?q=%2B33", null, null).statusCode())
        .isEqualTo(401);
    assertThat(api("GET", "/api/v1/accounts/3/contacts/search?q=%2B33", null, "wrong").statusCode())
        .isEqualTo(401);
    assertThat(api("GET", "/api/v1/accounts/4/contacts/search?q=%2B33", null, TOKEN).statusCode())
        .isEqualTo(401);
    assertThat(api("GET", "/api/v1/accounts/3/contacts/search?q=%2B33", null, TOKEN).statusCode())
        .isEqualTo(200);
  }

  @Test
  void createsAContactInTheInboxAndRefusesAPhoneNumberThatIsNotE164() throws Exception {
    HttpResponse<String> created =
        api(
            "POST",
            "/api/v1/accounts/3/contacts",
            "{\"inbox_id\":9,\"name\":\"Marie\",\"phone_number\":\"+33612345678\",\"identifier\":\"c-1\"}",
            TOKEN);
    assertThat(created.statusCode()).isEqualTo(200);
    JsonNode payload = JSON.readTree(created.body()).path("payload");
    assertThat(payload.path("contact").path("phone_number").asText()).isEqualTo("+33612345678");
    assertThat(payload.path("contact_inbox").path("source_id").asText()).isEqualTo("33612345678");

    HttpResponse<String> search =
        api("GET", "/api/v1/accounts/3/contacts/search?q=%2B3361234", null, TOKEN);
    assertThat(JSON.readTree(search.body()).path("payload").get(0).path("identifier").asText())
        .isEqualTo("c-1");

    HttpResponse<String> invalid =
        api("POST", "/api/v1/accounts/3/contacts", "{\"phone_number\":\"0612\"}", TOKEN);
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(invalid.body()).path("message").asText())
        .isEqualTo("Phone number should be in e164 format");
    assertThat(api("GET", "/api/v1/accounts/3/conversations/77/messages", null, TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void takesSignedWhatsAppMessagesIntoTheContactsConversationAndRefusesABadSignature()
      throws Exception {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
            + "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"profile\":"
            + "{\"name\":\"Marie\"},\"wa_id\":\"33612345678\"}],\"messages\":[{\"from\":\"33612345678\","
            + "\"id\":\"wamid.in-1\",\"timestamp\":\"1764709500\",\"type\":\"button\",\"button\":"
            + "{\"payload\":\"advisor\",\"text\":\"Chat with an advisor\"}}]}}]}]}";
    URI webhook = URI.create(chatwoot.whatsAppWebhookUrl());

    assertThat(post(webhook, body, "sha256=" + "0".repeat(64))).isEqualTo(401);
    assertThat(post(webhook, body, null)).isEqualTo(401);
    assertThat(chatwoot.conversations()).isEmpty();

    assertThat(post(webhook, body, sign(body))).isEqualTo(200);
    assertThat(post(webhook, body, sign(body))).as("a re-delivery").isEqualTo(200);

    assertThat(chatwoot.conversations()).hasSize(1);
    StandInConversation conversation = chatwoot.conversations().get(0);
    assertThat(conversation.contact().name()).isEqualTo("Marie");
    assertThat(conversation.contact().phoneNumber()).isEqualTo("+33612345678");
    assertThat(conversation.incoming())
        .extracting(StandInMessage::content)
        .containsExactly("Chat with an advisor");
    String page =
        http.send(
                HttpRequest.newBuilder(URI.create(chatwoot.baseUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(page).contains("Chat with an advisor").contains("/_standin/conversations.json");
  }

  private int post(URI uri, String body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private String sign(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(chatwoot.appSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private HttpResponse<String> api(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(chatwoot.baseUrl() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("api_access_token", token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
