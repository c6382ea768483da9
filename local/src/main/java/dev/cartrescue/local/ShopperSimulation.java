package dev.cartrescue.local;

import dev.cartrescue.testkit.shop.ShopRecords;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * Shoppers in the demo's shop, as a schedule of clickstream events on a clock that starts at 0.
 * Sessions start at random (a Poisson process of {@code sessionsPerSecond}), each for a contact who
 * is not already shopping, and play one of a few stories with a few seconds between clicks:
 *
 * <ul>
 *   <li>browse: a few page views, nothing more;
 *   <li>abandon: add one to four products, maybe remove one, leave (some come back later and add
 *       again, after their rescue message or while their cart is still open);
 *   <li>empty: add, then remove everything, leave;
 *   <li>buy: add, check out, purchase; half of them come back soon after and leave a new cart.
 * </ul>
 *
 * About one event in a hundred is followed by a broken record (not JSON, no contact, a timestamp
 * that does not parse). Everything is drawn from one seeded {@link Random} in schedule order, so
 * the same seed gives the same records; only their timestamps depend on when they are asked for.
 */
final class ShopperSimulation {

  private enum Story {
    BROWSE,
    ABANDON,
    EMPTY,
    BUY,
    COME_BACK
  }

  private static final double BROKEN_RECORD_SHARE = 0.01;

  /** Something that happens at {@code at} ms on the simulation's clock; order breaks ties. */
  private record Step(long at, long order, Runnable action) {}

  /** What a contact has in the cart now: one cart id until a purchase, and product quantities. */
  private static final class Cart {
    int number = 1;
    final Map<String, Integer> quantities = new LinkedHashMap<>();
  }

  private final List<Population.Contact> contacts;
  private final double sessionsPerSecond;
  private final Random random;
  private final PriorityQueue<Step> steps =
      new PriorityQueue<>(Comparator.comparingLong(Step::at).thenComparingLong(Step::order));
  private final Set<String> shopping = new HashSet<>();
  private final Map<String, Cart> carts = new HashMap<>();
  private long order;
  private long eventNumber;

  // The step being run and where its records go.
  private long now;
  private long timestamp;
  private List<KeyedRecord> out;

  ShopperSimulation(List<Population.Contact> contacts, double sessionsPerSecond, long seed) {
    this.contacts = contacts;
    this.sessionsPerSecond = sessionsPerSecond;
    this.random = new Random(seed);
    schedule(0, this::sessionArrives);
  }

  /** When the next record is due, in ms on the simulation's clock. */
  long nextDue() {
    return steps.isEmpty() ? Long.MAX_VALUE : steps.peek().at();
  }

  /**
   * Runs every step due up to {@code untilMillis} and returns the clickstream records they make,
   * each stamped {@code timestampMillis} (the wall clock when the caller writes them).
   */
  List<KeyedRecord> runUntil(long untilMillis, long timestampMillis) {
    out = new ArrayList<>();
    timestamp = timestampMillis;
    while (!steps.isEmpty() && steps.peek().at() <= untilMillis) {
      Step step = steps.poll();
      now = step.at();
      step.action().run();
    }
    List<KeyedRecord> made = out;
    out = null;
    return made;
  }

  private void sessionArrives() {
    double gapSeconds = -Math.log(1 - random.nextDouble()) / sessionsPerSecond;
    schedule(now + Math.round(gapSeconds * 1000), this::sessionArrives);
    for (int attempt = 0; attempt < 5; attempt++) {
      Population.Contact contact = contacts.get(random.nextInt(contacts.size()));
      if (!shopping.contains(contact.id())) {
        startSession(contact.id(), story(random.nextDouble()), now);
        return;
      }
    }
  }

  private static Story story(double draw) {
    if (draw < 0.25) {
      return Story.BROWSE;
    } else if (draw < 0.67) {
      return Story.ABANDON;
    } else if (draw < 0.75) {
      return Story.EMPTY;
    }
    return Story.BUY;
  }

  /** Plans a whole session now; the products are drawn when each click happens. */
  private void startSession(String contact, Story story, long at) {
    shopping.add(contact);
    long t = at;
    schedule(t, () -> pageView(contact));
    switch (story) {
      case BROWSE -> {
        for (int i = random.nextInt(3); i > 0; i--) {
          t = later(t);
          schedule(t, () -> pageView(contact));
        }
      }
      case ABANDON -> {
        int products = 1 + random.nextInt(4);
        t = addProducts(contact, t, products);
        if (products > 1 && random.nextDouble() < 0.3) {
          t = later(t);
          schedule(t, () -> removeOne(contact));
        }
        if (random.nextDouble() < 0.35) {
          // Back while the cart is still open, or after its rescue message.
          comeBack(contact, t + 8_000 + random.nextInt(70_000));
        }
      }
      case EMPTY -> {
        t = addProducts(contact, t, 1 + random.nextInt(2));
        t = later(t);
        schedule(t, () -> removeAll(contact));
      }
      case BUY -> {
        t = addProducts(contact, t, 1 + random.nextInt(3));
        t = later(t);
        schedule(t, () -> pageView(contact));
        t = later(t);
        schedule(t, () -> purchase(contact));
        if (random.nextDouble() < 0.5) {
          comeBack(contact, t + 3_000 + random.nextInt(17_000));
        }
      }
      case COME_BACK -> {
        t = addProducts(contact, t, 1);
        if (random.nextDouble() < 0.3) {
          t = later(t);
          schedule(t, () -> purchase(contact));
        }
      }
    }
    schedule(t, () -> shopping.remove(contact));
  }

