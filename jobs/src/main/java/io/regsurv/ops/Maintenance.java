package io.regsurv.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;

import io.delta.tables.DeltaOptimizeBuilder;
import io.regsurv.core.BadInputException;
import io.regsurv.io.DeltaCommits;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.Warehouse;
import io.regsurv.core.JobRun;
import io.regsurv.io.Tables;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.sql.Row;

/**
 * OPTIMIZE (Z-ORDER BY uscc on the big uscc-keyed tables) and VACUUM of every table, skipping
 * tables whose data has not changed since the last maintenance, so a nightly schedule costs little.
 */
public final class Maintenance {
  /** Delta's own default for delta.deletedFileRetentionDuration: 7 days. */
  public static final int DEFAULT_RETENTION_HOURS = 168;

  /** Tables read by uscc (lookups, joins by firm): Z-ordering clusters each firm's rows into few files. */
  static final Set<String> ZORDER_BY_USCC = Set.of(Tables.REGISTRY_SNAPSHOT, Tables.FIRM, Tables.STATUS_HISTORY);

  /** What maintenance did to one table. */
  public record TableResult(String table, String optimized, long filesAdded, long filesRemoved, long filesVacuumed, long versionAfter) {}

  private final Warehouse warehouse;

  public Maintenance(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Optimizes what changed since the last maintenance, then vacuums every table with the given retention. */
  public List<TableResult> run(int retentionHours, boolean optimizeAll) {
    if (retentionHours < 0) {
      throw new BadInputException("Cannot maintain: --retention-hours must be >= 0 (got " + retentionHours + ")");
    }
    String runId = "maintain-" + UUID.randomUUID();
    Instant started = Instant.now();
    Map<String, Long> before = new LinkedHashMap<>();
    Map<String, Long> after = new LinkedHashMap<>();
    List<TableResult> results = new ArrayList<>();
    JobRunLog log = new JobRunLog(warehouse);
    Map<String, Long> lastSeen = optimizeAll ? Map.of() : lastMaintained();
    try {
      for (String table : Tables.ALL) {
        if (!warehouse.exists(table)) {
          continue;
        }
        long v0 = warehouse.version(table);
        before.put(table, v0);
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
        long v1 = warehouse.version(table);
        after.put(table, v1);
        results.add(new TableResult(table, optimized, added, removed, vacuumed, v1));
      }
    } catch (RuntimeException e) {
      recordQuietly(log, new JobRun(runId, JobRun.MAINTAIN, null, started, Instant.now(), JobRun.FAILED, null, null, null, List.of(),
          before, after, String.valueOf(e.getMessage())), e);
      throw e;
    }
    long files = results.stream().mapToLong(TableResult::filesVacuumed).sum();
    log.record(new JobRun(runId, JobRun.MAINTAIN, null, started, Instant.now(), JobRun.SUCCEEDED, null, null, null, List.of(), before, after,
        "retention " + retentionHours + " h; " + results.size() + " tables; " + files + " unreferenced files vacuumed"));
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

  /** Deletes files no version within the retention needs; Delta's retention check stays on. */
  private long vacuum(String table, int retentionHours) {
    try {
      // Counted by listing before and after: VACUUM's own result frame holds only the table path.
      long before = countDataFiles(table);
      warehouse.delta(table).vacuum(retentionHours);
      return Math.max(0, before - countDataFiles(table));
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

  /** Parquet files under the table's folder (listing only, no data read). */
  private long countDataFiles(String table) {
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse.location(table));
      var fs = root.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
      var it = fs.listFiles(root, true);
      long n = 0;
      while (it.hasNext()) {
        var f = it.next().getPath();
        if (f.getName().endsWith(".parquet") && !f.toString().contains("/_delta_log/")) {
          n++;
        }
      }
      return n;
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
        .where(col("stage").equalTo(JobRun.MAINTAIN).and(col("status").equalTo(JobRun.SUCCEEDED)))
        .orderBy(desc("started_at")).limit(1).select("versions_written").collectAsList();
    return rows.isEmpty() ? Map.of() : rows.get(0).getJavaMap(0);
  }

  private static void recordQuietly(JobRunLog log, JobRun run, RuntimeException original) {
    try {
      log.record(run);
    } catch (RuntimeException suppressed) {
      original.addSuppressed(suppressed);
    }
  }
}
