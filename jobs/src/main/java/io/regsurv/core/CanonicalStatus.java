package io.regsurv.core;

import java.util.Arrays;
import java.util.List;

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

  /** Statuses an exit definition may list: any known status except ACTIVE (UNKNOWN is never an exit). */
  public static List<String> exitCandidates() {
    return Arrays.stream(values()).filter(s -> s != ACTIVE && s != UNKNOWN).map(Enum::name).toList();
  }

  public static boolean isExitCandidate(String s) {
    return exitCandidates().contains(s);
  }
}
