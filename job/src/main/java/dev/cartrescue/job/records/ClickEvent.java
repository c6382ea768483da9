package dev.cartrescue.job.records;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One clickstream record (docs/contract.md §2). Only the fields the rule reads are kept. */
public class ClickEvent {

  /** What an event is to the rule. Its wire names are the contract's; any other type is OTHER. */
  public enum Kind {
    ADD_TO_CART("add_to_cart"),
    REMOVE_FROM_CART("remove_from_cart"),
    PURCHASE("purchase"),
    /** A page view, a search...: valid, ignored by the rule, it only moves event time. */
    OTHER(null);

    /** The {@code type} producers write, or null for OTHER. */
    public final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public static Kind of(String type) {
      for (Kind kind : values()) {
        if (kind.wireName != null && kind.wireName.equals(type)) {
          return kind;
        }
      }
      return OTHER;
    }
  }

  public String eventId;

  /**
   * The type as producers name it in the contract's words ({@code add_to_cart}, {@code page_view}).
   * Kept as text, not as a {@link Kind}, so that events in checkpointed state from before read the
   * same; {@link #kind()} is what code asks.
   */
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

  public Kind kind() {
    return Kind.of(type);
  }

  /** Whether the event changes the cart or its abandonment: the rest only moves event time. */
  public boolean mattersToTheRule() {
    return kind() != Kind.OTHER;
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
