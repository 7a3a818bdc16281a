package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.core.Stage;
import io.regsurv.pipeline.Pipeline;
import java.io.PrintWriter;
import java.util.Map;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regsurv run}: ingest → classify → survival → report as one scheduled unit. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run ingest, classify, survival and report for one new snapshot, or for a folder of them (--backfill).",
    description = {
      "Run the whole pipeline for one new snapshot (ingest → classify → survival → report), or for a",
      "directory of snapshots with --backfill (dt=YYYY-MM-DD/ folders, ingested in one pass: one commit to each",
      "bronze table, each snapshot reconciled and recorded on its own, a bad file fails them all before anything",
      "is written; then one classify, survival and report). Stops at the first stage that fails, with its exit code.",
      "Each stage skips work already done: a snapshot already ingested from the same files, bronze unchanged since",
      "the last classify, gold already computed from the same silver versions. A rerun after a failure resumes;",
      "a rerun after success writes nothing (only 'skipped' rows in ops.job_run). --force redoes every stage.",
      "Examples:",
      "  regsurv run --snapshot-date 2024-07-31 /data/registry/dt=2024-07-31/",
      "  regsurv run --backfill /data/registry"
    })
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--snapshot-date", paramLabel = "YYYY-MM-DD", description = "Date of the one snapshot in PATH...")
    LocalDate snapshotDate;

    @Option(names = "--backfill", paramLabel = "DIR|URI", description = "A directory of dt=YYYY-MM-DD/ snapshot folders.")
    String backfill;
  }

  @Option(names = "--dialect", paramLabel = "NAME|FILE", description = "Source dialect for ingest (default: ingest.dialect).")
  String dialect;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD", description = "As-of date for survival and report (default: the latest snapshot).")
  LocalDate asOf;

  @Option(names = "--force", description = "Redo every stage even when its work for the date is already done (classify: --full).")
  boolean force;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Snapshot files or directories (with --snapshot-date).")
  List<String> paths = new ArrayList<>();

  @Override
  public Integer call() {
    Pipeline pipeline = common.pipeline();
    pipeline.withListener(common.withProgress(progress(spec, pipeline.config())));
    if (target.backfill != null) {
      if (!paths.isEmpty()) {
        throw new BadInputException("--backfill takes its snapshots from the directory; do not also give PATHs");
      }
      pipeline.backfill(target.backfill, dialect, asOf, force);
    } else {
      if (paths.isEmpty()) {
        throw new BadInputException("--snapshot-date needs at least one PATH of that snapshot's files");
      }
      pipeline.run(Map.of(target.snapshotDate, paths), dialect, asOf, force);
    }
    return 0;
  }

  /**
   * Prints each stage's result as its own command would, with a line before and after it on
   * standard error ({@code --- survival done in 12.3 s}), so a scheduler's log shows where time went.
   */
  static Pipeline.Listener progress(picocli.CommandLine.Model.CommandSpec spec, RunConfig config) {
    return progress(spec, config, result -> true);
  }

  /** As {@link #progress(picocli.CommandLine.Model.CommandSpec, RunConfig)}, printing only the results {@code shown} accepts. */
  static Pipeline.Listener progress(picocli.CommandLine.Model.CommandSpec spec, RunConfig config, java.util.function.Predicate<Object> shown) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.name();
    return new Pipeline.Listener() {
      @Override
      public void started(Stage stage, String detail) {
        err.println("regsurv " + name + ": --- " + stage + (detail.isEmpty() ? "" : " " + detail));
        err.flush();
      }

      @Override
      public void finished(Stage stage, Object result, double seconds) {
        if (shown.test(result)) {
          StagePrinter.print(result, config.survival().minCohortSize(), out, err);
        }
        err.printf("regsurv %s: --- %s done in %.1f s%n", name, stage, seconds);
        err.flush();
      }
    };
  }
}
