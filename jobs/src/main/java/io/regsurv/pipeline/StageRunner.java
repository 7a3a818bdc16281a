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
      recordFailure(runId, job, started, inputs, e);
      throw e;
    }
  }

  /** Does the work of several jobs of one stage at once (one Spark pass): a result per job, in order. */
  public interface Together<J, R> {
    List<R> run(List<J> jobs, List<String> runIds, List<Inputs> inputs);
  }

  /**
   * Runs several jobs of one stage as one unit of work (a backfill's snapshots): each is resolved
   * and skipped on its own as {@link #run} would, the rest run together, and each is recorded in
   * ops.job_run on its own (succeeded with its own counts, or failed with the batch's error: the
   * work is all or nothing). Results in the order of {@code jobs}.
   */
  public <J extends StageJob<R>, R> List<R> runTogether(List<J> jobs, java.util.function.Predicate<J> force, Together<J, R> together) {
    List<R> results = new java.util.ArrayList<>(java.util.Collections.nCopies(jobs.size(), (R) null));
    List<Integer> todo = new java.util.ArrayList<>();
    List<String> runIds = new java.util.ArrayList<>();
    List<Instant> starts = new java.util.ArrayList<>();
    List<Inputs> allInputs = new java.util.ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      J job = jobs.get(i);
      String runId = job.stage().id() + "-" + UUID.randomUUID();
      Instant started = Instant.now();
      Inputs inputs;
      try {
        inputs = job.resolve();
      } catch (RuntimeException e) {
        recordFailure(runId, job, started, null, e);
        throw e;
      }
      if (!force.test(job) && inputs.skippable()) {
        Optional<JobRun> done = log.upToDate(job.stage(), inputs);
        if (done.isPresent()) {
          R result = job.alreadyDone(runId, inputs, done.get());
          record(runId, job, started, inputs, RunStatus.SKIPPED, job.outcome(result), Map.of());
          results.set(i, result);
          continue;
        }
      }
      todo.add(i);
      runIds.add(runId);
      starts.add(started);
      allInputs.add(inputs);
    }
    if (todo.isEmpty()) {
      return results;
    }
    List<J> batch = todo.stream().map(jobs::get).toList();
    List<R> done;
    try {
      done = together.run(batch, runIds, allInputs);
    } catch (RuntimeException e) {
      String message = e instanceof RegsurvException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      List<JobRun> failed = new java.util.ArrayList<>();
      for (int k = 0; k < batch.size(); k++) {
        Inputs in = allInputs.get(k);
        failed.add(new JobRun(runIds.get(k), batch.get(k).stage(), in.date(), starts.get(k), Instant.now(), RunStatus.FAILED, null, null, null,
            in.files(), in.versionsRead(), Map.of(), in.fingerprint(), message));
      }
      try {
        log.recordAll(failed);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    // One commit to ops.job_run for the whole batch, a row per job.
    List<JobRun> runs = new java.util.ArrayList<>();
    for (int k = 0; k < batch.size(); k++) {
      Outcome outcome = batch.get(k).outcome(done.get(k));
      Inputs in = allInputs.get(k);
      runs.add(new JobRun(runIds.get(k), batch.get(k).stage(), outcome.date() != null ? outcome.date() : in.date(), starts.get(k), Instant.now(),
          outcome.nothingToDo() ? RunStatus.SKIPPED : RunStatus.SUCCEEDED, outcome.rowsRead(), outcome.rowsWritten(), outcome.rowsQuarantined(),
          in.files(), in.versionsRead(), outcome.versionsWritten(), in.fingerprint(), outcome.message()));
      results.set(todo.get(k), done.get(k));
    }
    log.recordAll(runs);
    return results;
  }

  private void recordFailure(String runId, StageJob<?> job, Instant started, Inputs inputs, RuntimeException e) {
    String message = e instanceof RegsurvException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    try {
      log.record(new JobRun(runId, job.stage(), inputs == null ? job.knownDate() : inputs.date(), started, Instant.now(), RunStatus.FAILED,
          null, null, null, inputs == null ? List.of() : inputs.files(), inputs == null ? Map.of() : inputs.versionsRead(), Map.of(),
          inputs == null ? null : inputs.fingerprint(), message));
    } catch (RuntimeException suppressed) {
      // The original failure is what the user must see; a failing log write must not mask it.
      e.addSuppressed(suppressed);
    }
  }

  private <R> void record(String runId, StageJob<R> job, Instant started, Inputs inputs, RunStatus status, Outcome outcome,
      Map<String, Long> written) {
    log.record(new JobRun(runId, job.stage(), outcome.date() != null ? outcome.date() : inputs.date(), started, Instant.now(), status,
        outcome.rowsRead(), outcome.rowsWritten(), outcome.rowsQuarantined(), inputs.files(), inputs.versionsRead(), written,
        inputs.fingerprint(), outcome.message()));
  }
}
