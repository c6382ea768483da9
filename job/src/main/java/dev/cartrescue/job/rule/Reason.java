package dev.cartrescue.job.rule;

/** Why an abandoned cart was not sent, in the order the rule checks them (docs/contract.md §1). */
public enum Reason {
  RECENT_PURCHASE,
  CAPPED,
  EMPTY_CART,
  NO_PROFILE,
  NO_CONSENT,
  INVALID_PHONE,
  BLOCKED_REGION,
  STALE;

  /** The reason as written in outcomes and metric names: {@code recent_purchase}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
