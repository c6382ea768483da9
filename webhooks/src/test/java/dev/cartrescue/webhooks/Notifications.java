package dev.cartrescue.webhooks;

import java.nio.charset.StandardCharsets;

/**
 * Meta's webhook bodies as Meta writes them: compact JSON, non-ASCII characters escaped ({@code
 * \u00e9}), several statuses per POST.
 */
final class Notifications {
  static final String APP_SECRET = "test-app-secret-4f1c";
  static final String VERIFY_TOKEN = "test-verify-token-91ab";

  private Notifications() {}

  /**
   * A status notification of about 2 KB: a failed marketing template (131049) with its pricing and
   * the echoed callback data, then a delivered and a read, as one POST carries them.
   */
  static byte[] statuses(String wamid) {
    String status =
        "{\"id\":\"%s\",\"status\":\"%s\",\"timestamp\":\"1750263773\","
            + "\"recipient_id\":\"4915112345678\",\"recipient_user_id\":\"DE.1234567890123456\","
            + "\"biz_opaque_callback_data\":\"cart:c-8812:contact:k-20431:deadline:1750260173000\","
            + "%s\"conversation\":{\"id\":\"a1c3f0e2b9d84e7f6a5b4c3d2e1f0a9b\","
            + "\"expiration_timestamp\":\"1750350173\",\"origin\":{\"type\":\"marketing\"}},"
            + "\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\","
            + "\"category\":\"marketing\",\"type\":\"regular\"}}";
    String errors =
        "\"errors\":[{\"code\":131049,\"title\":\"This message was not delivered to maintain"
            + " healthy ecosystem engagement.\",\"message\":\"This message was not delivered to"
            + " maintain healthy ecosystem engagement.\",\"error_data\":{\"details\":\"In order to"
            + " maintain a healthy ecosystem engagement, the message failed to be delivered.\"},"
            + "\"href\":\"https://developers.facebook.com/docs/whatsapp/cloud-api/support/"
            + "error-codes/\"}],";
    String value =
        "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":"
            + "\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":"
            + "{\"name\":\"Ren\\u00e9e M\\u00fcller\"},\"wa_id\":\"4915112345678\","
            + "\"user_id\":\"DE.1234567890123456\"}],\"statuses\":["
            + String.format(status, wamid, "failed", errors)
            + ","
            + String.format(status, wamid + "-2", "delivered", "")
            + ","
            + String.format(status, wamid + "-3", "read", "")
            + "]}";
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
            + "\"changes\":[{\"value\":"
            + value
            + ",\"field\":\"messages\"}]}]}";
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** A quick-reply tap on the template's advisor button, with a name Meta escapes. */
  static byte[] quickReply(String wamid) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
            + "\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
            + "{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},"
            + "\"contacts\":[{\"profile\":{\"name\":\"Jos\\u00e9 Garc\\u00eda\"},"
            + "\"wa_id\":\"34612345678\"}],\"messages\":[{\"context\":{\"from\":\"15550783881\","
            + "\"id\":\""
            + wamid
            + "\"},\"from\":\"34612345678\",\"id\":\"wamid.reply-"
            + wamid
            + "\",\"timestamp\":\"1750263800\",\"type\":\"button\",\"button\":{\"payload\":"
            + "\"advisor\",\"text\":\"Chat with an advisor\"}}]},\"field\":\"messages\"}]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What Meta would sign {@code body} with. */
  static String signed(byte[] body) {
    return Signature.of(APP_SECRET, body);
  }
}
