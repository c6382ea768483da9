package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The delivered messages as a person watching the demo wants them: newest first, readable. */
final class Inbox {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Inbox() {}

  /**
   * What the phone page adds to a message.
   *
   * @param advisorTaps how often a person tapped "Chat with an advisor" on it
   * @param blocked why its buttons cannot be tapped (not delivered, no webhooks), or null
   */
  record PhoneView(int advisorTaps, String blocked) {}

  /** One delivered message, reduced to what a phone shows. */
  private record Shown(ReceivedMessage message) {
    String template() {
      return message.body().path("template").path("name").asText("");
    }

    String language() {
      return message.body().path("template").path("language").path("code").asText("");
    }

    JsonNode component(int index) {
      return message.body().path("template").path("components").path(index);
    }

    List<String> bodyParameters() {
      List<String> texts = new ArrayList<>();
      component(0).path("parameters").forEach(p -> texts.add(p.path("text").asText("")));
      return texts;
    }

    String urlButtonParameter() {
      return component(1).path("parameters").path(0).path("text").asText("");
    }

    String bizOpaqueCallbackData() {
      JsonNode data = message.body().get("biz_opaque_callback_data");
      return data == null || data.isNull() ? null : data.asText();
    }
  }

  /** {@code {"count":N,"messages":[...]}}, newest first. */
  static ObjectNode json(List<ReceivedMessage> arrivalOrder) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("count", arrivalOrder.size());
    ArrayNode messages = root.putArray("messages");
    for (Shown shown : newestFirst(arrivalOrder)) {
      ReceivedMessage m = shown.message();
      ObjectNode node = messages.addObject();
      node.put("at", m.at().toString());
      node.put("phone_number_id", m.phoneNumberId());
      node.put("to", m.to());
      node.put("message_id", m.messageId());
      node.put("template", shown.template());
      node.put("language", shown.language());
      ArrayNode body = node.putArray("body_parameters");
      shown.bodyParameters().forEach(body::add);
      node.put("url_button_parameter", shown.urlButtonParameter());
      node.put("quick_reply_payload", m.quickReplyPayload());
      node.put("biz_opaque_callback_data", shown.bizOpaqueCallbackData());
    }
    return root;
  }

  /**
   * A page that refreshes itself every 2 seconds, one chat bubble per message with its two buttons,
   * and a reply bubble for each tap on "Chat with an advisor".
   */
  static String html(
      List<ReceivedMessage> arrivalOrder, Function<ReceivedMessage, PhoneView> view) {
    StringBuilder page = new StringBuilder(4096);
    page.append(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="2">
            <title>WhatsApp Cloud API simulator</title>
            <style>
            body{font-family:system-ui,sans-serif;background:#efeae2;margin:0;padding:1em}
            h1{font-size:1.2em;color:#075e54}
            .msg{max-width:32em;margin:0 0 1em 0}
            .to{font-size:.8em;color:#555;margin-bottom:.2em}
            .bubble{background:#fff;border-radius:.6em;padding:.6em .8em;box-shadow:0 1px 1px #0002}
            .tpl{font-size:.75em;color:#888}
            .btn{display:block;width:100%;text-align:center;color:#027eb5;background:none;border:0;
            border-top:1px solid #eee;padding:.4em;font:inherit;cursor:pointer;text-decoration:none}
            .btn[disabled]{color:#aaa;cursor:default}
            form{margin:0}
            .blocked{font-size:.75em;color:#b00}
            .reply{background:#d9fdd3;border-radius:.6em;padding:.4em .8em;margin:.3em 0 0 6em;
            box-shadow:0 1px 1px #0002}
            </style></head><body>
            <h1>WhatsApp Cloud API simulator</h1>
            """)
        .append("<p>")
        .append(arrivalOrder.size())
        .append(" message(s) delivered, newest first.</p>\n");
    for (Shown shown : newestFirst(arrivalOrder)) {
      ReceivedMessage m = shown.message();
      PhoneView phone = view.apply(m);
      String id = escape(m.messageId());
      page.append("<div class=\"msg\" data-message-id=\"")
          .append(id)
          .append("\"><div class=\"to\">to ")
          .append(escape(m.to()))
          .append(" &middot; ")
          .append(TIME.format(m.at()))
          .append("</div><div class=\"bubble\"><div class=\"tpl\">")
          .append(escape(shown.template()))
          .append(" (")
          .append(escape(shown.language()))
          .append(")</div>");
      for (String text : shown.bodyParameters()) {
        page.append("<p>").append(escape(text)).append("</p>");
      }
      String disabled = phone.blocked() == null ? "" : " disabled";
      page.append("<a class=\"btn view-cart\" href=\"/_sim/messages/")
          .append(id)
          .append("/cart\" title=\"the shop's address ending in ")
          .append(escape(shown.urlButtonParameter()))
          .append("\">View cart</a>")
          .append("<form method=\"post\" action=\"/_sim/messages/")
          .append(id)
          .append("/advisor\"><button class=\"btn chat-advisor\" type=\"submit\" title=\"payload ")
          .append(escape(m.quickReplyPayload()))
          .append('"')
          .append(disabled)
          .append(">Chat with an advisor</button></form>");
      if (phone.blocked() != null) {
        page.append("<div class=\"blocked\">").append(escape(phone.blocked())).append("</div>");
      }
      page.append("</div>");
      for (int tap = 0; tap < phone.advisorTaps(); tap++) {
        page.append("<div class=\"reply\">Chat with an advisor</div>");
      }
      page.append("</div>\n");
    }
    return page.append("</body></html>\n").toString();
  }

  /**
   * What "View cart" opens: a stand-in for the shop's cart page, showing the link's ending the
   * message carried (the template's URL button appends it to the shop's address).
   */
  static String cartPage(ReceivedMessage message) {
    Shown shown = new Shown(message);
    StringBuilder page = new StringBuilder(1024);
    page.append(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>View cart</title>
            <style>body{font-family:system-ui,sans-serif;margin:0;padding:1em}</style></head><body>
            <h1>The shop's cart page</h1>
            <p>WhatsApp opens the template's "View cart" address ending in
            """)
        .append("<code class=\"cart-path\">")
        .append(escape(shown.urlButtonParameter()))
        .append("</code>; no webhook is sent for a link button.</p>\n");
    for (String text : shown.bodyParameters()) {
      page.append("<p>").append(escape(text)).append("</p>");
    }
    return page.append("<p><a href=\"/\">Back to the phone</a></p></body></html>\n").toString();
  }

  private static List<Shown> newestFirst(List<ReceivedMessage> arrivalOrder) {
    List<Shown> shown = new ArrayList<>(arrivalOrder.size());
    for (int i = arrivalOrder.size() - 1; i >= 0; i--) {
      shown.add(new Shown(arrivalOrder.get(i)));
    }
    return shown;
  }

  private static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
