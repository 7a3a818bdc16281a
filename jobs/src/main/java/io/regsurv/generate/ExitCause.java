package io.regsurv.generate;

/** Canonical names of the raw statuses that can first end a firm's life, as the truth files list them. */
public enum ExitCause {
  CANCELLED("注销"),
  REVOKED("吊销，未注销"),
  REVOKED_CANCELLED("吊销，已注销"),
  SUSPENDED("停业"),
  LIQUIDATING("清算"),
  ANNULLED("撤销"),
  ORDERED_CLOSED("责令关闭");

  private final String status;

  ExitCause(String status) {
    this.status = status;
  }

  /** The registry's status string for this exit. */
  public String status() {
    return status;
  }

  /**
   * The cause a dump's raw status shows, or null for a status that is not an exit (active, moved,
   * dormant). A bare 吊销 is the same state as 吊销，未注销.
   */
  public static ExitCause ofStatus(String raw) {
    if ("吊销".equals(raw)) {
      return REVOKED;
    }
    for (ExitCause c : values()) {
      if (c.status.equals(raw)) {
        return c;
      }
    }
    return null;
  }

  /** True for the causes the published "cancelled or revoked" figures count. */
  public boolean cancelledOrRevoked() {
    return this == CANCELLED || this == REVOKED || this == REVOKED_CANCELLED;
  }
}
