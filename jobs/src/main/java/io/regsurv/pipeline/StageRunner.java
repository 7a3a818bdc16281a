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
      Optional<R> skipped = skipIfDone(runId, job, started, inputs, force);
      if (skipped.isPresent()) {
        return skipped.get();
      }
      R result = job.run(runId, inputs);
      Outcome outcome = job.outcome(result);
      log.record(finishedRun(runId, job, started, inputs, ranStatus(outcome), outcome, outcome.versionsWritten()));
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
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<R> results = new java.util.ArrayList<>(java.util.Collections.nCopies(jobs.size(), (R) null));
    List<String> ids = new java.util.ArrayList<>();
    List<Instant> startedAt = new java.util.ArrayList<>();
    List<Inputs> resolved = new java.util.ArrayList<>();
    for (J job : jobs) {
      String runId = job.stage().id() + "-" + UUID.randomUUID();
      Instant started = Instant.now();
      ids.add(runId);
      startedAt.add(started);
      try {
        resolved.add(job.resolve());
      } catch (RuntimeException e) {
        recordFailure(runId, job, started, null, e);
        throw e;
      }
    }
    // The skip rule for every job, with the latest succeeded run of each date from one query (a
    // backfill rerun of many snapshots asks once, not once per snapshot).
    io.regsurv.core.Stage stage = jobs.get(0).stage();
    Map<java.time.LocalDate, JobRun> lastByDate = log.lastSucceeded(stage,
        java.util.stream.IntStream.range(0, jobs.size())
            .filter(i -> !force.test(jobs.get(i)) && resolved.get(i).skippable() && resolved.get(i).date() != null)
            .mapToObj(i -> resolved.get(i).date()).collect(java.util.stream.Collectors.toSet()));
    List<JobRun> runs = new java.util.ArrayList<>();
    List<Integer> todo = new java.util.ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      Optional<Skip<R>> skip = skip(ids.get(i), jobs.get(i), startedAt.get(i), resolved.get(i), force.test(jobs.get(i)),
          in -> in.date() == null ? log.lastSucceeded(stage, (java.time.LocalDate) null) : Optional.ofNullable(lastByDate.get(in.date())));
      if (skip.isPresent()) {
        runs.add(skip.get().run());
        results.set(i, skip.get().result());
      } else {
        todo.add(i);
      }
    }
    if (!todo.isEmpty()) {
      List<J> batch = todo.stream().map(jobs::get).toList();
      List<R> done;
      try {
        done = together.run(batch, todo.stream().map(ids::get).toList(), todo.stream().map(resolved::get).toList());
      } catch (RuntimeException e) {
        for (int i : todo) {
          runs.add(failedRun(ids.get(i), jobs.get(i), startedAt.get(i), resolved.get(i), e));
        }
        try {
          log.recordAll(runs);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      for (int k = 0; k < batch.size(); k++) {
        int i = todo.get(k);
        Outcome outcome = batch.get(k).outcome(done.get(k));
        runs.add(finishedRun(ids.get(i), batch.get(k), startedAt.get(i), resolved.get(i), ranStatus(outcome), outcome, outcome.versionsWritten()));
        results.set(i, done.get(k));
      }
    }
    // One commit to ops.job_run for the whole batch, a row per job: skipped, succeeded or failed.
    log.recordAll(runs);
    return results;
  }

  /** Skips {@code job} as {@link #skip} decides, recording the skipped run at once. */
  private <R> Optional<R> skipIfDone(String runId, StageJob<R> job, Instant started, Inputs inputs, boolean force) {
    Optional<Skip<R>> skip = skip(runId, job, started, inputs, force, in -> log.lastSucceeded(job.stage(), in.date()));
    skip.ifPresent(s -> log.record(s.run()));
    return skip.map(Skip::result);
  }

  /** A skipped job's answer (from the run that did the work) and its ops.job_run row, not yet recorded. */
  private record Skip<R>(R result, JobRun run) {}

  /**
   * The skip rule, shared by {@link #run} and {@link #runTogether}: unless forced, a job whose inputs
   * an earlier successful run already covered is skipped and answers from that run; {@code last} gives
   * the stage's latest succeeded run for the inputs' date (looked up one date at a time, or all at once).
   */
  private <R> Optional<Skip<R>> skip(String runId, StageJob<R> job, Instant started, Inputs inputs, boolean force,
      java.util.function.Function<Inputs, Optional<JobRun>> last) {
    if (force || !inputs.skippable()) {
      return Optional.empty();
    }
    Optional<JobRun> done = log.upToDate(job.stage(), inputs, last.apply(inputs));
    if (done.isEmpty()) {
      return Optional.empty();
    }
    R result = job.alreadyDone(runId, inputs, done.get());
    return Optional.of(new Skip<>(result, finishedRun(runId, job, started, inputs, RunStatus.SKIPPED, job.outcome(result), Map.of())));
  }

  private static RunStatus ranStatus(Outcome outcome) {
    return outcome.nothingToDo() ? RunStatus.SKIPPED : RunStatus.SUCCEEDED;
  }

  private void recordFailure(String runId, StageJob<?> job, Instant started, Inputs inputs, RuntimeException e) {
    try {
      log.record(failedRun(runId, job, started, inputs, e));
    } catch (RuntimeException suppressed) {
      // The original failure is what the user must see; a failing log write must not mask it.
      e.addSuppressed(suppressed);
    }
  }

  /** The ops.job_run row of a failed job; {@code inputs} is null when the failure came before they were resolved. */
  private static JobRun failedRun(String runId, StageJob<?> job, Instant started, Inputs inputs, RuntimeException e) {
    String message = e instanceof RegsurvException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new JobRun(runId, job.stage(), inputs == null ? job.knownDate() : inputs.date(), started, Instant.now(), RunStatus.FAILED,
        null, null, null, inputs == null ? List.of() : inputs.files(), inputs == null ? Map.of() : inputs.versionsRead(), Map.of(),
        inputs == null ? null : inputs.fingerprint(), message);
  }

  /** The ops.job_run row of a job that finished (succeeded, or skipped as already done or with nothing to do). */
  private static <R> JobRun finishedRun(String runId, StageJob<R> job, Instant started, Inputs inputs, RunStatus status, Outcome outcome,
      Map<String, Long> written) {
    return new JobRun(runId, job.stage(), outcome.date() != null ? outcome.date() : inputs.date(), started, Instant.now(), status,
        outcome.rowsRead(), outcome.rowsWritten(), outcome.rowsQuarantined(), inputs.files(), inputs.versionsRead(), written,
        inputs.fingerprint(), outcome.message());
  }
}
