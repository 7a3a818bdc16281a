package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.regsurv.core.JobRun;
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
    warehouse.ensure(Tables.JOB_RUN);
    Row row =
        RowFactory.create(
            run.runId(),
            run.stage(),
            run.snapshotDate() == null ? null : Date.valueOf(run.snapshotDate()),
            Timestamp.from(run.startedAt()),
            run.endedAt() == null ? null : Timestamp.from(run.endedAt()),
            run.status(),
            run.rowsRead(),
            run.rowsWritten(),
            run.rowsQuarantined(),
            run.inputFiles(),
            run.versionsRead(),
            run.versionsWritten(),
            run.inputFingerprint(),
            run.message());
    warehouse
        .spark()
        .createDataFrame(List.of(row), Tables.get(Tables.JOB_RUN).schema())
        .write()
        .format("delta")
        .mode("append")
        // A warehouse made before input_fingerprint existed gains the column instead of failing.
        .option("mergeSchema", "true")
        .save(warehouse.location(Tables.JOB_RUN));
  }

  /** The latest succeeded run of a stage for a date, if any (one row: ops.job_run is small and the filter is pushed down). */
  public Optional<Row> lastSucceeded(String stage, LocalDate date) {
    if (!warehouse.exists(Tables.JOB_RUN)) {
      return Optional.empty();
    }
    List<Row> rows =
        warehouse.read(Tables.JOB_RUN)
            .where(col("stage").equalTo(stage)
                .and(col("snapshot_date").equalTo(lit(Date.valueOf(date))))
                .and(col("status").equalTo(JobRun.SUCCEEDED)))
            .orderBy(col("started_at").desc())
            .limit(1)
            .collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * The skip rule, the same for every stage that writes rows of one date: the latest succeeded
   * run of {@code stage} for {@code date}, when it had the same input fingerprint, read the same
   * Delta versions (or later ones whose commits change no row: OPTIMIZE, VACUUM), and no commit since has touched {@code date} in any table it wrote (other
   * dates may have been written meanwhile). Empty means the stage must run.
   *
   * @param dateColumns the date column of each table the stage writes
   */
  public Optional<Row> upToDate(
      String stage, LocalDate date, String fingerprint, Map<String, Long> versionsRead, Map<String, String> dateColumns) {
    Optional<Row> last = lastSucceeded(stage, date);
    if (last.isEmpty()) {
      return Optional.empty();
    }
    Row run = last.get();
    int fp = run.fieldIndex("input_fingerprint");
    if (!Objects.equals(run.isNullAt(fp) ? null : run.getString(fp), fingerprint)) {
      return Optional.empty();
    }
    Map<String, Long> recordedRead = run.getJavaMap(run.fieldIndex("versions_read"));
    if (!recordedRead.keySet().equals(versionsRead.keySet())) {
      return Optional.empty();
    }
    for (Map.Entry<String, Long> r : versionsRead.entrySet()) {
      if (!onlyCompactedSince(r.getKey(), recordedRead.get(r.getKey()), r.getValue())) {
        return Optional.empty();
      }
    }
    Map<String, Long> written = run.getJavaMap(run.fieldIndex("versions_written"));
    if (!written.keySet().containsAll(dateColumns.keySet())) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> t : dateColumns.entrySet()) {
      long recorded = written.get(t.getKey());
      long current = warehouse.version(t.getKey());
      if (current < recorded) {
        return Optional.empty(); // the table was dropped and made again
      }
      if (onlyCompactedSince(t.getKey(), recorded, current)) {
        continue;
      }
      if (isPartitioned(t.getKey())) {
        Optional<TreeSet<LocalDate>> touched = DeltaCommits.touchedDates(warehouse, t.getKey(), t.getValue(), recorded, current);
        if (touched.isEmpty() || touched.get().contains(date)) {
          return Optional.empty();
        }
      } else if (changedSince(t.getKey(), t.getValue(), date, recorded)) {
        return Optional.empty();
      }
    }
    return last;
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
    } catch (RuntimeException e) { // the recorded version's files were vacuumed
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
