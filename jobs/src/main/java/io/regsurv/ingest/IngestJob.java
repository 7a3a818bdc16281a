package io.regsurv.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.AiKeywords;
import io.regsurv.config.Dialect;
import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.core.JobFailedException;
import io.regsurv.core.JobRun;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.SnapshotReader;
import io.regsurv.io.SparkSessions;
import io.regsurv.io.WarehouseSalt;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The ingest stage: reads one registry snapshot (files of one dialect), normalises it, splits
 * accepted from quarantined rows, replaces the snapshot's partition of bronze.registry_snapshot
 * and bronze.quarantine, and reconciles the counts against what was written. Several snapshots
 * (a backfill) go through {@link #runTogether} in one pass; one snapshot is the same code with one.
 */
public final class IngestJob implements StageJob<IngestResult> {

  private final Warehouse warehouse;
  private final RunConfig config;
  private final Request request;
  private Source source;

  /**
   * What to ingest: the snapshot date, the dialect (name or file; NULL = config's), an optional
   * encoding override, the paths, and whether to redo a snapshot already ingested from the same files.
   */
  public record Request(LocalDate snapshotDate, String dialect, String encoding, List<String> paths, boolean force) {
    public Request {
      paths = List.copyOf(paths);
    }

    public Request(LocalDate snapshotDate, String dialect, String encoding, List<String> paths) {
      this(snapshotDate, dialect, encoding, paths, false);
    }
  }

  /** Every reason a data row can have (file problems are rows with source_line -1), sorted. */
  static final List<String> REASONS = java.util.stream.Stream.of(SnapshotReader.WRONG_COLUMN_COUNT, SnapshotReader.MALFORMED_CSV,
      SnapshotReader.MALFORMED_JSON, Quarantine.MISSING_USCC, Quarantine.BAD_USCC, Quarantine.MISSING_NAME, Quarantine.BAD_ESTABLISHED_DATE,
      Quarantine.DUPLICATE).sorted().toList();

  /** The tables ingest writes, with the date column each is replaced by. */
  static final Map<String, String> WRITES = Map.of(Tables.REGISTRY_SNAPSHOT, "snapshot_date", Tables.QUARANTINE, "snapshot_date");

  public IngestJob(Warehouse warehouse, RunConfig config, Request request) {
    this.warehouse = warehouse;
    this.config = config;
    this.request = request;
  }

  public Request request() {
    return request;
  }

  @Override
  public LocalDate knownDate() {
    return request.snapshotDate();
  }

  @Override
  public Stage stage() {
    return Stage.INGEST;
  }

  /** The dialect, keywords and files of the snapshot, checked before anything is read. */
  private record Source(String dialectName, Dialect dialect, AiKeywords keywords, List<String> files, String salt) {}

  private String what() {
    return "Cannot ingest snapshot " + request.snapshotDate();
  }

  private Source source() {
    if (source == null) {
      LocalDate date = request.snapshotDate();
      if (date.isAfter(LocalDate.now(ZoneOffset.UTC))) {
        throw new BadInputException(what() + ": the snapshot date is in the future");
      }
      String dialectName = request.dialect() != null ? request.dialect() : config.ingest().dialect();
      Dialect dialect = Dialect.load(dialectName);
      if (request.encoding() != null) {
        dialect = dialect.withEncoding(request.encoding());
      }
      AiKeywords keywords = AiKeywords.load(config.ingest().aiKeywords());
      source = new Source(dialectName, dialect, keywords, SnapshotReader.listFiles(warehouse.spark(), dialect, request.paths(), what()),
          WarehouseSalt.resolve(warehouse, config.privacy()));
    }
    return source;
  }

  @Override
  public Inputs resolve() {
    Source src = source();
    return new Inputs(request.snapshotDate(), src.files(), Map.of(), fingerprint(src, what()), WRITES, true);
  }

  @Override
  public IngestResult run(String runId, Inputs inputs) {
    return runTogether(List.of(this), List.of(runId)).get(0);
  }

  /**
   * Ingests several snapshots in one pass (a backfill): the files of every snapshot are read,
   * normalised and flagged by one Spark plan, each table is replaced for all their dates in one
   * commit, and each snapshot is still reconciled on its own (read = accepted + quarantined,
   * against what the tables hold for its date). A bad file or an empty snapshot fails the whole
   * batch before anything is written. One job's result per job, in order; {@code runIds} likewise.
   */
  public static List<IngestResult> runTogether(List<IngestJob> jobs, List<String> runIds) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    IngestJob first = jobs.get(0);
    Warehouse warehouse = first.warehouse;
    List<List<String>> warnings = new ArrayList<>();
    // Snapshots normalised alike (dialect, salt, AI keywords) and sharing no file are read and
    // normalised by one plan, each row's date and run looked up by its file: a union of one plan
    // per snapshot made the optimiser's work grow with the snapshots (a 6-snapshot demo backfill
    // spent longer planning than running).
    Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
    java.util.Set<String> seenFiles = new java.util.HashSet<>();
    for (int i = 0; i < jobs.size(); i++) {
      IngestJob job = jobs.get(i);
      if (job.warehouse != warehouse) {
        throw new IllegalArgumentException("Snapshots ingested together must go to one warehouse");
      }
      Source src = job.source();
      warnings.add(new ArrayList<>());
      boolean sharesAFile = false;
      for (String f : src.files()) {
        sharesAFile |= !seenFiles.add(f);
      }
      List<Object> key = sharesAFile ? List.of(i) : List.of(src.dialect(), src.salt(), src.keywords().keywords());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    Dataset<Row> all = null;
    for (List<Integer> group : groups.values()) {
      Dataset<Row> normalised = normaliseTogether(warehouse, group.stream().map(jobs::get).toList(),
          group.stream().map(runIds::get).toList(), group.stream().map(warnings::get).toList());
      all = all == null ? normalised : all.unionAll(normalised);
    }
    Dataset<Row> rows = all;
    // Persisted: the counts, both writes and the file check all use these rows; the files are read once.
    // Only quarantined rows keep their raw line (bronze.registry_snapshot has none): a smaller cache.
    // Uncompressed: gathering the compression statistics of every long text column (dictionary and
    // run-length candidates, per value) cost more than the bytes saved. Full-scale snapshot: the
    // stage that builds the cache 14.1 -> 10.6 s, the whole ingest 57.1 -> 54.1 s, with some of the
    // cache's blocks on disk.
    return SparkSessions.withUncompressedCaches(warehouse.spark(), () -> {
      Dataset<Row> flagged = Quarantine.flag(rows)
          .withColumn("raw_text", when(Quarantine.accepted(), lit(null).cast("string")).otherwise(col("raw_text")))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        return write(jobs, flagged, runIds, warnings);
      } finally {
        flagged.unpersist();
      }
    });
  }

  /**
   * The snapshots' raw rows, read and normalised by one plan; all of {@code jobs} share a dialect,
   * salt and keyword list, and no file. Rows of one snapshot get its date and run id as literals.
   */
  private static Dataset<Row> normaliseTogether(Warehouse warehouse, List<IngestJob> jobs, List<String> runIds, List<List<String>> warnings) {
    List<SnapshotReader.Part> parts = new ArrayList<>();
    List<Column> dateOfFile = new ArrayList<>();
    List<Column> runOfFile = new ArrayList<>();
    for (int k = 0; k < jobs.size(); k++) {
      IngestJob job = jobs.get(k);
      parts.add(new SnapshotReader.Part(job.source().files(), job.what(), warnings.get(k)));
      for (String f : job.source().files()) {
        dateOfFile.addAll(List.of(lit(f), lit(java.sql.Date.valueOf(job.request.snapshotDate()))));
        runOfFile.addAll(List.of(lit(f), lit(runIds.get(k))));
      }
    }
    IngestJob first = jobs.get(0);
    Source src = first.source();
    Dataset<Row> raw = SnapshotReader.read(warehouse.spark(), src.dialect(), parts, Normalise.shaper(src.dialect()));
    Normalise.Context ctx = new Normalise.Context(src.dialect(), first.request.snapshotDate(), src.salt(), src.keywords().keywords(), runIds.get(0));
    if (jobs.size() == 1) {
      return Normalise.registryColumns(raw, ctx);
    }
    return Normalise.registryColumns(raw, ctx, element_at(map(dateOfFile.toArray(Column[]::new)), col("source_file")),
        element_at(map(runOfFile.toArray(Column[]::new)), col("source_file")));
  }

  /** The result of a run that found its work already done: the counts of the run that did it. */
  @Override
  public IngestResult alreadyDone(String runId, Inputs inputs, JobRun done) {
    Map<String, Long> versions = done.versionsWritten();
    return new IngestResult(runId, request.snapshotDate(), source().dialectName(), inputs.files(), done.rowsRead(), done.rowsWritten(),
        done.rowsQuarantined(), Map.of(), 0, 0, 0, 0, versions.get(Tables.REGISTRY_SNAPSHOT), versions.get(Tables.QUARANTINE),
        List.of(), done.runId());
  }

  @Override
  public Outcome outcome(IngestResult r) {
    if (r.skipped()) {
      return new Outcome(null, r.rowsRead(), 0L, 0L, Map.of(), "skipped: same files already ingested by run " + r.skippedBecauseOfRun(), false);
    }
    return new Outcome(null, r.rowsRead(), r.rowsAccepted(), r.rowsQuarantined(),
        Map.of(Tables.REGISTRY_SNAPSHOT, r.snapshotVersion(), Tables.QUARANTINE, r.quarantineVersion()), summary(r), false);
  }

  private static List<IngestResult> write(List<IngestJob> jobs, Dataset<Row> flagged, List<String> runIds, List<List<String>> warnings) {
    Warehouse warehouse = jobs.get(0).warehouse;
    RunConfig config = jobs.get(0).config;
    Dataset<Row> rows = flagged.filter(col("source_line").geq(0));
    Column accepted = Quarantine.accepted();
    Column data = col("source_line").geq(0);
    // One aggregate (one Spark job) gives the file check, the counts and the reasons: a job less per
    // question matters on small snapshots, where fixed costs dominate. The reasons are a closed set.
    List<Column> measures = new ArrayList<>(List.of(
        count(when(data, 1)),
        sum(when(data.and(accepted), 1).otherwise(0)),
        sum(when(data.and(not(accepted)), 1).otherwise(0)),
        sum(when(data.and(accepted).and(not(col("uscc_valid"))), 1).otherwise(0)),
        sum(when(data.and(accepted).and(col("status_raw").isNull()), 1).otherwise(0)),
        sum(when(data.and(accepted).and(col("registered_capital_raw").isNotNull()), 1).otherwise(0)),
        sum(when(data.and(accepted).and(col("registered_capital_amount").isNotNull()), 1).otherwise(0)),
        sum(when(not(data), 1).otherwise(0))));
    for (String reason : REASONS) {
      measures.add(sum(when(data.and(array_contains(col("reasons"), reason)), 1).otherwise(0)));
    }
    // One row per snapshot: small by construction.
    Map<LocalDate, Row> totals = new HashMap<>();
    boolean fileErrors = false;
    for (Row t : flagged.groupBy(col("snapshot_date")).agg(measures.get(0), measures.subList(1, measures.size()).toArray(Column[]::new)).collectAsList()) {
      totals.put(t.getDate(0).toLocalDate(), t);
      fileErrors |= t.getLong(8) > 0;
    }
    if (fileErrors) {
      Map<String, String> whatOfFile = new LinkedHashMap<>();
      jobs.forEach(job -> job.source().files().forEach(f -> whatOfFile.putIfAbsent(f, job.what())));
      SnapshotReader.fileErrors(flagged, file -> whatOfFile.getOrDefault(file, jobs.get(0).what()));
    }
    Map<LocalDate, Map<String, Long>> byReason = new HashMap<>();
    totals.forEach((date, t) -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (int k = 0; k < REASONS.size(); k++) {
        long n = t.getLong(9 + k);
        if (n > 0) {
          counts.put(REASONS.get(k), n);
        }
      }
      byReason.put(date, counts);
    });
    List<LocalDate> dates = new ArrayList<>();
    long filesPerDate = 1;
    for (IngestJob job : jobs) {
      LocalDate date = job.request.snapshotDate();
      Row t = totals.get(date);
      if (t == null || t.getLong(1) == 0) {
        // Replacing the date with nothing would delete a good snapshot because of a broken dump.
        throw new BadInputException("Cannot ingest snapshot " + date + ": the files hold a header but no data rows; nothing was written");
      }
      dates.add(date);
      long nAccepted = t.getLong(2);
      filesPerDate = Math.max(filesPerDate, filesFor(nAccepted, config.ingest().targetFileRows(), warehouse.spark().sparkContext().defaultParallelism()));
    }

    // One file of quarantined rows, filtered by every task: coalesce(1) would scan the whole cache
    // in one task (3.7 s of one core for three full-scale snapshots; the shuffle moves the few
    // quarantined rows only).
    long quarantineVersion = warehouse.replaceDates(Tables.QUARANTINE, "snapshot_date", dates, rows.filter(not(accepted)).repartition(1));
    // No shuffle: the rows come from the cache, so the work before it keeps every core. One
    // snapshot: its partitions merged into the target number of files. Several: each cached
    // partition (all dates in each) writes one file per date, the writer sorting its rows by date;
    // splitting them by (snapshot_date, uscc) ranges first, as before, cost a sampling job and a
    // shuffle of every wide row (three full-scale snapshots: 29.5 s -> 22.9 s). Clustering by uscc
    // is left to maintain's OPTIMIZE ZORDER BY uscc.
    Dataset<Row> acceptedRows = rows.filter(accepted);
    Dataset<Row> bronzeRows = dates.size() == 1 ? acceptedRows.coalesce((int) filesPerDate) : acceptedRows;
    // The writer sorts a task's rows by the partition column unless they arrive sorted; merged
    // partitions do not, though here every row has the one date. Its concurrent path writes them
    // as they come until the open writers reach the setting, then sorts the rest: at 1 that is
    // after the first row, so one date's rows were sorted by a constant (spilled at full scale,
    // whose merge interleaved the window's sorted runs, which classify's sort then lost). At 2 one
    // date writes them in the window's order, without a sort; several sort by date, as before.
    String writers = dates.size() == 1 ? "2" : "1";
    long snapshotVersion = SparkSessions.withSqlConf(warehouse.spark(), "spark.sql.maxConcurrentOutputFileWriters", writers,
        () -> warehouse.replaceDates(Tables.REGISTRY_SNAPSHOT, "snapshot_date", dates, bronzeRows));

    Map<LocalDate, Long> written = countByDate(warehouse, Tables.REGISTRY_SNAPSHOT, snapshotVersion, dates);
    Map<LocalDate, Long> quarantined = countByDate(warehouse, Tables.QUARANTINE, quarantineVersion, dates);
    List<IngestResult> results = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      IngestJob job = jobs.get(i);
      LocalDate date = job.request.snapshotDate();
      Row t = totals.get(date);
      long read = t.getLong(1);
      long nAccepted = t.getLong(2);
      long nQuarantined = t.getLong(3);
      long w = written.getOrDefault(date, 0L);
      long q = quarantined.getOrDefault(date, 0L);
      if (w != nAccepted || q != nQuarantined || read != w + q) {
        throw new JobFailedException(
            "Ingest of snapshot " + date + " does not reconcile: read " + read + ", accepted " + nAccepted + " (table holds " + w
                + "), quarantined " + nQuarantined + " (table holds " + q + ")");
      }
      results.add(new IngestResult(runIds.get(i), date, job.source().dialectName(), job.source().files(), read, nAccepted, nQuarantined,
          byReason.getOrDefault(date, Map.of()), orZero(t, 4), orZero(t, 5), orZero(t, 6), orZero(t, 7), snapshotVersion, quarantineVersion,
          warnings.get(i), null));
    }
    return results;
  }

  /** Rows below which a snapshot is not split into more files for the cores' sake: a file costs an open and a footer to every reader. */
  static final long MIN_ROWS_PER_CORE_FILE = 250_000;

  /**
   * The files one snapshot of {@code rows} accepted rows is written as: at most {@code targetFileRows}
   * rows each; at least one per core while each keeps {@link #MIN_ROWS_PER_CORE_FILE} rows; and,
   * when there are more files than cores, a multiple of the cores. Parquet splits a file for
   * readers only at its row groups, and a writer task writes one file: a 1.5 M-row snapshot in one
   * file was written by one task and read by two unequal ones (its second row group a sliver:
   * 170,488 rows against 1,319,494), the longest scan of a classify increment on two cores.
   */
  static long filesFor(long rows, long targetFileRows, int cores) {
    long files = Math.max(1, (rows + targetFileRows - 1) / targetFileRows);
    files = Math.max(files, Math.min(cores, rows / MIN_ROWS_PER_CORE_FILE));
    return files > cores ? (files + cores - 1) / cores * cores : files;
  }

  private static long orZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }

  /**
   * Rows per date of a table version, which replaced those dates: from the commit's file records
   * (partition value and record count of each file it added), else counted by a query (one row
   * per date: small). On a demo snapshot the two read-back queries took about 2 s of 26.
   */
  private static Map<LocalDate, Long> countByDate(Warehouse warehouse, String table, long version, List<LocalDate> dates) {
    Map<LocalDate, Long> out = new HashMap<>();
    java.util.Optional<Map<String, Long>> added = warehouse.rowsAddedByPartition(table, version, "snapshot_date");
    if (added.isPresent()) {
      added.get().forEach((date, n) -> out.put(LocalDate.parse(date), n));
      return out;
    }
    Object[] values = dates.stream().map(java.sql.Date::valueOf).toArray();
    for (Row r : warehouse.readVersion(table, version).filter(col("snapshot_date").isin(values)).groupBy("snapshot_date").count().collectAsList()) {
      out.put(r.getDate(0).toLocalDate(), r.getLong(1));
    }
    return out;
  }

  /**
   * What the snapshot's rows are a function of besides the code: the dialect, the salt (it changes
   * every hash), the AI keyword list, the file layout setting and each file's path, size and time.
   */
  private String fingerprint(Source src, String what) {
    List<String> files = src.files();
    // The salt enters only through this SHA-256: ops.job_run never holds it.
    List<String> parts = new ArrayList<>(List.of(src.dialectName(), src.dialect().encoding(), src.salt(), String.valueOf(config.ingest().aiKeywords()),
        String.valueOf(config.ingest().targetFileRows())));
    Configuration conf = warehouse.spark().sparkContext().hadoopConfiguration();
    for (String f : files) {
      try {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(f);
        FileStatus st = p.getFileSystem(conf).getFileStatus(p);
        parts.add(f);
        parts.add(st.getLen() + "/" + st.getModificationTime());
      } catch (IOException e) {
        throw new BadInputException(what + ": cannot read " + f + " (" + e.getMessage() + ")", e);
      }
    }
    return JobRunLog.fingerprint(parts);
  }

  /** One line for ops.job_run.message. */
  static String summary(IngestResult r) {
    return "read " + r.rowsRead() + ", accepted " + r.rowsAccepted() + ", quarantined " + r.rowsQuarantined() + " " + r.quarantinedByReason()
        + ", uscc_valid=false " + r.usccInvalid() + ", capital parsed " + r.capitalParsed() + "/" + r.capitalPresent();
  }
}