  private void comeBack(String contact, long at) {
    schedule(
        at,
        () -> {
          if (!shopping.contains(contact)) {
            startSession(contact, Story.COME_BACK, now);
          }
        });
  }

  private long addProducts(String contact, long t, int products) {
    for (int i = 0; i < products; i++) {
      t = later(t);
      schedule(t, () -> addToCart(contact));
      if (random.nextBoolean()) {
        t = later(t);
        schedule(t, () -> pageView(contact));
      }
    }
    return t;
  }

  /** A shopper's next click comes 1.5 to 5 seconds after the last. */
  private long later(long t) {
    return t + 1_500 + random.nextInt(3_500);
  }

  private void pageView(String contact) {
    ShopRecords.Click view = drawn(ShopRecords.pageView(contact, timestamp));
    // The page is drawn after the event's id and time form: the order a seed has always given.
    emit(view.field("page", "/products/" + Catalogue.any(random).id()));
  }

  private void addToCart(String contact) {
    Cart cart = cart(contact);
    Catalogue.Product product = Catalogue.any(random);
    int quantity = random.nextInt(5) == 0 ? 2 : 1;
    cart.quantities.merge(product.id(), quantity, Integer::sum);
    emit(
        drawn(
            ShopRecords.addToCart(contact, cartId(contact, cart), timestamp)
                .cartUrl()
                .product(
                    product.id(), product.name(), product.price(), Catalogue.CURRENCY, quantity)));
  }

  private void removeOne(String contact) {
    Cart cart = cart(contact);
    List<String> lines = new ArrayList<>(cart.quantities.keySet());
    if (!lines.isEmpty()) {
      remove(contact, cart, lines.get(random.nextInt(lines.size())));
    }
  }

  private void removeAll(String contact) {
    Cart cart = cart(contact);
    for (String line : new ArrayList<>(cart.quantities.keySet())) {
      remove(contact, cart, line);
    }
  }

  private void remove(String contact, Cart cart, String productId) {
    int quantity = cart.quantities.remove(productId);
    emit(
        drawn(
            ShopRecords.removeFromCart(contact, timestamp)
                .cartId(cartId(contact, cart))
                .product(productId)
                .quantity(quantity)));
  }

  private void purchase(String contact) {
    Cart cart = cart(contact);
    BigDecimal value = BigDecimal.ZERO;
    for (Map.Entry<String, Integer> line : cart.quantities.entrySet()) {
      value =
          value.add(
              Catalogue.byId(line.getKey()).price().multiply(new BigDecimal(line.getValue())));
    }
    emit(
        drawn(
            ShopRecords.purchase(contact, timestamp)
                .cartId(cartId(contact, cart))
                .order(
                    "o-" + contact.substring(2) + "-" + cart.number, value, Catalogue.CURRENCY)));
    cart.quantities.clear();
    cart.number++;
  }

  /** The event with what varies from producer to producer drawn: its id and its time's form. */
  private ShopRecords.Click drawn(ShopRecords.Click event) {
    eventNumber++;
    // event_id is optional in the contract; some producers leave it out.
    if (random.nextInt(10) != 0) {
      event.eventId("e-" + eventNumber);
    }
    // Both forms the contract allows.
    if (random.nextInt(3) == 0) {
      event.epochMillis();
    }
    return event;
  }

  private void emit(ShopRecords.Click event) {
    String contact = event.contact();
    out.add(new KeyedRecord(contact, event.json()));
    if (random.nextDouble() < BROKEN_RECORD_SHARE) {
      out.add(broken(contact));
    }
  }

  private KeyedRecord broken(String contact) {
    String iso = Instant.ofEpochMilli(timestamp).toString();
    return switch (random.nextInt(3)) {
      case 0 ->
          new KeyedRecord(
              contact,
              "{\"type\":\"add_to_cart\",\"contact_id\":\""
                  + contact
                  + "\",\"timestamp\":\""
                  + iso);
      case 1 -> new KeyedRecord(null, "{\"type\":\"page_view\",\"timestamp\":\"" + iso + "\"}");
      default ->
          new KeyedRecord(
              contact,
              "{\"type\":\"page_view\",\"contact_id\":\""
                  + contact
                  + "\",\"timestamp\":\"31/12/2026 25:61\"}");
    };
  }

  private Cart cart(String contact) {
    return carts.computeIfAbsent(contact, c -> new Cart());
  }

  private static String cartId(String contact, Cart cart) {
    return "k-" + contact.substring(2) + "-" + cart.number;
  }

  private void schedule(long at, Runnable action) {
    steps.add(new Step(at, order++, action));
  }
}
