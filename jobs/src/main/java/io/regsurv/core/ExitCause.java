package io.regsurv.core;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The competing causes of exit in survival (gold.cumulative_incidence.cause), each a group of canonical exit statuses. */
public enum ExitCause {
  CANCELLATION("cancellation", CanonicalStatus.CANCELLED),
  // REVOKED_CANCELLED (吊销，已注销) is a revocation later cancelled: the firm's life ended at the revocation.
  REVOCATION("revocation", CanonicalStatus.REVOKED, CanonicalStatus.REVOKED_CANCELLED),
  SUSPENSION("suspension", CanonicalStatus.SUSPENDED),
  /** Every other exit status of the exit definition (liquidation, annulment, ordered closure …). */
  OTHER("other");

  private final String id;
  private final Set<CanonicalStatus> statuses;

  ExitCause(String id, CanonicalStatus... statuses) {
    this.id = id;
    this.statuses = Set.of(statuses);
  }

  /** The name stored in the cause columns. */
  public String id() {
    return id;
  }

  /** The exit statuses grouped into this cause (none for {@link #OTHER}, the rest). */
  public Set<CanonicalStatus> statuses() {
    return statuses;
  }

  /** The cause a canonical exit status counts as. */
  public static ExitCause of(CanonicalStatus status) {
    return Arrays.stream(values()).filter(c -> c.statuses.contains(status)).findFirst().orElse(OTHER);
  }

  /** Every stored cause name, in declaration order (the order figures show them in). */
  public static List<String> ids() {
    return Arrays.stream(values()).map(ExitCause::id).toList();
  }
}
