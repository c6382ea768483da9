package dev.cartrescue.testkit.cloudapi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** An error answer in the Cloud API's shape, with the HTTP status it travels with. */
record CloudApiError(int httpStatus, int code, String message, String details) {

  /** The messages Meta gives for codes that tests are likely to inject. */
  private static final Map<Integer, String> KNOWN_MESSAGES =
      Map.ofEntries(
          Map.entry(0, "AuthException"),
          Map.entry(2, "Service temporarily unavailable"),
          Map.entry(3, "Capability or permissions issue"),
          Map.entry(4, "Application request limit reached"),
          Map.entry(10, "Permission denied"),
          Map.entry(100, "Invalid parameter"),
          Map.entry(190, "Invalid OAuth access token"),
          Map.entry(368, "Temporarily blocked for policies violations"),
          Map.entry(80007, "Rate limit issues"),
          Map.entry(130429, "Rate limit hit"),
          Map.entry(131000, "Something went wrong"),
          Map.entry(131008, "Required parameter is missing"),
          Map.entry(131009, "Parameter value is not valid"),
          Map.entry(131016, "Service unavailable"),
          Map.entry(131026, "Message undeliverable"),
          Map.entry(131047, "Re-engagement message"),
          Map.entry(
              131049, "This message was not delivered to maintain healthy ecosystem engagement."),
          Map.entry(131050, "Unable to deliver the message: the user stopped marketing messages"),
          Map.entry(131055, "Method not allowed"),
          Map.entry(131056, "(Business Account, Consumer Account) pair rate limit hit"),
          Map.entry(131057, "Account in maintenance mode"),
          Map.entry(132000, "Number of parameters does not match the expected number of params"),
          Map.entry(132001, "Template name does not exist in the translation"),
          Map.entry(133004, "Server temporarily unavailable"));

  static CloudApiError of(int httpStatus, int code, String details) {
    String message = KNOWN_MESSAGES.getOrDefault(code, "Simulated failure");
    return new CloudApiError(httpStatus, code, "(#" + code + ") " + message, details);
  }

  /** The body Meta sends: {@code {"error":{"message","type","code","error_data","fbtrace_id"}}}. */
  ObjectNode toJson(String fbtraceId) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    // Meta reports nearly every Graph API error, throttling included, as an OAuthException.
    error.put("type", "OAuthException");
    error.put("code", code);
    ObjectNode data = error.putObject("error_data");
    data.put("messaging_product", "whatsapp");
    data.put("details", details);
    error.put("fbtrace_id", fbtraceId);
    return root;
  }
}
