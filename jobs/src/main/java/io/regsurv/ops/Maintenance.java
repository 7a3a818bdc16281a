package io.regsurv.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;

import io.delta.tables.DeltaOptimizeBuilder;
import io.regsurv.core.BadInputException;
import io.regsurv.io.DeltaCommits;
import io.regsurv.io.Warehouse;
import io.regsurv.core.JobRun;
import io.regsurv.core.RunStatus;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.io.Tables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * OPTIMIZE (Z-ORDER BY uscc on the big uscc-keyed tables) and VACUUM of every table, skipping
 * tables whose data has not changed since the last maintenance, so a nightly schedule costs little.
 */
public final class Maintenance implements StageJob<List<Maintenance.TableResult>> {
  /** Tables read by uscc (lookups, joins by firm): Z-ordering clusters each firm's rows into few files. */
  public static final Set<String> ZORDER_BY_USCC = Set.of(Tables.REGISTRY_SNAPSHOT, Tables.FIRM, Tables.STATUS_HISTORY);

  /** What maintenance did to one table. */
  public record TableResult(String table, String optimized, long filesAdded, long filesRemoved, long filesVacuumed, long versionAfter) {}

  private final Warehouse warehouse;
  private final int retentionHours;
  private final boolean optimizeAll;

  /** Optimizes what changed since the last maintenance (everything with {@code optimizeAll}), then vacuums every table. */
  public Maintenance(Warehouse warehouse, int retentionHours, boolean optimizeAll) {
    this.warehouse = warehouse;
    this.retentionHours = retentionHours;
    this.optimizeAll = optimizeAll;
  }

  @Override
  public Stage stage() {
    return Stage.MAINTAIN;
  }

  /** Maintenance always runs (its own check skips tables unchanged since the last maintain); reads every table's version. */
  @Override
  public Inputs resolve() {
    if (retentionHours < 0) {
      throw new BadInputException("Cannot maintain: --retention-hours must be >= 0 (got " + retentionHours + ")");
    }
    Map<String, Long> before = new LinkedHashMap<>();
    for (String table : Tables.ALL) {
      if (warehouse.exists(table)) {
        before.put(table, warehouse.version(table));
      }
    }
    return Inputs.always(before);
  }

  @Override
  public List<TableResult> alreadyDone(String runId, Inputs inputs, JobRun done) {
    throw new IllegalStateException("maintenance is never skipped");
  }

  @Override
  public Outcome outcome(List<TableResult> results) {
    Map<String, Long> after = new LinkedHashMap<>();
    results.forEach(r -> after.put(r.table(), r.versionAfter()));
    long files = results.stream().mapToLong(TableResult::filesVacuumed).sum();
    return new Outcome(null, null, null, null, after,
        "retention " + retentionHours + " h; " + results.size() + " tables; " + files + " unreferenced files vacuumed", false);
  }

  @Override
  public List<TableResult> run(String runId, Inputs inputs) {
    List<TableResult> results = new ArrayList<>();
    Map<String, Long> lastSeen = optimizeAll ? Map.of() : lastMaintained();
    for (Map.Entry<String, Long> e : inputs.versionsRead().entrySet()) {
      String table = e.getKey();
      long v0 = e.getValue();
      String optimized = "unchanged since last maintain";
      long added = 0;
      long removed = 0;
      Long seen = lastSeen.get(table);
      if (seen == null || !DeltaCommits.dataUnchanged(warehouse, table, seen, v0).orElse(false)) {
        DeltaOptimizeBuilder builder = warehouse.delta(table).optimize();
        String where = partitionFilter(table, seen, v0);
        if (where != null) {
          builder = builder.where(where);
        }
        Row metrics =
            (ZORDER_BY_USCC.contains(table) ? builder.executeZOrderBy("uscc") : builder.executeCompaction())
                .select("metrics.numFilesAdded", "metrics.numFilesRemoved").head();
        added = metrics.getLong(0);
        removed = metrics.getLong(1);
        optimized = (ZORDER_BY_USCC.contains(table) ? "z-ordered by uscc" : "compacted") + (where == null ? "" : " (" + where + ")");
      }
      long vacuumed = vacuum(table, retentionHours);
      results.add(new TableResult(table, optimized, added, removed, vacuumed, warehouse.version(table)));
    }
    return results;
  }

