package dev.cartrescue.job.rule;

import java.util.Locale;

/**
 * Why an abandoned cart was not sent. The order of the constants is the order the rule checks them
 * (contract §1): the first that holds is the reason. Nothing else states that order.
 */
public enum Reason {
  RECENT_PURCHASE(Facts::recentPurchase),
  CAPPED(Facts::capped),
  EMPTY_CART(Facts::emptyCart),
  NO_PROFILE(Facts::noProfile),
  NO_CONSENT(Facts::noConsent),
  INVALID_PHONE(Facts::invalidPhone),
  BLOCKED_REGION(Facts::blockedRegion),
  STALE(Facts::stale);

  /** What the rule knows of a cart at its deadline, one question per reason. */
  public interface Facts {
    boolean recentPurchase() throws Exception;

    boolean capped() throws Exception;

    boolean emptyCart() throws Exception;

    boolean noProfile();

    boolean noConsent() throws Exception;

    boolean invalidPhone();

    boolean blockedRegion();

    boolean stale();
  }

  @FunctionalInterface
  private interface Check {
    boolean holds(Facts facts) throws Exception;
  }

  private final Check check;

  Reason(Check check) {
    this.check = check;
  }

  /** The first reason that holds, in the rule's order, or null when the cart is to be sent. */
  public static Reason firstThatHolds(Facts facts) throws Exception {
    for (Reason reason : values()) {
      if (reason.check.holds(facts)) {
        return reason;
      }
    }
    return null;
  }

  /** The reason as written in outcomes and metric names: {@code recent_purchase}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
