package io.regsurv.classify;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What a classify run did.
 *
 * @param mode full (recomputed from all bronze), incremental (folded in new snapshots only) or unchanged
 * @param reason why that mode was chosen
 * @param snapshots the snapshot dates folded in, in order
 * @param firmsInvalidUscc firms of silver.firm known only by an 18-character code whose check fails (uscc_valid false): kept in
 *     silver, left out of survival and the headline figures
 * @param firmsRegistrationNumber firms keyed by a 13/15-digit pre-2015 registration number (uscc_valid false too): real firms, kept
 * @param unknownStatuses raw strings classified UNKNOWN in those snapshots, most frequent first (top N; "(none)" = no status)
 */
public record ClassifyResult(
    String runId,
    String mode,
    String reason,
    List<LocalDate> snapshots,
    long bronzeVersion,
    long rowsRead,
    long firms,
    long exits,
    long firmsInvalidUscc,
    long firmsRegistrationNumber,
    long unknownRows,
    Map<String, Long> unknownStatuses) {
  public ClassifyResult {
    snapshots = List.copyOf(snapshots);
    unknownStatuses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(unknownStatuses));
  }
}
