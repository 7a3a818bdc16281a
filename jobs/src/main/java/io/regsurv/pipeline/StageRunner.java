package io.regsurv.pipeline;

import io.regsurv.core.JobRun;
import io.regsurv.core.RegsurvException;
import io.regsurv.core.RunStatus;
import io.regsurv.core.StageJob;
import io.regsurv.core.StageJob.Inputs;
import io.regsurv.core.StageJob.Outcome;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.Warehouse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs one stage the way every stage runs: resolve its inputs, skip it when the same work is
 * already done (one rule, {@link JobRunLog#upToDate}), otherwise run it, and record the run in
 * ops.job_run as succeeded, skipped or failed, with timings, versions, fingerprint and message.
 */
public final class StageRunner {
  private final JobRunLog log;

  public StageRunner(Warehouse warehouse) {
    this.log = new JobRunLog(warehouse);
  }

  /** Runs {@code job}; with {@code force} it runs even when its work is already done. Failures are recorded, then rethrown. */
  public <R> R run(StageJob<R> job, boolean force) {
    String runId = job.stage().id() + "-" + UUID.randomUUID();
    Instant started = Instant.now();
    Inputs inputs = null;
    try {
      inputs = job.resolve();
      if (!force && inputs.skippable()) {
        Optional<JobRun> done = log.upToDate(job.stage(), inputs);
        if (done.isPresent()) {
          R result = job.alreadyDone(runId, inputs, done.get());
          record(runId, job, started, inputs, RunStatus.SKIPPED, job.outcome(result), Map.of());
          return result;
        }
      }
      R result = job.run(runId, inputs);
      Outcome outcome = job.outcome(result);
      record(runId, job, started, inputs, outcome.nothingToDo() ? RunStatus.SKIPPED : RunStatus.SUCCEEDED, outcome, outcome.versionsWritten());
      return result;
    } catch (RuntimeException e) { // RegsurvException, or Spark/Delta failures such as a concurrent commit
      String message = e instanceof RegsurvException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      try {
        log.record(new JobRun(runId, job.stage(), inputs == null ? job.knownDate() : inputs.date(), started, Instant.now(), RunStatus.FAILED,
            null, null, null, inputs == null ? List.of() : inputs.files(), inputs == null ? Map.of() : inputs.versionsRead(), Map.of(),
            inputs == null ? null : inputs.fingerprint(), message));
      } catch (RuntimeException suppressed) {
        // The original failure is what the user must see; a failing log write must not mask it.
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private <R> void record(String runId, StageJob<R> job, Instant started, Inputs inputs, RunStatus status, Outcome outcome,
      Map<String, Long> written) {
    log.record(new JobRun(runId, job.stage(), outcome.date() != null ? outcome.date() : inputs.date(), started, Instant.now(), status,
        outcome.rowsRead(), outcome.rowsWritten(), outcome.rowsQuarantined(), inputs.files(), inputs.versionsRead(), written,
        inputs.fingerprint(), outcome.message()));
  }
}
