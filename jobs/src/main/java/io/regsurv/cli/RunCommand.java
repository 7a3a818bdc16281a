package io.regsurv.cli;

import io.regsurv.core.BadInputException;
import io.regsurv.io.HadoopConf;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
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
    description = {
      "Run the whole pipeline for one new snapshot (ingest → classify → survival → report), or for a",
      "directory of snapshots with --backfill (dt=YYYY-MM-DD/ folders, ingested in date order, then one",
      "classify, survival and report). Stops at the first stage that fails, with that stage's exit code.",
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
  public Integer call() throws IOException {
    Stages stages = new Stages(spec, common);
    List<String[]> plan = new ArrayList<>();
    if (target.backfill != null) {
      if (!paths.isEmpty()) {
        throw new BadInputException("--backfill takes its snapshots from the directory; do not also give PATHs");
      }
      for (var e : snapshotFolders(target.backfill).entrySet()) {
        plan.add(ingest(e.getKey(), List.of(e.getValue())));
      }
    } else {
      if (paths.isEmpty()) {
        throw new BadInputException("--snapshot-date needs at least one PATH of that snapshot's files");
      }
      plan.add(ingest(target.snapshotDate, paths));
    }
    plan.add(force ? new String[] {"classify", "--full"} : new String[] {"classify"});
    plan.add(stage("survival"));
    plan.add(stage("report"));
    return stages.runAll(plan);
  }

  private String[] stage(String name) {
    List<String> a = new ArrayList<>(List.of(name));
    if (asOf != null) {
      a.add("--as-of");
      a.add(asOf.toString());
    }
    if (force) {
      a.add("--force");
    }
    return a.toArray(String[]::new);
  }

  private String[] ingest(LocalDate date, List<String> files) {
    List<String> a = new ArrayList<>(List.of("ingest", "--snapshot-date", date.toString()));
    if (force) {
      a.add("--force");
    }
    if (dialect != null) {
      a.add("--dialect");
      a.add(dialect);
    }
    a.addAll(files);
    return a.toArray(String[]::new);
  }

  /** The dt=YYYY-MM-DD folders of a directory, by date. */
  static TreeMap<LocalDate, String> snapshotFolders(String dir) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.contains(":") ? dir : Path.of(dir).toAbsolutePath().toString());
    FileSystem fs = root.getFileSystem(HadoopConf.fromSparkConf());
    if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
      throw new BadInputException("Cannot backfill: " + dir + " is not a directory");
    }
    TreeMap<LocalDate, String> folders = new TreeMap<>();
    for (FileStatus st : fs.listStatus(root)) {
      String name = st.getPath().getName();
      if (st.isDirectory() && name.startsWith("dt=")) {
        try {
          folders.put(LocalDate.parse(name.substring(3)), st.getPath().toString());
        } catch (DateTimeParseException e) {
          throw new BadInputException("Cannot backfill: folder " + name + " is not dt=YYYY-MM-DD");
        }
      }
    }
    if (folders.isEmpty()) {
      throw new BadInputException("Cannot backfill: no dt=YYYY-MM-DD folders in " + dir);
    }
    return folders;
  }
}
