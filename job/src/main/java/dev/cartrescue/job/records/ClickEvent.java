package dev.cartrescue.job.records;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One clickstream record (docs/contract.md §2). Only the fields the rule reads are kept. */
public class ClickEvent {
  public static final String ADD_TO_CART = "add_to_cart";
  public static final String REMOVE_FROM_CART = "remove_from_cart";
  public static final String PURCHASE = "purchase";

  public String eventId;
  public String type;
  public String contactId;
  public long timestamp;
  public String cartId;
  public String cartUrl;
  public String productId;
  public String productName;

  /** Items added or removed; 0 on a removal means "the whole line". */
  public int quantity;

  /**
   * The event's other lines, besides its product (an event may carry many); null when it has none.
   * Kept apart from the product's fields so that events in state from before stay read alike.
   */
  public CartLine[] items;

  public ClickEvent() {}

  public boolean isAddToCart() {
    return ADD_TO_CART.equals(type);
  }

  public boolean isRemoveFromCart() {
    return REMOVE_FROM_CART.equals(type);
  }

  public boolean isPurchase() {
    return PURCHASE.equals(type);
  }

  /** Whether the event changes the cart or its abandonment: the rest only moves event time. */
  public boolean mattersToTheRule() {
    return isAddToCart() || isRemoveFromCart() || isPurchase();
  }

  /**
   * Every line the event names: its product, unless the event has none or one that names nothing,
   * then its items. Empty for an event that names no line at all.
   */
  public List<CartLine> cartLines() {
    List<CartLine> lines = new ArrayList<>();
    if (productId != null || productName != null || quantity != 0) {
      lines.add(new CartLine(productId, productName, quantity));
    }
    if (items != null) {
      lines.addAll(Arrays.asList(items));
    }
    return lines;
  }

  @Override
  public String toString() {
    return type + "(" + contactId + " @" + timestamp + (cartId == null ? "" : " " + cartId) + ")";
  }
}
