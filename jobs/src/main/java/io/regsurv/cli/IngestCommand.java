package io.regsurv.cli;

import io.regsurv.ingest.IngestJob;
import io.regsurv.ingest.IngestResult;
import io.regsurv.core.BadInputException;
import io.regsurv.pipeline.Pipeline;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    header = "Load bulk registry snapshots into bronze.registry_snapshot; unusable rows go to bronze.quarantine.",
    description = {
      "Load one bulk registry snapshot (CSV or JSON Lines, plain or gzip) into bronze.registry_snapshot;",
      "unusable rows go to bronze.quarantine with every reason. Re-running a date replaces its partition.",
      "Without --snapshot-date, every PATH is a dt=YYYY-MM-DD folder (or holds such folders): all those",
      "snapshots are ingested in one pass, each reconciled and recorded in ops.job_run on its own.",
      "Examples: regsurv ingest --snapshot-date 2024-07-31 out/dt=2024-07-31/",
      "          regsurv ingest out/dt=2024-06-30 out/dt=2024-07-31"
    })
final class IngestCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--snapshot-date", paramLabel = "YYYY-MM-DD",
      description = "Date of the snapshot (the dump); not in the future. Without it, the dates come from the PATHs' dt=YYYY-MM-DD folders.")
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
    if (snapshotDate != null) {
      IngestResult r = common.pipeline().ingest(new IngestJob.Request(snapshotDate, dialect, encoding, paths, force));
      StagePrinter.ingest(r, spec.commandLine().getOut(), spec.commandLine().getErr());
      return 0;
    }
    Map<LocalDate, List<String>> byDate = new TreeMap<>();
    for (String p : paths) {
      String name = new org.apache.hadoop.fs.Path(p).getName();
      if (name.startsWith("dt=")) {
        LocalDate date;
        try {
          date = LocalDate.parse(name.substring(3));
        } catch (java.time.format.DateTimeParseException e) {
          throw new BadInputException("Cannot ingest: folder " + name + " is not dt=YYYY-MM-DD");
        }
        byDate.computeIfAbsent(date, d -> new ArrayList<>()).add(p);
      } else {
        try {
          Pipeline.snapshotFolders(p).forEach((date, folder) -> byDate.computeIfAbsent(date, d -> new ArrayList<>()).add(folder));
        } catch (BadInputException e) {
          throw new BadInputException("Cannot ingest " + p + ": without --snapshot-date every PATH is a dt=YYYY-MM-DD folder or holds such folders");
        }
      }
    }
    List<IngestJob.Request> requests = new ArrayList<>();
    byDate.forEach((date, files) -> requests.add(new IngestJob.Request(date, dialect, encoding, files, force)));
    for (IngestResult r : common.pipeline().ingestAll(requests)) {
      StagePrinter.ingest(r, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
    return 0;
  }
}
