package dev.cartrescue.job.rule;

import dev.cartrescue.job.records.CartItem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cart in a few words for the message body: "Trail shoe, 2 × Rain jacket and 3 more items".
 * Names are cut so that the summary stays short whatever the shop calls its products.
 */
public final class ItemsSummary {
  static final int MAX_NAMED_ITEMS = 2;
  static final int MAX_NAME_LENGTH = 40;

  private ItemsSummary() {}

  public static String of(Iterable<CartItem> items) {
    List<CartItem> lines = new ArrayList<>();
    items.forEach(lines::add);
    // Biggest lines first, then by name: the same cart always reads the same.
    lines.sort(
        Comparator.<CartItem>comparingInt(i -> -i.quantity)
            .thenComparing(i -> i.name == null ? "" : i.name));
    List<String> named = new ArrayList<>();
    for (CartItem line : lines.subList(0, Math.min(MAX_NAMED_ITEMS, lines.size()))) {
      String name = shorten(line.name == null || line.name.isBlank() ? "an item" : line.name);
      named.add(line.quantity > 1 ? line.quantity + " × " + name : name);
    }
    int others = lines.size() - named.size();
    if (others == 0) {
      return named.size() == 1 ? named.get(0) : named.get(0) + " and " + named.get(1);
    }
    return String.join(", ", named)
        + " and "
        + others
        + (others == 1 ? " more item" : " more items");
  }

  private static String shorten(String name) {
    String oneLine = name.strip().replaceAll("\\s+", " ");
    if (oneLine.length() <= MAX_NAME_LENGTH) {
      return oneLine;
    }
    int cut = MAX_NAME_LENGTH - 1;
    if (Character.isHighSurrogate(oneLine.charAt(cut - 1))) {
      cut--;
    }
    return oneLine.substring(0, cut).stripTrailing() + "…";
  }
}
