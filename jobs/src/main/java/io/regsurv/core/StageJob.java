package io.regsurv.core;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A stage's own work as the stage runner drives it: resolve the inputs, do the work, describe the
 * result for ops.job_run, or rebuild the result of an earlier run that already did the same work.
 * Deciding whether to skip, timing and recording the run are the runner's, written once.
 *
 * @param <R> the stage's result record
 */
public interface StageJob<R> {
  Stage stage();

  /** The date the run is for when it is known before {@link #resolve} (recorded even if resolving fails); NULL if not. */
  default LocalDate knownDate() {
    return null;
  }

  /** Reads what the work depends on (Delta versions, files, settings); cheap, no data is written. */
  Inputs resolve();

  /** Does the work and returns its result. */
  R run(String runId, Inputs inputs);

  /** The result when {@code done}, an earlier succeeded run, already did this work from the same inputs. */
  R alreadyDone(String runId, Inputs inputs, JobRun done);

  /** What ops.job_run records of a result (also of a result rebuilt by {@link #alreadyDone}). */
  Outcome outcome(R result);

  /**
   * What a run depends on and what it writes.
   *
   * @param date the snapshot or as-of date the run is for (NULL: known only once it ran, or none)
   * @param files the input files read
   * @param versionsRead the Delta version of each table read
   * @param fingerprint everything else the output is a function of (settings, file sizes and times), hashed
   * @param writes each table written, with the date column it is replaced by (NULL: the table as a whole)
   * @param skippable false for work that must always run (maintenance)
   */
  record Inputs(LocalDate date, List<String> files, Map<String, Long> versionsRead, String fingerprint, Map<String, String> writes,
      boolean skippable) {
    public Inputs {
      files = List.copyOf(files);
      versionsRead = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(versionsRead));
      writes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(writes));
    }

    /** Inputs of work that always runs. */
    public static Inputs always(Map<String, Long> versionsRead) {
      return new Inputs(null, List.of(), versionsRead, null, Map.of(), false);
    }
  }

  /**
   * What a run did, for ops.job_run.
   *
   * @param date the date the run was for, when only the run found it out (classify); NULL keeps {@link Inputs#date}
   * @param nothingToDo the work found nothing to do (recorded as skipped)
   */
  record Outcome(LocalDate date, Long rowsRead, Long rowsWritten, Long rowsQuarantined, Map<String, Long> versionsWritten, String message,
      boolean nothingToDo) {
    public Outcome {
      versionsWritten = versionsWritten == null ? Map.of() : Map.copyOf(versionsWritten);
    }
  }
}
