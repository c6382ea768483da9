package dev.cartrescue.testkit.shop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The values a shop's producers write to the job's three input topics, in the wire format of
 * docs/contract.md §2: clickstream events, contact profiles and capping events. Tests and the demo
 * build their records here and nowhere else, so that a change of the format is made once.
 *
 * <p>Each builder writes its fields in the contract's order, leaves out what was not given, and
 * writes times as ISO-8601 unless {@link Builder#epochMillis()} asks for the other form the
 * contract allows. Only well-formed records are built here: a test of bad input writes its bytes
 * itself.
 *
 * <pre>{@code
 * ShopRecords.addToCart("c-42", "k-9", at).product("sku-1", "Trail shoe", 89.90, "EUR", 1).json()
 * ShopRecords.profile("c-42").phone("33", "06 12 34 56 78").consent(true).updatedAt(at).json()
 * ShopRecords.capping("c-42", at).json()
 * }</pre>
 */
public final class ShopRecords {
  private static final String CART_PAGES = "https://shop.example/cart/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShopRecords() {}

  /** An add_to_cart of the cart {@code cartId} at {@code at} (epoch ms); add its product. */
  public static Click addToCart(String contact, String cartId, long at) {
    return new Click("add_to_cart", contact, at).cartId(cartId);
  }

  /** A remove_from_cart: of a product's quantity, of its whole line, or of the whole cart. */
  public static Click removeFromCart(String contact, long at) {
    return new Click("remove_from_cart", contact, at);
  }

  public static Click purchase(String contact, long at) {
    return new Click("purchase", contact, at);
  }

  public static Click pageView(String contact, long at) {
    return new Click("page_view", contact, at);
  }

  /** A clickstream event of any type; the rule ignores the types it does not know. */
  public static Click event(String type, String contact, long at) {
    return new Click(type, contact, at);
  }

  /** A contact profile with nothing but its contact_id: add what the CRM knows. */
  public static Profile profile(String contact) {
    return new Profile(contact);
  }

  /** A capping event of another system: a recovery message sent to the contact at {@code at}. */
  public static Capping capping(String contact, long at) {
    return new Capping(contact, at);
  }

  /**
   * What the three builders share: the contact (also the Kafka key), the time form, and fields the
   * job does not read, which a producer may add and the job must ignore.
   */
  public abstract static class Builder<B extends Builder<B>> {
    private final String contact;
    private final ObjectNode more = JSON.createObjectNode();
    private boolean epochMillis;

    Builder(String contact) {
      this.contact = contact;
    }

    /** Writes the record's time as epoch milliseconds (a JSON number) instead of ISO-8601. */
    public B epochMillis() {
      epochMillis = true;
      return self();
    }

    /** A field of the producer's own, written after the contract's fields. */
    public B field(String name, String value) {
      more.put(name, value);
      return self();
    }

    /** The contact: the Kafka key the contract asks for. */
    public String contact() {
      return contact;
    }

    /** The record's event time in epoch ms, the natural Kafka timestamp; empty when it has none. */
    public abstract OptionalLong time();

    /** The Kafka value. */
    public String json() {
      ObjectNode value = JSON.createObjectNode();
      write(value);
      value.setAll(more);
      return value.toString();
    }

    @Override
    public String toString() {
      return json();
    }

    abstract B self();

    abstract void write(ObjectNode value);

    void putTime(ObjectNode value, String field, long at) {
      if (epochMillis) {
        value.put(field, at);
      } else {
        value.put(field, Instant.ofEpochMilli(at).toString());
      }
    }
  }

  /** A clickstream event: the topic {@code topic.clickstream}. */
  public static final class Click extends Builder<Click> {
    private final String type;
    private final long at;
    private String eventId;
    private String cartId;
    private String cartUrl;
    private ObjectNode product;
    private String orderId;
    private BigDecimal value;
    private String currency;

    private Click(String type, String contact, long at) {
      super(contact);
      this.type = type;
      this.at = at;
    }

    /** The event's id: a repeated one of the same contact is ignored. */
    public Click eventId(String id) {
      this.eventId = id;
      return this;
    }

    public Click cartId(String id) {
      this.cartId = id;
      return this;
    }

    /** Adds cart_url, the shop's page of the cart. */
    public Click cartUrl() {
      if (cartId == null) {
        throw new IllegalStateException("a cart_url needs a cart_id");
      }
      this.cartUrl = CART_PAGES + cartId;
      return this;
    }

    /** A product known by its id only: for a removal of its whole line, or an unnamed item. */
    public Click product(String id) {
      product = JSON.createObjectNode().put("id", id);
      return this;
    }

    public Click product(String id, String name) {
      product(id);
      product.put("name", name);
      return this;
    }

    public Click product(String id, String name, BigDecimal price, String currency, int quantity) {
      product(id, name);
      product.put("price", price).put("currency", currency);
      return quantity(quantity);
    }

    public Click product(String id, String name, double price, String currency, int quantity) {
      return product(id, name, BigDecimal.valueOf(price), currency, quantity);
    }

    /** The product's quantity: how many are added, or removed. */
    public Click quantity(int quantity) {
      if (product == null) {
        throw new IllegalStateException("a quantity is a product's: give the product first");
      }
      product.put("quantity", quantity);
      return this;
    }

    /** A purchase's order: the job reads none of it, a shop writes it all the same. */
    public Click order(String orderId, BigDecimal value, String currency) {
      this.orderId = orderId;
      this.value = value;
      this.currency = currency;
      return this;
    }

    public Click order(String orderId, double value, String currency) {
      return order(orderId, BigDecimal.valueOf(value), currency);
    }

    @Override
    public OptionalLong time() {
      return OptionalLong.of(at);
    }

    @Override
    Click self() {
      return this;
    }

    @Override
    void write(ObjectNode e) {
      putIfGiven(e, "event_id", eventId);
      e.put("type", type);
      e.put("contact_id", contact());
      putTime(e, "timestamp", at);
      putIfGiven(e, "cart_id", cartId);
      putIfGiven(e, "cart_url", cartUrl);
      if (product != null) {
        e.set("product", product.deepCopy());
      }
      putIfGiven(e, "order_id", orderId);
      if (value != null) {
        e.put("value", value);
      }
      putIfGiven(e, "currency", currency);
    }
  }

  /** A contact profile, an upsert by contact: the topic {@code topic.contacts}. */
  public static final class Profile extends Builder<Profile> {
    private String phoneNumber;
    private String whatsappCode;
    private Boolean consent;
    private String firstName;
    private String language;
    private Long updatedAt;

    private Profile(String contact) {
      super(contact);
    }

    /**
     * The country calling code ({@code 33}, {@code +33}) and the number, national or international;
     * a null one is left out.
     */
    public Profile phone(String whatsappCode, String phoneNumber) {
      this.whatsappCode = whatsappCode;
      this.phoneNumber = phoneNumber;
      return this;
    }

    /** Only {@code true} is consent; without a call the profile says nothing of it. */
    public Profile consent(boolean consent) {
      this.consent = consent;
      return this;
    }

    public Profile firstName(String firstName) {
      this.firstName = firstName;
      return this;
    }

    public Profile language(String language) {
      this.language = language;
      return this;
    }

    /** When the profile takes effect (epoch ms); without it, at its Kafka timestamp. */
    public Profile updatedAt(long at) {
      this.updatedAt = at;
      return this;
    }

    @Override
    public OptionalLong time() {
      return updatedAt == null ? OptionalLong.empty() : OptionalLong.of(updatedAt);
    }

    @Override
    Profile self() {
      return this;
    }

    @Override
    void write(ObjectNode p) {
      p.put("contact_id", contact());
      putIfGiven(p, "phone_number", phoneNumber);
      putIfGiven(p, "whatsapp_code", whatsappCode);
      if (consent != null) {
        p.put("whatsapp_consent", consent);
      }
      putIfGiven(p, "first_name", firstName);
      putIfGiven(p, "language", language);
      if (updatedAt != null) {
        putTime(p, "updated_at", updatedAt);
      }
    }
  }

  /** A capping event as any system may write it: the topic {@code topic.capping}. */
  public static final class Capping extends Builder<Capping> {
    private final long at;
    private String eventId;

    private Capping(String contact, long at) {
      super(contact);
      this.at = at;
    }

    public Capping eventId(String id) {
      this.eventId = id;
      return this;
    }

    @Override
    public OptionalLong time() {
      return OptionalLong.of(at);
    }

    @Override
    Capping self() {
      return this;
    }

    @Override
    void write(ObjectNode c) {
      putIfGiven(c, "event_id", eventId);
      c.put("contact_id", contact());
      putTime(c, "timestamp", at);
    }
  }

  private static void putIfGiven(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
