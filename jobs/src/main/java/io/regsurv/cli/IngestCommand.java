package io.regsurv.cli;

import io.regsurv.ingest.IngestJob;
import io.regsurv.ingest.IngestResult;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regsurv ingest}: loads one registry snapshot into bronze.registry_snapshot and prints what happened. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    header = "Load one bulk registry snapshot into bronze.registry_snapshot; unusable rows go to bronze.quarantine.",
    description = {
      "Load one bulk registry snapshot (CSV or JSON Lines, plain or gzip) into bronze.registry_snapshot;",
      "unusable rows go to bronze.quarantine with every reason. Re-running a date replaces its partition.",
      "Example: regsurv ingest --snapshot-date 2024-07-31 out/dt=2024-07-31/"
    })
final class IngestCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--snapshot-date", required = true, paramLabel = "YYYY-MM-DD", description = "Date of the snapshot (the dump); not in the future.")
  LocalDate snapshotDate;

  @Option(names = "--dialect", paramLabel = "NAME|FILE",
      description = "Source layout: generator-csv, generator-jsonl, registry-extract-csv or a dialect JSON file. Default: the config's ingest.dialect.")
  String dialect;

  @Option(names = "--encoding", paramLabel = "CHARSET", description = "Override the dialect's encoding, e.g. GB18030.")
  String encoding;

  @Option(names = "--force", description = "Ingest again even when this snapshot was already ingested from the same files (size and modification time).")
  boolean force;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Snapshot files or directories (searched recursively for files of the dialect's format).")
  List<String> paths;

  @Override
  public Integer call() {
    IngestResult r = common.pipeline().ingest(new IngestJob.Request(snapshotDate, dialect, encoding, paths, force));
    StagePrinter.ingest(r, spec.commandLine().getOut(), spec.commandLine().getErr());
    return 0;
  }
}
