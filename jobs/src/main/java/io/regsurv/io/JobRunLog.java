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
      return;
    }
    warehouse.ensure(Tables.JOB_RUN);
    frame
        .write()
        .format("delta")
        .mode("append")
        // A warehouse made before input_fingerprint existed gains the column instead of failing.
        .option("mergeSchema", "true")
        .save(warehouse.location(Tables.JOB_RUN));
  }

  private static Row toRow(JobRun run) {
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
    var where = succeeded(stage);
    if (date != null) {
      where = where.and(col("snapshot_date").equalTo(lit(Date.valueOf(date))));
    }
    List<Row> rows = warehouse.read(Tables.JOB_RUN).where(where).orderBy(col("started_at").desc()).limit(1).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(fromRow(rows.get(0)));
  }

  /** The succeeded runs of a stage. */
  private static org.apache.spark.sql.Column succeeded(Stage stage) {
    return col("stage").equalTo(stage.id()).and(col("status").equalTo(RunStatus.SUCCEEDED.id()));
  }

  /**
   * The latest succeeded run of a stage for each of {@code dates}, from one query (at most one row
   * per date); dates with none are absent.
   */
  public Map<LocalDate, JobRun> lastSucceeded(Stage stage, java.util.Collection<LocalDate> dates) {
    if (dates.isEmpty() || !warehouse.exists(Tables.JOB_RUN)) {
      return Map.of();
    }
    var latestFirst = org.apache.spark.sql.expressions.Window.partitionBy(col("snapshot_date")).orderBy(col("started_at").desc());
    Map<LocalDate, JobRun> last = new java.util.HashMap<>();
    warehouse.read(Tables.JOB_RUN)
        .where(succeeded(stage).and(col("snapshot_date").isin(dates.stream().map(Date::valueOf).toArray())))
        .withColumn("latest", org.apache.spark.sql.functions.row_number().over(latestFirst))
        .where(col("latest").equalTo(1)).drop("latest")
        .collectAsList()
        .forEach(r -> {
          JobRun run = fromRow(r);
          last.put(run.snapshotDate(), run);
        });
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
