package io.regsurv.io;

import io.regsurv.jobs.JobRun;
import io.regsurv.schemas.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Appends stage runs to ops.job_run: a log, so appends (not MERGE) are what it should get. */
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
            run.message());
    warehouse
        .spark()
        .createDataFrame(List.of(row), Tables.get(Tables.JOB_RUN).schema())
        .write()
        .format("delta")
        .mode("append")
        .save(warehouse.location(Tables.JOB_RUN));
  }
}
