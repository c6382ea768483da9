package dev.cartrescue.job.rule;

import dev.cartrescue.job.records.ClickEvent;
import dev.cartrescue.job.records.ClickEvent.Kind;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * "An add_to_cart followed by neither another add_to_cart nor a purchase within abandon-after."
 *
 * <p>The next add_to_cart both cancels the open match and starts its own, so a contact has at most
 * one open match at a time. When the window passes with no forbidden event, CEP emits the match
 * once the watermark reaches the add_to_cart's timestamp plus the window: that is the deadline.
 */
public final class AbandonmentPattern {
  public static final String CART = "cart";
  private static final String LATER_ACTIVITY = "later_activity";

  private AbandonmentPattern() {}

  /** The events the pattern looks at: the rest (removals) would only cost it work. */
  public static boolean concerns(ClickEvent e) {
    return e.kind() == Kind.ADD_TO_CART || e.kind() == Kind.PURCHASE;
  }

  public static Pattern<ClickEvent, ClickEvent> of(Duration abandonAfter) {
    return Pattern.<ClickEvent>begin(CART, AfterMatchSkipStrategy.noSkip())
        .where(SimpleCondition.of(e -> e.kind() == Kind.ADD_TO_CART))
        .notFollowedBy(LATER_ACTIVITY)
        .where(SimpleCondition.of(e -> e.kind() == Kind.ADD_TO_CART || e.kind() == Kind.PURCHASE))
        .within(abandonAfter);
  }
}
