package io.regsurv.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The closed set of registration statuses every raw dump string is classified into. */
public enum CanonicalStatus {
  ACTIVE,
  MOVED_OUT,
  SUSPENDED,
  DORMANT,
  LIQUIDATING,
  REVOKED,
  REVOKED_CANCELLED,
  CANCELLED,
  ANNULLED,
  ORDERED_CLOSED,
  /** A raw string the dictionary does not know (or no status at all): reported, never guessed. */
  UNKNOWN;

  /** Pseudo-status of status_event.to_status when a firm is missing from a later dump. */
  public static final String VANISHED = "VANISHED";

  // Groups keep the order written here: the report quotes two of them in stored definition text.

  /**
   * Statuses from which a return to ACTIVE is a reinstatement: the firm had stopped trading or been
   * closed. MOVED_OUT is not among them, since coming back from it is a move back in.
   */
  public static final Set<CanonicalStatus> PAUSED_OR_CLOSED =
      group(SUSPENDED, DORMANT, LIQUIDATING, REVOKED, REVOKED_CANCELLED, CANCELLED, ANNULLED, ORDERED_CLOSED);

  /** Statuses that close a firm for good: entering one after the first exit is a further closure, not a new exit. */
  public static final Set<CanonicalStatus> CLOSING = group(CANCELLED, REVOKED, REVOKED_CANCELLED, ANNULLED, ORDERED_CLOSED);

  /** "Cancelled or revoked" as the published figures (schemas/published-figures.json) count it, in their order. */
  public static final Set<CanonicalStatus> CANCELLED_OR_REVOKED = group(CANCELLED, REVOKED, REVOKED_CANCELLED);

  /** "Abnormal" as the published figures count it: cancelled, revoked or suspended, in their order. */
  public static final Set<CanonicalStatus> ABNORMAL = group(CANCELLED, REVOKED_CANCELLED, REVOKED, SUSPENDED);

  /** Statuses an exit definition may list: any known status except ACTIVE (UNKNOWN is never an exit). */
  public static List<String> exitCandidates() {
    return Arrays.stream(values()).filter(s -> s != ACTIVE && s != UNKNOWN).map(Enum::name).toList();
  }

  public static boolean isExitCandidate(String s) {
    return exitCandidates().contains(s);
  }

  /** The stored names of some statuses, in their order: for {@code Column.isin}. */
  public static String[] names(Collection<CanonicalStatus> statuses) {
    return statuses.stream().map(Enum::name).toArray(String[]::new);
  }

  private static Set<CanonicalStatus> group(CanonicalStatus... members) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(members)));
  }
}
