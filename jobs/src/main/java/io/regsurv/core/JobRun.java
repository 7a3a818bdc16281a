package io.regsurv.core;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** One stage run as stored in ops.job_run. */
public record JobRun(
    String runId,
    String stage,
    LocalDate snapshotDate,
    Instant startedAt,
    Instant endedAt,
    String status,
    Long rowsRead,
    Long rowsWritten,
    Long rowsQuarantined,
    List<String> inputFiles,
    Map<String, Long> versionsRead,
    Map<String, Long> versionsWritten,
    String inputFingerprint,
    String message) {

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";

  public static final String MAINTAIN = "maintain";

  /** A run whose output depends on nothing but the Delta versions it read (no fingerprint). */
  public JobRun(String runId, String stage, LocalDate snapshotDate, Instant startedAt, Instant endedAt, String status,
      Long rowsRead, Long rowsWritten, Long rowsQuarantined, List<String> inputFiles,
      Map<String, Long> versionsRead, Map<String, Long> versionsWritten, String message) {
    this(runId, stage, snapshotDate, startedAt, endedAt, status, rowsRead, rowsWritten, rowsQuarantined, inputFiles,
        versionsRead, versionsWritten, null, message);
  }

  public JobRun {
    inputFiles = inputFiles == null ? List.of() : List.copyOf(inputFiles);
    versionsRead = versionsRead == null ? Map.of() : Map.copyOf(versionsRead);
    versionsWritten = versionsWritten == null ? Map.of() : Map.copyOf(versionsWritten);
  }
}
