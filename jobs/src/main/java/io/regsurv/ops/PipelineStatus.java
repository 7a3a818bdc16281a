package io.regsurv.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.row_number;

import io.regsurv.io.Warehouse;
import io.regsurv.core.RunStatus;
import io.regsurv.core.Stage;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;

/**
 * What ops.job_run and the tables say about the pipeline: the latest run of each stage and date,
 * and the work still pending (snapshots not classified, gold older than silver, failed last runs).
 */
public final class PipelineStatus {
  /** Columns of {@link #latestRuns(int)}. */
  public static final List<String> RUN_COLUMNS =
      List.of("stage", "snapshot_date", "status", "started_at", "seconds", "rows_read", "rows_written", "rows_quarantined", "message");

  /** Columns of {@link #pending()}. */
  public static final List<String> PENDING_COLUMNS = List.of("stage", "snapshot_date", "reason", "action");

  private final Warehouse warehouse;

  public PipelineStatus(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** The latest run of each (stage, date), newest first, at most {@code limit} rows, each message whole. */
  public List<Row> latestRuns(int limit) {
    if (!warehouse.exists(Tables.JOB_RUN)) {
      return List.of();
    }
    // ops.job_run holds one row per stage run (a few a night): limited before collecting anyway.
    return latest(warehouse.read(Tables.JOB_RUN))
        .orderBy(desc("started_at"))
        .limit(limit)
        .selectExpr("stage", "snapshot_date", "status", "started_at",
            "round(unix_millis(ended_at) / 1000.0 - unix_millis(started_at) / 1000.0, 1) AS seconds",
            "rows_read", "rows_written", "rows_quarantined", "message")
        .collectAsList();
  }

  private static Dataset<Row> latest(Dataset<Row> runs) {
    return runs.withColumn("rn", row_number().over(Window.partitionBy("stage", "snapshot_date").orderBy(desc("started_at"))))
        .where(col("rn").equalTo(1))
        .drop("rn");
  }

  /** Work the next {@code regsurv run} would do, one row per item, with what to run. */
  public List<Row> pending() {
    List<Row> out = new ArrayList<>();
    if (warehouse.exists(Tables.JOB_RUN)) {
      // The latest run of each (stage, date) when it failed: small by construction (one per stage and date).
      for (Row r : latest(warehouse.read(Tables.JOB_RUN))
          .where(col("status").equalTo(RunStatus.FAILED.id()))
          .orderBy("snapshot_date", "stage")
          .select("stage", "snapshot_date", "message", "started_at")
          .collectAsList()) {
        if (r.isNullAt(1)) {
          // A failure before the date was known (e.g. classify): resolved by any later good run of the stage.
          Row good = lastSucceeded(Stage.of(r.getString(0)));
          if (good != null && good.getTimestamp(good.fieldIndex("started_at")).after(r.getTimestamp(3))) {
            continue;
          }
        }
        out.add(RowFactory.create(r.getString(0), r.get(1), "last run failed: " + r.getString(2), "rerun regsurv " + r.getString(0)));
      }
    }
    if (!warehouse.exists(Tables.REGISTRY_SNAPSHOT)) {
      out.add(RowFactory.create(Stage.INGEST.id(), null, "bronze.registry_snapshot does not exist", "regsurv ingest or regsurv run"));
      return out;
    }
    TreeSet<LocalDate> classified = new TreeSet<>();
    if (warehouse.exists(Tables.CLASSIFY_WATERMARK)) {
      // One row per classified snapshot: small by construction.
      for (Row r : warehouse.read(Tables.CLASSIFY_WATERMARK).select("snapshot_date").distinct().collectAsList()) {
        classified.add(r.getDate(0).toLocalDate());
      }
    }
    // Distinct values of the partition column: one per snapshot.
    for (Row r : warehouse.read(Tables.REGISTRY_SNAPSHOT).select("snapshot_date").distinct().orderBy("snapshot_date").collectAsList()) {
      LocalDate d = r.getDate(0).toLocalDate();
      if (!classified.contains(d)) {
        out.add(RowFactory.create(Stage.CLASSIFY.id(), Date.valueOf(d), "snapshot in bronze, not yet classified into silver", "regsurv classify"));
      }
    }
    if (warehouse.exists(Tables.FIRM)) {
      long firm = warehouse.version(Tables.FIRM);
      for (Stage stage : List.of(Stage.SURVIVAL, Stage.REPORT)) {
        Row last = lastSucceeded(stage);
        if (last == null) {
          out.add(RowFactory.create(stage.id(), null, "gold has never been computed from silver", "regsurv " + stage));
          continue;
        }
        Map<String, Long> read = last.getJavaMap(last.fieldIndex("versions_read"));
        Long seen = read.get(Tables.FIRM);
        if (seen == null || seen < firm) {
          out.add(RowFactory.create(stage.id(), last.get(last.fieldIndex("snapshot_date")),
              "gold computed from silver.firm version " + seen + ", silver is at version " + firm, "regsurv " + stage));
        }
      }
    }
    return out;
  }

  private Row lastSucceeded(Stage stage) {
    if (!warehouse.exists(Tables.JOB_RUN)) {
      return null;
    }
    List<Row> rows = warehouse.read(Tables.JOB_RUN)
        .where(col("stage").equalTo(stage.id()).and(col("status").isin(RunStatus.SUCCEEDED.id(), RunStatus.SKIPPED.id())))
        .orderBy(desc("started_at")).limit(1).collectAsList();
    return rows.isEmpty() ? null : rows.get(0);
  }
}
