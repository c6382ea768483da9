package dev.cartrescue.testkit.chatwoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP server on 127.0.0.1 that answers like Chatwoot, for tests and the demo: one account
 * with one WhatsApp inbox and one team (ids of your choice), in memory.
 *
 * <p>Chatwoot's application API, as far as the cart-rescue connector uses it, under {@code
 * /api/v1/accounts/{account}}, with the header {@code api_access_token} (401 {@code {"error":
 * "Invalid Access Token"}} without the right one, 401 for another account): {@code GET
 * contacts/search?q=&page=} ({@code {"meta","payload":[contact]}}, 15 a page, matching name, phone
 * number or identifier in part), {@code POST contacts} ({@code {"payload":{"contact",
 * "contact_inbox"}}}; 422 for a phone number that is not E.164 or taken, an identifier taken),
 * {@code POST contacts/{id}/contact_inboxes}, {@code GET contacts/{id}/conversations} ({@code
 * {"payload":[conversation]}}, newest first), {@code POST conversations}, {@code GET
 * conversations/{id}}, {@code GET|POST conversations/{id}/messages} (the newest 20, or 20 {@code
 * before} an id, or 100 {@code after} one), {@code GET|POST conversations/{id}/labels} (the POST
 * replaces the list), {@code POST conversations/{id}/assignments} ({@code team_id}: the team, or
 * {@code null} and no team for an unknown one), {@code GET inboxes/{id}}. Unknown ids are 404
 * {@code {"error":"Resource could not be found"}}. Conversation ids are Chatwoot's display ids.
 *
 * <p>Its WhatsApp inbox takes Meta's webhooks as Chatwoot's does, at {@code POST
 * /webhooks/whatsapp/{business phone number}}: checked against {@code X-Hub-Signature-256} (401
 * otherwise), each text, button or interactive reply becomes an incoming message in the sender's
 * newest unresolved conversation in the inbox (a new one otherwise); a message id seen before is
 * skipped; statuses are ignored. {@code GET} answers Meta's verification.
 *
 * <p>{@code GET /} is the advisor page (newest conversation first, refreshed every 2 s from {@code
 * GET /_standin/conversations.json}). {@link #failNext} and {@link #setLatency} inject failures
 * into the API; {@link #conversations()}, {@link #notes()} and {@link #requests()} are for
 * assertions.
 */
public final class ChatwootStandIn implements AutoCloseable {
  /** Chatwoot's page of contact search results. */
  static final int SEARCH_PAGE = 15;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern ACCOUNT = Pattern.compile("/api/v1/accounts/([^/]+)(/.*)?");
  private static final Pattern WEBHOOK = Pattern.compile("/webhooks/whatsapp/([^/]+)");
  private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{1,14}");
  private static final String CHANNEL = "Channel::Whatsapp";

  /** One request the API got: method, path (with query) and the status it was answered. */
  public record Request(String method, String path, int status) {}

  /** The stand-in's account, inbox, team and secrets; {@link #start()} runs it. */
  public static final class Builder {
    private int port;
    private String apiToken = "standin-api-token";
    private long accountId = 1;
    private long inboxId = 1;
    private String inboxName = "WhatsApp";
    private long teamId = 1;
    private String teamName = "Cart advisors";
    private String businessPhoneNumber = "+15550100001";
    private String appSecret = "standin-app-secret";
    private String verifyToken = "standin-verify-token";

    private Builder() {}

    /** 0 (the default) for any free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder apiToken(String apiToken) {
      this.apiToken = Objects.requireNonNull(apiToken);
      return this;
    }

    public Builder accountId(long accountId) {
      this.accountId = accountId;
      return this;
    }

    public Builder inbox(long id, String name) {
      this.inboxId = id;
      this.inboxName = name;
      return this;
    }

    public Builder team(long id, String name) {
      this.teamId = id;
      this.teamName = name;
      return this;
    }

    /** The number of the WhatsApp inbox: the last part of its webhook URL. */
    public Builder businessPhoneNumber(String number) {
      this.businessPhoneNumber = Objects.requireNonNull(number);
      return this;
    }

    /** The Meta app's secret, which signs the webhooks. */
    public Builder appSecret(String appSecret) {
      this.appSecret = Objects.requireNonNull(appSecret);
      return this;
    }

    public Builder verifyToken(String verifyToken) {
      this.verifyToken = Objects.requireNonNull(verifyToken);
      return this;
    }

    public ChatwootStandIn start() {
      return new ChatwootStandIn(this);
    }
  }

  private static final class Contact {
    final long id;
    final String name;
    final String phone;
    final String identifier;
    final Instant createdAt = Instant.now();

    /** source_id by inbox id. */
    final Map<Long, String> sourceIds = new LinkedHashMap<>();

    Contact(long id, String name, String phone, String identifier) {
      this.id = id;
      this.name = name;
      this.phone = phone;
      this.identifier = identifier;
    }

    StandInContact snapshot() {
      return new StandInContact(id, name, phone, identifier);
    }
  }

  private static final class Conversation {
    final long id;
    final Contact contact;
    final long inboxId;
    final Instant createdAt = Instant.now();
    String status;
    long teamId;
    List<String> labels = new ArrayList<>();
    final List<StandInMessage> messages = new ArrayList<>();
    Instant lastActivityAt = createdAt;

    Conversation(long id, Contact contact, long inboxId, String status) {
      this.id = id;
      this.contact = contact;
      this.inboxId = inboxId;
      this.status = status;
    }

    StandInConversation snapshot() {
      return new StandInConversation(
          id,
          contact.snapshot(),
          inboxId,
          status,
          teamId,
          List.copyOf(labels),
          List.copyOf(messages),
          createdAt);
    }
  }

  private final Builder settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Object lock = new Object();

  // Guarded by lock.
  private final List<Contact> contacts = new ArrayList<>();
  private final List<Conversation> conversations = new ArrayList<>();
  private final List<Request> requests = new ArrayList<>();
  private long nextContactId = 1;
  private long nextConversationId = 1;
  private long nextMessageId = 1;
  private int failuresLeft;
  private int failureStatus;
  private Duration latency = Duration.ZERO;
  private int sentToCustomers;

  private ChatwootStandIn(Builder settings) {
    this.settings = settings;
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + settings.port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            8,
            task -> {
              Thread thread = new Thread(task, "chatwoot-standin-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A stand-in with the defaults (account 1, inbox 1, team 1) and this access token. */
  public static ChatwootStandIn start(String apiToken) {
    return builder().apiToken(apiToken).start();
  }

  /** {@code http://127.0.0.1:<port>}: the connector's {@code chatwoot.base-url}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public long accountId() {
    return settings.accountId;
  }

  public long inboxId() {
    return settings.inboxId;
  }

  public long teamId() {
    return settings.teamId;
  }

  /** The WhatsApp inbox's webhook URL, as Chatwoot shows it: the receiver forwards here. */
  public String whatsAppWebhookUrl() {
    return baseUrl() + "/webhooks/whatsapp/" + settings.businessPhoneNumber;
  }

  public String appSecret() {
    return settings.appSecret;
  }

  /** The next {@code count} API requests are answered {@code status} (500, 429, ...). */
  public void failNext(int count, int status) {
    synchronized (lock) {
      failuresLeft = count;
      failureStatus = status;
    }
  }

  /** Every API request waits this long before it is handled. */
  public void setLatency(Duration latency) {
    synchronized (lock) {
      this.latency = Objects.requireNonNull(latency);
    }
  }

  /** Every conversation, oldest first. */
  public List<StandInConversation> conversations() {
    synchronized (lock) {
      return conversations.stream().map(Conversation::snapshot).toList();
    }
  }

  public List<StandInContact> contacts() {
    synchronized (lock) {
      return contacts.stream().map(Contact::snapshot).toList();
    }
  }

  /** Every private note, in the order they were posted. */
  public List<StandInMessage> notes() {
    synchronized (lock) {
      return conversations.stream()
          .flatMap(c -> c.messages.stream())
          .filter(StandInMessage::isNote)
          .sorted((a, b) -> Long.compare(a.id(), b.id()))
          .toList();
    }
  }

  /** The notes whose text holds {@code text} (a hand-off's marker, say). */
  public List<StandInMessage> notesContaining(String text) {
    return notes().stream().filter(m -> m.content().contains(text)).toList();
  }

  /** Outgoing messages that were not private: what Chatwoot would have sent to a customer. */
  public int sentToCustomers() {
    synchronized (lock) {
      return sentToCustomers;
    }
  }

  /** Every API request, in arrival order. */
  public List<Request> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- dispatch -------------------------------------------------------------------------------

  private record Answer(int status, String contentType, String body) {
    static Answer json(int status, JsonNode node) {
      return new Answer(status, "application/json; charset=utf-8", node.toString());
    }

    static Answer error(int status, String message) {
      return json(status, NODES.objectNode().put("error", message));
    }

    static Answer notFound() {
      return error(404, "Resource could not be found");
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      byte[] body = exchange.getRequestBody().readAllBytes();
      Answer answer;
      Matcher account = ACCOUNT.matcher(path);
      Matcher webhook = WEBHOOK.matcher(path);
      if (account.matches()) {
        answer = api(exchange, method, account, body);
        synchronized (lock) {
          String query = exchange.getRequestURI().getRawQuery();
          requests.add(
              new Request(method, query == null ? path : path + "?" + query, answer.status));
        }
      } else if (webhook.matches()) {
        answer = webhook(exchange, method, decode(webhook.group(1)), body);
      } else if ("GET".equals(method) && "/".equals(path)) {
        answer = new Answer(200, "text/html; charset=utf-8", AdvisorPage.html(pageJson()));
      } else if ("GET".equals(method) && "/_standin/conversations.json".equals(path)) {
        answer = Answer.json(200, pageJson());
      } else {
        answer = new Answer(404, "text/plain; charset=utf-8", "not found\n");
      }
      byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(answer.status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The client went away, or the stand-in is stopping.
    }
  }

  private Answer api(HttpExchange exchange, String method, Matcher account, byte[] raw) {
    Duration wait;
    synchronized (lock) {
      wait = latency;
    }
    if (!wait.isZero()) {
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lock) {
      if (failuresLeft > 0) {
        failuresLeft--;
        return Answer.error(failureStatus, "injected by the stand-in");
      }
    }
    String token = exchange.getRequestHeaders().getFirst("api_access_token");
    if (token == null
        || !MessageDigest.isEqual(
            token.getBytes(StandardCharsets.UTF_8),
            settings.apiToken.getBytes(StandardCharsets.UTF_8))) {
      return Answer.error(401, "Invalid Access Token");
    }
    if (!String.valueOf(settings.accountId).equals(account.group(1))) {
      return Answer.error(401, "You are not authorized to access this account");
    }
    String rest = account.group(2) == null ? "" : account.group(2);
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    JsonNode body;
    try {
      body = raw.length == 0 ? NODES.objectNode() : JSON.readTree(raw);
    } catch (IOException e) {
      return Answer.error(400, "the body is not JSON");
    }
    if (body == null || !body.isObject()) {
      body = NODES.objectNode();
    }
    String[] parts = rest.split("/");
    // parts[0] is "" (the path starts with '/').
    synchronized (lock) {
      return route(method, parts, query, body);
    }
  }

  /** Called under the lock. */
  private Answer route(String method, String[] p, Map<String, String> query, JsonNode body) {
    int n = p.length;
    if (n == 3 && p[1].equals("contacts") && p[2].equals("search") && method.equals("GET")) {
      return searchContacts(query);
    }
    if (n == 2 && p[1].equals("contacts") && method.equals("POST")) {
      return createContact(body);
    }
    if (n == 4 && p[1].equals("contacts") && p[3].equals("contact_inboxes")) {
      return method.equals("POST") ? createContactInbox(id(p[2]), body) : Answer.notFound();
    }
    if (n == 4 && p[1].equals("contacts") && p[3].equals("conversations")) {
      return method.equals("GET") ? contactConversations(id(p[2])) : Answer.notFound();
    }
    if (n == 2 && p[1].equals("conversations") && method.equals("POST")) {
      return createConversation(body);
    }
    if (n == 3 && p[1].equals("conversations") && method.equals("GET")) {
      Conversation c = conversation(id(p[2]));
      return c == null ? Answer.notFound() : Answer.json(200, conversationJson(c));
    }
    if (n == 4 && p[1].equals("conversations")) {
      Conversation c = conversation(id(p[2]));
      if (c == null) {
        return Answer.notFound();
      }
      switch (p[3] + " " + method) {
        case "messages GET":
          return messages(c, query);
        case "messages POST":
          return createMessage(c, body);
        case "labels GET":
          return labels(c);
        case "labels POST":
          List<String> labels = new ArrayList<>();
          body.path("labels").forEach(l -> labels.add(l.asText()));
          c.labels = labels;
          return labels(c);
        case "assignments POST":
          return assign(c, body);
        default:
          return Answer.notFound();
      }
    }
    if (n == 3 && p[1].equals("inboxes") && method.equals("GET")) {
      return id(p[2]) == settings.inboxId ? Answer.json(200, inboxJson()) : Answer.notFound();
    }
    return Answer.notFound();
  }

  // --- contacts -------------------------------------------------------------------------------

  private Answer searchContacts(Map<String, String> query) {
    String q = query.getOrDefault("q", "").strip();
    if (q.isEmpty()) {
      return Answer.error(422, "Specify search string with parameter q");
    }
    int page = Math.max(1, (int) Math.min(Integer.MAX_VALUE, id(query.getOrDefault("page", "1"))));
    String lower = q.toLowerCase(Locale.ROOT);
    List<Contact> found =
        contacts.stream()
            .filter(
                c ->
                    (c.name != null && c.name.toLowerCase(Locale.ROOT).contains(lower))
                        || (c.phone != null && c.phone.toLowerCase(Locale.ROOT).contains(lower))
                        || (c.identifier != null && c.identifier.contains(q))
                        || String.valueOf(c.id).equals(q))
            .toList();
    ObjectNode root = NODES.objectNode();
    root.putObject("meta").put("count", found.size()).put("current_page", String.valueOf(page));
    ArrayNode payload = root.putArray("payload");
    found.stream()
        .skip((long) (page - 1) * SEARCH_PAGE)
        .limit(SEARCH_PAGE)
        .forEach(c -> payload.add(contactJson(c)));
    return Answer.json(200, root);
  }

  private Answer createContact(JsonNode body) {
    String phone = text(body, "phone_number");
    String identifier = text(body, "identifier");
    String name = text(body, "name");
    List<String> problems = new ArrayList<>();
    List<String> attributes = new ArrayList<>();
    if (phone != null && !E164.matcher(phone).matches()) {
      problems.add("Phone number should be in e164 format");
      attributes.add("phone_number");
    } else if (phone != null && contacts.stream().anyMatch(c -> phone.equals(c.phone))) {
      problems.add("Phone number has already been taken");
      attributes.add("phone_number");
    }
    if (identifier != null && contacts.stream().anyMatch(c -> identifier.equals(c.identifier))) {
      problems.add("Identifier has already been taken");
      attributes.add("identifier");
    }
    Long inbox = body.hasNonNull("inbox_id") ? body.get("inbox_id").asLong() : null;
    if (inbox != null && inbox != settings.inboxId) {
      return Answer.notFound();
    }
    if (!problems.isEmpty()) {
      ObjectNode error = NODES.objectNode().put("message", String.join(", ", problems));
      ArrayNode list = error.putArray("attributes");
      attributes.forEach(list::add);
      return Answer.json(422, error);
    }
    Contact contact = new Contact(nextContactId++, name, phone, identifier);
    contacts.add(contact);
    ObjectNode root = NODES.objectNode();
    ObjectNode payload = root.putObject("payload");
    ObjectNode contactInbox = NODES.objectNode();
    if (inbox != null && phone != null) {
      String sourceId = phone.substring(1);
      contact.sourceIds.put(inbox, sourceId);
      contactInbox.set("inbox", inboxJson());
      contactInbox.put("source_id", sourceId);
    } else {
      contactInbox.putNull("inbox");
      contactInbox.putNull("source_id");
    }
    payload.set("contact", contactJson(contact));
    payload.set("contact_inbox", contactInbox);
    return Answer.json(200, root);
  }

  private Answer createContactInbox(long contactId, JsonNode body) {
    Contact contact = contact(contactId);
    if (contact == null || body.path("inbox_id").asLong() != settings.inboxId) {
      return Answer.notFound();
    }
    String sourceId = text(body, "source_id");
    if (sourceId == null) {
      sourceId = java.util.UUID.randomUUID().toString();
    }
    contact.sourceIds.put(settings.inboxId, sourceId);
    ObjectNode ci = NODES.objectNode().put("source_id", sourceId);
    ci.set("inbox", inboxJson());
    return Answer.json(200, ci);
  }

  private Answer contactConversations(long contactId) {
    Contact contact = contact(contactId);
    if (contact == null) {
      return Answer.notFound();
    }
    ObjectNode root = NODES.objectNode();
    ArrayNode payload = root.putArray("payload");
    conversations.stream()
        .filter(c -> c.contact == contact)
        .sorted((a, b) -> Long.compare(b.id, a.id))
        .limit(20)
        .forEach(c -> payload.add(conversationJson(c)));
    return Answer.json(200, root);
  }

  // --- conversations and messages --------------------------------------------------------------

  private Answer createConversation(JsonNode body) {
    String sourceId = text(body, "source_id");
    long inboxId = body.path("inbox_id").asLong(settings.inboxId);
    Contact contact = null;
    if (body.hasNonNull("contact_id")) {
      contact = contact(body.get("contact_id").asLong());
      if (contact == null || inboxId != settings.inboxId) {
        return Answer.notFound();
      }
      contact.sourceIds.putIfAbsent(
          inboxId, sourceId == null ? contact.phone.substring(1) : sourceId);
    } else {
      for (Contact c : contacts) {
        if (sourceId != null && sourceId.equals(c.sourceIds.get(inboxId))) {
          contact = c;
        }
      }
      if (contact == null) {
        return Answer.notFound();
      }
    }
    String status = body.path("status").asText("open");
    Conversation conversation = new Conversation(nextConversationId++, contact, inboxId, status);
    if (body.hasNonNull("team_id") && body.get("team_id").asLong() == settings.teamId) {
      conversation.teamId = settings.teamId;
    }
    conversations.add(conversation);
    return Answer.json(200, conversationJson(conversation));
  }

  private Answer messages(Conversation c, Map<String, String> query) {
    List<StandInMessage> all = c.messages;
    List<StandInMessage> page;
    if (query.containsKey("after")) {
      long after = id(query.get("after"));
      page = all.stream().filter(m -> m.id() > after).limit(100).toList();
    } else {
      long before = query.containsKey("before") ? id(query.get("before")) : Long.MAX_VALUE;
      List<StandInMessage> older = all.stream().filter(m -> m.id() < before).toList();
      page = older.subList(Math.max(0, older.size() - 20), older.size());
    }
    ObjectNode root = NODES.objectNode();
    ObjectNode meta = root.putObject("meta");
    ArrayNode labels = meta.putArray("labels");
    c.labels.forEach(labels::add);
    meta.putObject("additional_attributes");
    meta.put("contact_id", c.contact.id);
    ArrayNode payload = root.putArray("payload");
    page.forEach(m -> payload.add(messageJson(m)));
    return Answer.json(200, root);
  }

  private Answer createMessage(Conversation c, JsonNode body) {
    String content = text(body, "content");
    if (content == null) {
      return Answer.error(422, "Content can't be blank");
    }
    JsonNode type = body.path("message_type");
    int messageType =
        type.isInt()
            ? type.asInt()
            : "incoming".equals(type.asText("outgoing"))
                ? StandInMessage.INCOMING
                : StandInMessage.OUTGOING;
    boolean privateNote = body.path("private").asBoolean(false);
    StandInMessage message = add(c, content, messageType, privateNote, null);
    if (messageType == StandInMessage.OUTGOING && !privateNote) {
      sentToCustomers++;
    }
    return Answer.json(200, messageJson(message));
  }

  private Answer labels(Conversation c) {
    ObjectNode root = NODES.objectNode();
    ArrayNode payload = root.putArray("payload");
    c.labels.forEach(payload::add);
    return Answer.json(200, root);
  }

  private Answer assign(Conversation c, JsonNode body) {
    if (!body.has("team_id")) {
      return Answer.json(200, NullNode.getInstance());
    }
    if (body.path("team_id").asLong() != settings.teamId) {
      c.teamId = 0;
      return Answer.json(200, NullNode.getInstance());
    }
    c.teamId = settings.teamId;
    return Answer.json(200, teamJson());
  }

  private StandInMessage add(
      Conversation c, String content, int type, boolean privateNote, String sourceId) {
    StandInMessage message =
        new StandInMessage(
            nextMessageId++, c.id, content, type, privateNote, Instant.now(), sourceId);
    c.messages.add(message);
    c.lastActivityAt = message.createdAt();
    return message;
  }

  // --- the WhatsApp inbox's webhook -----------------------------------------------------------

  private Answer webhook(HttpExchange exchange, String method, String phone, byte[] body) {
    if (!phone.equals(settings.businessPhoneNumber)) {
      return Answer.notFound();
    }
    if ("GET".equals(method)) {
      Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
      if ("subscribe".equals(q.get("hub.mode"))
          && settings.verifyToken.equals(q.get("hub.verify_token"))) {
        return new Answer(200, "text/plain; charset=utf-8", q.getOrDefault("hub.challenge", ""));
      }
      return Answer.error(401, "Invalid verify token");
    }
    if (!"POST".equals(method)) {
      return Answer.notFound();
    }
    if (!signed(exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"), body)) {
      return Answer.error(401, "Invalid signature");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return Answer.error(400, "the body is not JSON");
    }
    synchronized (lock) {
      for (JsonNode entry : root.path("entry")) {
        for (JsonNode change : entry.path("changes")) {
          JsonNode value = change.path("value");
          Map<String, String> names = new HashMap<>();
          for (JsonNode c : value.path("contacts")) {
            names.put(c.path("wa_id").asText(), c.path("profile").path("name").asText(null));
          }
          for (JsonNode m : value.path("messages")) {
            incoming(m, names.get(m.path("from").asText()));
          }
        }
      }
    }
    return new Answer(200, "text/plain; charset=utf-8", "");
  }

  /** Called under the lock. */
  private void incoming(JsonNode m, String profileName) {
    String from = m.path("from").asText("");
    String id = m.path("id").asText("");
    String text =
        switch (m.path("type").asText()) {
          case "text" -> m.path("text").path("body").asText(null);
          case "button" -> m.path("button").path("text").asText(null);
          case "interactive" ->
              m.path("interactive").path("button_reply").path("title").asText(null);
          default -> null;
        };
    if (from.isEmpty() || text == null) {
      return;
    }
    boolean seen =
        conversations.stream()
            .flatMap(c -> c.messages.stream())
            .anyMatch(x -> id.equals(x.sourceId()));
    if (seen) {
      return;
    }
    Contact contact = null;
    for (Contact c : contacts) {
      if (from.equals(c.sourceIds.get(settings.inboxId)) || ("+" + from).equals(c.phone)) {
        contact = c;
      }
    }
    if (contact == null) {
      contact =
          new Contact(
              nextContactId++, profileName == null ? "+" + from : profileName, "+" + from, null);
      contacts.add(contact);
    }
    contact.sourceIds.putIfAbsent(settings.inboxId, from);
    Conversation conversation = null;
    for (Conversation c : conversations) {
      if (c.contact == contact && c.inboxId == settings.inboxId && !"resolved".equals(c.status)) {
        conversation = c;
      }
    }
    if (conversation == null) {
      conversation = new Conversation(nextConversationId++, contact, settings.inboxId, "open");
      conversations.add(conversation);
    }
    add(conversation, text, StandInMessage.INCOMING, false, id);
  }

  private boolean signed(String header, byte[] body) {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(settings.appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal(body);
      byte[] given = HexFormat.of().parseHex(header.substring(7).toLowerCase(Locale.ROOT));
      return MessageDigest.isEqual(expected, given);
    } catch (IllegalArgumentException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no HmacSHA256", e);
    }
  }

  // --- JSON shapes ----------------------------------------------------------------------------

  private ObjectNode inboxJson() {
    ObjectNode inbox = NODES.objectNode();
    inbox.put("id", settings.inboxId);
    inbox.put("name", settings.inboxName);
    inbox.put("channel_type", CHANNEL);
    inbox.put("phone_number", settings.businessPhoneNumber);
    return inbox;
  }

  private ObjectNode teamJson() {
    ObjectNode team = NODES.objectNode();
    team.put("id", settings.teamId);
    team.put("name", settings.teamName);
    team.put("description", "");
    team.put("allow_auto_assign", true);
    team.put("account_id", settings.accountId);
    team.put("is_member", false);
    return team;
  }

  private ObjectNode contactJson(Contact c) {
    ObjectNode node = NODES.objectNode();
    node.putObject("additional_attributes");
    node.put("availability_status", "offline");
    node.putNull("email");
    node.put("id", c.id);
    node.put("name", c.name);
    node.put("phone_number", c.phone);
    node.put("identifier", c.identifier);
    node.put("thumbnail", "");
    node.putObject("custom_attributes");
    node.put("created_at", c.createdAt.getEpochSecond());
    ArrayNode inboxes = node.putArray("contact_inboxes");
    c.sourceIds.forEach(
        (inbox, sourceId) -> {
          ObjectNode ci = inboxes.addObject().put("source_id", sourceId);
          ci.set("inbox", inboxJson());
        });
    return node;
  }

  private ObjectNode conversationJson(Conversation c) {
    ObjectNode node = NODES.objectNode();
    ObjectNode meta = node.putObject("meta");
    meta.set("sender", contactJson(c.contact));
    meta.put("channel", CHANNEL);
    if (c.teamId != 0) {
      meta.set("team", teamJson());
    }
    node.put("id", c.id);
    ArrayNode last = node.putArray("messages");
    if (!c.messages.isEmpty()) {
      last.add(messageJson(c.messages.get(c.messages.size() - 1)));
    }
    node.put("account_id", settings.accountId);
    node.put("inbox_id", c.inboxId);
    ArrayNode labels = node.putArray("labels");
    c.labels.forEach(labels::add);
    node.put("status", c.status);
    node.put("created_at", c.createdAt.getEpochSecond());
    node.put("timestamp", c.lastActivityAt.getEpochSecond());
    node.put("last_activity_at", c.lastActivityAt.getEpochSecond());
    node.put("unread_count", 0);
    return node;
  }

  private static ObjectNode messageJson(StandInMessage m) {
    ObjectNode node = NODES.objectNode();
    node.put("id", m.id());
    node.put("content", m.content());
    node.put("conversation_id", m.conversationId());
    node.put("message_type", m.messageType());
    node.put("content_type", "text");
    node.putObject("content_attributes");
    node.put("created_at", m.createdAt().getEpochSecond());
    node.put("private", m.privateNote());
    node.put("source_id", m.sourceId());
    return node;
  }

  /** The advisor page's data: every conversation, newest first. */
  private ObjectNode pageJson() {
    synchronized (lock) {
      return AdvisorPage.json(
          conversations.stream().map(Conversation::snapshot).toList(), settings.teamName);
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private Contact contact(long id) {
    return contacts.stream().filter(c -> c.id == id).findFirst().orElse(null);
  }

  private Conversation conversation(long id) {
    return conversations.stream().filter(c -> c.id == id).findFirst().orElse(null);
  }

  private static long id(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    return node == null || node.isNull() || node.asText().isBlank() ? null : node.asText();
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }
}
