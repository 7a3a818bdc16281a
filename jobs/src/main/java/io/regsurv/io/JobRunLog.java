package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.regsurv.core.JobRun;
import io.regsurv.core.RunStatus;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Appends stage runs to ops.job_run (a log, so appends, not MERGE) and answers the one question
 * every stage asks before it writes: has this exact work already been done?
 */
public final class JobRunLog {
  private final Warehouse warehouse;

  public JobRunLog(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  public void record(JobRun run) {
    recordAll(List.of(run));
  }

  /** Appends several runs in one commit (a backfill's snapshots). */
  public void recordAll(List<JobRun> runs) {
    if (runs.isEmpty()) {
      return;
    }
    List<Row> rows = new java.util.ArrayList<>();
    for (JobRun run : runs) {
      rows.add(toRow(run));
    }
    Dataset<Row> frame = warehouse.spark().createDataFrame(rows, Tables.get(Tables.JOB_RUN).schema());
    if (warehouse.createWithRows(Tables.JOB_RUN, frame, null)) {
      remember(warehouse.versionIdentity(Tables.JOB_RUN, 0), List.of(), runs);
      return;
    }
    warehouse.ensure(Tables.JOB_RUN);
    if (!warehouse.missingColumns(Tables.JOB_RUN).isEmpty()) {
      frame
          .write()
          .format("delta")
          .mode("append")
          // A warehouse made before input_fingerprint existed gains the column instead of failing.
          .option("mergeSchema", "true")
          .save(warehouse.location(Tables.JOB_RUN));
      return;
    }
    long[] versions = warehouse.appendRows(Tables.JOB_RUN, Warehouse.typed(Tables.JOB_RUN, frame));
    if (versions[1] == versions[0] + 1) {
      List<JobRun> before = RUNS_BY_VERSION.get(warehouse.versionIdentity(Tables.JOB_RUN, versions[0]));
      if (before != null) {
        remember(warehouse.versionIdentity(Tables.JOB_RUN, versions[1]), before, runs);
      }
    }
  }

  /**
   * Table id, location and version of ops.job_run → its rows, for the few most recent versions. A
   * stage asks the log once before it runs (about a second per query on small data, a tenth of a
   * demo stage); a run in this JVM that appended the version right after a remembered one knows the
   * new version's rows without a query. Keyed by exact version, so a commit by another process is
   * never missed: its version is simply not remembered.
   */
  private static final VersionMemo<List<JobRun>> RUNS_BY_VERSION = new VersionMemo<>(16);

  /** Remembers {@code before} plus {@code added} (timestamps at Delta's microseconds) as the rows of version {@code key}. */
  private static void remember(String key, List<JobRun> before, List<JobRun> added) {
    List<JobRun> all = new java.util.ArrayList<>(before);
    for (JobRun r : added) {
      all.add(new JobRun(r.runId(), r.stage(), r.snapshotDate(), micros(r.startedAt()), micros(r.endedAt()), r.status(), r.rowsRead(),
          r.rowsWritten(), r.rowsQuarantined(), r.inputFiles(), r.versionsRead(), r.versionsWritten(), r.inputFingerprint(),
          r.message()));
    }
    RUNS_BY_VERSION.put(key, List.copyOf(all));
  }

  private static java.time.Instant micros(java.time.Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  /** True when the rows of ops.job_run's latest version are remembered (tests: a recorded run needs no query). */
  boolean remembersLatest() {
    return RUNS_BY_VERSION.get(warehouse.commitIdentity(Tables.JOB_RUN)) != null;
  }

  /** Every run in ops.job_run at its latest version: remembered, else one query (one row per stage run: small). */
  private List<JobRun> runs() {
    long version = warehouse.version(Tables.JOB_RUN);
    return RUNS_BY_VERSION.computeIfAbsent(warehouse.versionIdentity(Tables.JOB_RUN, version),
        () -> warehouse.readVersion(Tables.JOB_RUN, version).collectAsList().stream().map(JobRunLog::fromRow).toList());
  }

  /** The succeeded runs of {@code stage}. */
  private java.util.stream.Stream<JobRun> succeededRuns(Stage stage) {
    return runs().stream().filter(r -> r.stage() == stage && r.status() == RunStatus.SUCCEEDED);
  }

  static Row toRow(JobRun run) {
    return
        RowFactory.create(
            run.runId(),
            run.stage().id(),
            run.snapshotDate() == null ? null : Date.valueOf(run.snapshotDate()),
            Timestamp.from(run.startedAt()),
            run.endedAt() == null ? null : Timestamp.from(run.endedAt()),
            run.status().id(),
            run.rowsRead(),
            run.rowsWritten(),
            run.rowsQuarantined(),
            run.inputFiles(),
            run.versionsRead(),
            run.versionsWritten(),
            run.inputFingerprint(),
            run.message());
  }

  /**
   * The latest succeeded run of a stage for a date (NULL: for any date), if any (one row: ops.job_run
   * is small and the filter is pushed down).
   */
  public Optional<JobRun> lastSucceeded(Stage stage, LocalDate date) {
    if (!warehouse.exists(Tables.JOB_RUN)) {
      return Optional.empty();
    }
    return succeededRuns(stage).filter(r -> date == null || date.equals(r.snapshotDate())).max(LATEST);
  }

  /** Orders runs by start, the latest greatest; ties (none in practice) by run id, so the answer never depends on row order. */
  private static final java.util.Comparator<JobRun> LATEST =
      java.util.Comparator.comparing(JobRun::startedAt).thenComparing(JobRun::runId);

  /**
   * The latest succeeded run of a stage for each of {@code dates}, from the log's rows (at most one
   * per date); dates with none are absent.
   */
  public Map<LocalDate, JobRun> lastSucceeded(Stage stage, java.util.Collection<LocalDate> dates) {
    if (dates.isEmpty() || !warehouse.exists(Tables.JOB_RUN)) {
      return Map.of();
    }
    java.util.Set<LocalDate> wanted = new java.util.HashSet<>(dates);
    Map<LocalDate, JobRun> last = new java.util.HashMap<>();
    succeededRuns(stage).filter(r -> r.snapshotDate() != null && wanted.contains(r.snapshotDate()))
        .forEach(r -> last.merge(r.snapshotDate(), r, (a, b) -> LATEST.compare(a, b) >= 0 ? a : b));
    return last;
  }

  /**
   * The skip rule, the same for every stage: the latest succeeded run of the stage for the inputs'
   * date, when it had the same input fingerprint, read the same Delta versions (or later ones whose
   * commits change no row: OPTIMIZE, VACUUM), and no commit since has touched the date in any table
   * it wrote (other dates may have been written meanwhile; a table written as a whole must have no
   * data commit since). Empty means the stage must run.
   */
  public Optional<JobRun> upToDate(Stage stage, StageJob.Inputs inputs) {
    return upToDate(stage, inputs, lastSucceeded(stage, inputs.date()));
  }

  /** {@link #upToDate(Stage, StageJob.Inputs)} given the latest succeeded run of the stage for the inputs' date. */
  public Optional<JobRun> upToDate(Stage stage, StageJob.Inputs inputs, Optional<JobRun> last) {
    if (last.isEmpty()) {
      return Optional.empty();
    }
    JobRun run = last.get();
    if (!Objects.equals(run.inputFingerprint(), inputs.fingerprint())) {
      return Optional.empty();
    }
    Map<String, Long> recordedRead = run.versionsRead();
    if (!recordedRead.keySet().equals(inputs.versionsRead().keySet())) {
      return Optional.empty();
    }
    for (Map.Entry<String, Long> r : inputs.versionsRead().entrySet()) {
      if (!onlyCompactedSince(r.getKey(), recordedRead.get(r.getKey()), r.getValue())) {
        return Optional.empty();
      }
    }
    Map<String, Long> written = run.versionsWritten();
    if (!written.keySet().containsAll(inputs.writes().keySet())) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> t : inputs.writes().entrySet()) {
      String table = t.getKey();
      long recorded = written.get(table);
      long current = warehouse.exists(table) ? warehouse.version(table) : -1;
      if (current < recorded) {
        return Optional.empty(); // the table was dropped and made again
      }
      if (onlyCompactedSince(table, recorded, current)) {
        continue;
      }
      if (t.getValue() == null || inputs.date() == null) {
        return Optional.empty(); // written as a whole: any data commit since changed it
      }
      if (isPartitioned(table)) {
        Optional<TreeSet<LocalDate>> touched = DeltaCommits.touchedDates(warehouse, table, t.getValue(), recorded, current);
        if (touched.isEmpty() || touched.get().contains(inputs.date())) {
          return Optional.empty();
        }
      } else if (changedSince(table, t.getValue(), inputs.date(), recorded)) {
        return Optional.empty();
      }
    }
    return last;
  }

  /** A row of ops.job_run as a {@link JobRun}. */
  static JobRun fromRow(Row r) {
    Date date = r.getAs("snapshot_date");
    Timestamp ended = r.getAs("ended_at");
    int fp = r.fieldIndex("input_fingerprint");
    List<String> files = r.isNullAt(r.fieldIndex("input_files")) ? List.of() : r.getList(r.fieldIndex("input_files"));
    return new JobRun(r.getAs("run_id"), Stage.of(r.getAs("stage")), date == null ? null : date.toLocalDate(),
        r.<Timestamp>getAs("started_at").toInstant(), ended == null ? null : ended.toInstant(),
        RunStatus.valueOf(r.<String>getAs("status").toUpperCase(java.util.Locale.ROOT)),
        r.getAs("rows_read"), r.getAs("rows_written"), r.getAs("rows_quarantined"), files,
        javaMap(r, "versions_read"), javaMap(r, "versions_written"), r.isNullAt(fp) ? null : r.getString(fp), r.getAs("message"));
  }

  private static Map<String, Long> javaMap(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? Map.of() : r.getJavaMap(i);
  }

  /** Same version, or newer versions whose commits change no row (OPTIMIZE, VACUUM): the same data. */
  private boolean onlyCompactedSince(String table, long recorded, long current) {
    return current == recorded || current > recorded && DeltaCommits.dataUnchanged(warehouse, table, recorded, current).orElse(false);
  }

  private static boolean isPartitioned(String table) {
    return !Tables.get(table).partitionedBy().isEmpty();
  }

  /**
   * For a table not partitioned by its date column, commit files do not name dates, so compare the
   * date's rows at the recorded version and now (one as-of date of a gold table: small; the version
   * may be gone after VACUUM, which then counts as changed).
   */
  private boolean changedSince(String table, String dateColumn, LocalDate date, long recorded) {
    var at = col(dateColumn).equalTo(lit(Date.valueOf(date)));
    try {
      var before = warehouse.readVersion(table, recorded).where(at);
      var now = warehouse.read(table).where(at);
      return !before.exceptAll(now).isEmpty() || !now.exceptAll(before).isEmpty();
    } catch (Exception e) { // the recorded version was vacuumed: SparkException (FILE_NOT_EXIST), a checked exception to Java
      return true;
    }
  }

  /** SHA-256 (hex) of the given parts, each length-prefixed so that parts cannot run into each other. */
  public static String fingerprint(List<String> parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        byte[] b = String.valueOf(p).getBytes(StandardCharsets.UTF_8);
        sha.update((b.length + ":").getBytes(StandardCharsets.UTF_8));
        sha.update(b);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
