package dev.cartrescue.job.records;

/** One line of a contact's cart, as the eligibility function keeps it. */
public class CartItem {
  public String name;
  public int quantity;

  public CartItem() {}

  public CartItem(String name, int quantity) {
    this.name = name;
    this.quantity = quantity;
  }
}
