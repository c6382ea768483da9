package dev.cartrescue.job.records;

/** One clickstream record (contract section 2). Only the fields the rule reads are kept. */
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

  @Override
  public String toString() {
    return type + "(" + contactId + " @" + timestamp + (cartId == null ? "" : " " + cartId) + ")";
  }
}
