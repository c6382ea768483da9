package dev.cartrescue.job.records;

/** One line an event adds to or removes from a cart: what it is and how many. */
public class CartLine {
  /** The product's id, or null for a line that names none. */
  public String id;

  public String name;

  /** Items added or removed; 0 on a removal means "the whole line". */
  public int quantity;

  public CartLine() {}

  public CartLine(String id, String name, int quantity) {
    this.id = id;
    this.name = name;
    this.quantity = quantity;
  }
}
