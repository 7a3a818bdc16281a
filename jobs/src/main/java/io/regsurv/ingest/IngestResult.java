package io.regsurv.ingest;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What one ingest did: counts that reconcile (read = accepted + quarantined), the reasons rows
 * were quarantined (a row with two reasons counts under both), quality figures, and the Delta
 * versions written.
 */
public record IngestResult(
    String runId,
    LocalDate snapshotDate,
    String dialect,
    List<String> inputFiles,
    long rowsRead,
    long rowsAccepted,
    long rowsQuarantined,
    Map<String, Long> quarantinedByReason,
    long usccInvalid,
    long statusMissing,
    long capitalPresent,
    long capitalParsed,
    long snapshotVersion,
    long quarantineVersion,
    List<String> warnings,
    String skippedBecauseOfRun) {

  public IngestResult {
    inputFiles = List.copyOf(inputFiles);
    // Sorted by reason: Map.copyOf's order changes from one JVM to the next, and so did the
    // printed breakdown and ops.job_run's message.
    quarantinedByReason = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(quarantinedByReason));
    warnings = List.copyOf(warnings);
  }

  /** True when the snapshot had already been ingested from the same files and nothing was written. */
  public boolean skipped() {
    return skippedBecauseOfRun != null;
  }

  /** Share of accepted rows with a capital string whose amount was parsed (NaN when none had one). */
  public double capitalParsedShare() {
    return capitalPresent == 0 ? Double.NaN : (double) capitalParsed / capitalPresent;
  }
}