  /**
   * On a table partitioned by snapshot date, only the partitions written since the last maintain
   * (Z-ordering is not incremental: redoing old partitions every night would rewrite all history).
   */
  private String partitionFilter(String table, Long seen, long current) {
    if (seen == null || Tables.get(table).partitionedBy().isEmpty()) {
      return null;
    }
    String column = Tables.get(table).partitionedBy().get(0);
    Optional<TreeSet<LocalDate>> touched = DeltaCommits.touchedDates(warehouse, table, column, seen, current);
    if (touched.isEmpty() || touched.get().isEmpty()) {
      return null;
    }
    List<String> dates = new ArrayList<>();
    touched.get().forEach(d -> dates.add("DATE'" + d + "'")); // LocalDates rendered ISO, never user text
    return column + " IN (" + String.join(", ", dates) + ")";
  }

  /**
   * Deletes files no version within the retention needs; Delta's retention check stays on. VACUUM
   * deletes only files last modified before the retention window (and then folders left empty),
   * so a table with no such file is not vacuumed: the answer is the same, without VACUUM's listing,
   * state reconstruction, join and two log commits (about 1.5 s per table even when tiny). Folders
   * left empty wait for the next VACUUM that runs.
   */
  private long vacuum(String table, int retentionHours) {
    try {
      long retentionMillis = java.util.concurrent.TimeUnit.HOURS.toMillis(retentionHours);
      // Delta's own check, so a retention that is too short is refused whether VACUUM runs or not.
      org.apache.spark.sql.delta.commands.VacuumCommand$.MODULE$.checkRetentionPeriodSafety(
          warehouse.spark(), scala.Option.apply((Object) retentionMillis), warehouse.deletedFileRetentionMillis(table));
      DataFiles before = dataFiles(table);
      if (before.oldestModified() >= System.currentTimeMillis() - retentionMillis) {
        return 0;
      }
      warehouse.delta(table).vacuum(retentionHours);
      return Math.max(0, before.parquet() - dataFiles(table).parquet());
    } catch (RuntimeException e) {
      // Delta's DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT (a DeltaIllegalArgumentException).
      String message = String.valueOf(e.getMessage());
      if (!(e instanceof IllegalArgumentException) && !message.contains("retention period is too low")
          && !message.contains("DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT")) {
        throw e;
      }
      throw new BadInputException(
          "Cannot maintain " + table + ": VACUUM with retention " + retentionHours + " h is shorter than the table's delta.deletedFileRetentionDuration "
              + "(default 168 h); a running reader or an interrupted writer may still need those files. Use --retention-hours 168 or more "
              + "(Delta's check spark.databricks.delta.retentionDurationCheck.enabled stays on)", e);
    }
  }

  /** Parquet files under a table's folder, and the oldest modification time of any file there but its log (Long.MAX_VALUE: none). */
  record DataFiles(long parquet, long oldestModified) {}

  /** One listing of the table's folder (no data read), as VACUUM's own listing sees it: everything but _delta_log. */
  private DataFiles dataFiles(String table) {
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse.location(table));
      var fs = root.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
      var it = fs.listFiles(root, true);
      long parquet = 0;
      long oldest = Long.MAX_VALUE;
      while (it.hasNext()) {
        var f = it.next();
        if (f.getPath().toString().contains("/_delta_log/")) {
          continue;
        }
        oldest = Math.min(oldest, f.getModificationTime());
        if (f.getPath().getName().endsWith(".parquet")) {
          parquet++;
        }
      }
      return new DataFiles(parquet, oldest);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The table versions the last succeeded maintain left behind. */
  private Map<String, Long> lastMaintained() {
    if (!warehouse.exists(Tables.JOB_RUN)) {
      return Map.of();
    }
    List<Row> rows = warehouse.read(Tables.JOB_RUN)
        .where(col("stage").equalTo(Stage.MAINTAIN.id()).and(col("status").equalTo(RunStatus.SUCCEEDED.id())))
        .orderBy(desc("started_at")).limit(1).select("versions_written").collectAsList();
    return rows.isEmpty() ? Map.of() : rows.get(0).getJavaMap(0);
  }
}
