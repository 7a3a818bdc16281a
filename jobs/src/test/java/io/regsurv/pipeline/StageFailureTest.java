package io.regsurv.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every stage that fails is recorded as failed in ops.job_run, with its message, and shown by
 * {@code regsurv status} as pending work: the stage runner records failures for all of them.
 */
class StageFailureTest {

  @Test
  void everyStageThatFailsIsRecordedAsFailedAndShownByStatus(@TempDir Path dir) throws IOException {
    Path data = dir.resolve("registry");
    String wh = dir.resolve("wh").toString();
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "300", "--snapshots", "2024-06-30", "--no-truth");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    Cli run = Cli.run("run", "--warehouse", wh, "--backfill", data.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), wh);

    Cli ingest = Cli.run("ingest", "--warehouse", wh, "--snapshot-date", "2024-07-31", dir.resolve("missing").toString());
    assertThat(ingest.exitCode()).isEqualTo(2);
    assertFailed(warehouse, "ingest", "Cannot ingest snapshot 2024-07-31");

    Cli maintain = Cli.run("maintain", "--warehouse", wh, "--retention-hours", "-1");
    assertThat(maintain.exitCode()).isEqualTo(2);
    assertFailed(warehouse, "maintain", "--retention-hours must be >= 0");

    // A table removed under a stage: its own message names the table.
    delete(warehouse, Tables.STATUS_HISTORY);
    Cli report = Cli.run("report", "--warehouse", wh);
    assertThat(report.exitCode()).isEqualTo(2);
    assertThat(report.lastErrLine()).contains("silver.status_history does not exist");
    assertFailed(warehouse, "report", "silver.status_history does not exist");

    delete(warehouse, Tables.FIRM);
    Cli survival = Cli.run("survival", "--warehouse", wh, "--force");
    assertThat(survival.exitCode()).isEqualTo(2);
    assertFailed(warehouse, "survival", "silver.firm does not exist");

    delete(warehouse, Tables.REGISTRY_SNAPSHOT);
    Cli classify = Cli.run("classify", "--warehouse", wh);
    assertThat(classify.exitCode()).isEqualTo(2);
    assertFailed(warehouse, "classify", "bronze.registry_snapshot does not exist");

    Cli status = Cli.run("status", "--warehouse", wh, "--format", "csv");
    assertThat(status.exitCode()).as(status.err()).isZero();
    for (String stage : List.of("ingest", "classify", "survival", "report", "maintain")) {
      assertThat(status.out()).as(stage).containsPattern("(?m)^" + stage + ",.*,failed,");
      assertThat(status.out()).as(stage).containsPattern("(?m)^" + stage + ",.*last run failed: ");
    }
    // A run whose date was known before it failed is recorded for that date.
    assertThat(status.out()).containsPattern("(?m)^ingest,2024-07-31,failed,");
  }

  /** The stage's latest run in ops.job_run failed with a message that says why. */
  private static void assertFailed(Warehouse warehouse, String stage, String message) {
    List<Row> runs = warehouse.read(Tables.JOB_RUN).where("stage = '" + stage + "'").orderBy(org.apache.spark.sql.functions.desc("started_at"))
        .limit(1).collectAsList();
    assertThat(runs).as(stage).hasSize(1);
    assertThat(runs.get(0).<String>getAs("status")).as(stage).isEqualTo("failed");
    assertThat(runs.get(0).<String>getAs("message")).as(stage).contains(message);
    assertThat(runs.get(0).<java.sql.Timestamp>getAs("ended_at")).as(stage).isNotNull();
  }

  private static void delete(Warehouse warehouse, String table) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse.location(table));
    assertThat(root.getFileSystem(SharedSpark.spark().sparkContext().hadoopConfiguration()).delete(root, true)).as(table).isTrue();
  }
}
