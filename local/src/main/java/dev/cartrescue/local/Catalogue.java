package dev.cartrescue.local;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;

/** The small outdoor shop the demo's shoppers browse: a dozen products with names and prices. */
final class Catalogue {

  record Product(String id, String name, BigDecimal price) {}

  static final String CURRENCY = "EUR";

  static final List<Product> PRODUCTS =
      List.of(
          product("sku-trail-shoe", "Trail running shoes", "89.90"),
          product("sku-rain-jacket", "Rain jacket", "129.00"),
          product("sku-merino-socks", "Merino socks", "14.50"),
          product("sku-running-cap", "Running cap", "19.90"),
          product("sku-bottle", "Insulated bottle", "24.00"),
          product("sku-headlamp", "Headlamp", "39.95"),
          product("sku-day-pack", "Day pack 20 L", "74.00"),
          product("sku-poles", "Trekking poles", "59.00"),
          product("sku-tee", "Technical tee", "29.90"),
          product("sku-gloves", "Running gloves", "22.00"),
          product("sku-shorts", "Trail shorts", "39.00"),
          product("sku-gaiters", "Ankle gaiters", "18.50"));

  private Catalogue() {}

  static Product any(Random random) {
    return PRODUCTS.get(random.nextInt(PRODUCTS.size()));
  }

  static Product byId(String id) {
    return PRODUCTS.stream()
        .filter(p -> p.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no product " + id));
  }

  private static Product product(String id, String name, String price) {
    return new Product(id, name, new BigDecimal(price));
  }
}
