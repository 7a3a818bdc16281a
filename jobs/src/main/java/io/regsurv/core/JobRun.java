package io.regsurv.core;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** One stage run as stored in ops.job_run. */
public record JobRun(
    String runId,
    Stage stage,
    LocalDate snapshotDate,
    Instant startedAt,
    Instant endedAt,
    RunStatus status,
    Long rowsRead,
    Long rowsWritten,
    Long rowsQuarantined,
    List<String> inputFiles,
    Map<String, Long> versionsRead,
    Map<String, Long> versionsWritten,
    String inputFingerprint,
    String message) {

  public JobRun {
    inputFiles = inputFiles == null ? List.of() : List.copyOf(inputFiles);
    versionsRead = versionsRead == null ? Map.of() : Map.copyOf(versionsRead);
    versionsWritten = versionsWritten == null ? Map.of() : Map.copyOf(versionsWritten);
  }
}
