package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.BronzeFixture;
import io.regsurv.BronzeFixture.Firm;
import io.regsurv.SharedSpark;
import io.regsurv.SilverFixtures;
import io.regsurv.core.JobRun;
import io.regsurv.core.RunStatus;
import io.regsurv.core.Stage;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import io.regsurv.ops.PipelineStatus;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regsurv status} ({@link PipelineStatus#pending()} and {@link StatusCommand}) when work is
 * pending: a missing bronze table, snapshots not yet classified, failed last runs (and failures a
 * later good run resolved), gold never computed or computed from an older silver.firm.
 */
class StatusPendingTest {
  static final Instant T0 = Instant.parse("2024-08-01T10:00:00Z");

  private static JobRun run(String id, Stage stage, String date, int minute, RunStatus status, Map<String, Long> read, String message) {
    Instant at = T0.plusSeconds(60L * minute);
    return new JobRun(id, stage, date == null ? null : LocalDate.parse(date), at, at.plusSeconds(5), status, 1L, 1L, 0L, List.of(), read,
        Map.of(), "fp", message);
  }

  private static void watermark(Warehouse wh, String date) {
    wh.ensure(Tables.CLASSIFY_WATERMARK);
    Row row = RowFactory.create(Date.valueOf(date), 1L, "fp", 0L, 0L, 0L, "classify-x", Timestamp.from(T0));
    wh.spark().createDataFrame(List.of(row), Tables.get(Tables.CLASSIFY_WATERMARK).schema())
        .write().format("delta").mode("append").save(wh.location(Tables.CLASSIFY_WATERMARK));
  }

  private static List<String> pending(Warehouse wh) {
    return new PipelineStatus(wh).pending().stream()
        .map(r -> r.getString(0) + "|" + (r.isNullAt(1) ? "" : r.get(1)) + "|" + r.getString(2) + "|" + r.getString(3)).toList();
  }

  @Test
  void emptyWarehouseSaysToIngest(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    assertThat(pending(wh)).containsExactly("ingest||bronze.registry_snapshot does not exist|regsurv ingest or regsurv run");
  }

  @Test
  void pendingListsUnclassifiedSnapshotsFailedRunsAndStaleGold(@TempDir Path dir) {
    String root = dir.resolve("wh").toString();
    Warehouse wh = new Warehouse(SharedSpark.spark(), root);
    BronzeFixture bronze = new BronzeFixture(wh);
    bronze.snapshot("2024-06-30", Firm.of("A", "存续", "2020-01-01"));
    bronze.snapshot("2024-07-31", Firm.of("A", "存续", "2020-01-01"));
    watermark(wh, "2024-06-30");
    wh.ensure(Tables.FIRM);
    SilverFixtures.firms(SilverFixtures.firm(SilverFixtures.VALID_USCC, "2020-01-01", "ACTIVE", null, null, "2024-06-30", "2024-06-30", "广东"))
        .write().format("delta").mode("append").save(wh.location(Tables.FIRM));
    long firmVersion = wh.version(Tables.FIRM);

    JobRunLog log = new JobRunLog(wh);
    // Ingest of July failed last; June failed, then succeeded (resolved).
    log.record(run("i1", Stage.INGEST, "2024-06-30", 0, RunStatus.FAILED, Map.of(), "file missing"));
    log.record(run("i2", Stage.INGEST, "2024-06-30", 1, RunStatus.SUCCEEDED, Map.of(), "ok"));
    log.record(run("i3", Stage.INGEST, "2024-07-31", 2, RunStatus.SUCCEEDED, Map.of(), "ok"));
    log.record(run("i4", Stage.INGEST, "2024-07-31", 3, RunStatus.FAILED, Map.of(), "concurrent commit"));
    // Classify failed before it knew its date, and a later classify succeeded: resolved.
    log.record(run("c1", Stage.CLASSIFY, null, 4, RunStatus.FAILED, Map.of(), "out of memory"));
    log.record(run("c2", Stage.CLASSIFY, "2024-06-30", 5, RunStatus.SUCCEEDED, Map.of(), "ok"));
    // Survival computed from an older silver.firm; report never succeeded.
    log.record(run("s1", Stage.SURVIVAL, "2024-06-30", 6, RunStatus.SUCCEEDED, Map.of(Tables.FIRM, firmVersion - 1), "ok"));
    log.record(run("r1", Stage.REPORT, "2024-06-30", 7, RunStatus.FAILED, Map.of(Tables.FIRM, firmVersion), "no published figures"));

    assertThat(pending(wh)).containsExactly(
        "report|2024-06-30|last run failed: no published figures|rerun regsurv report",
        "ingest|2024-07-31|last run failed: concurrent commit|rerun regsurv ingest",
        "classify|2024-07-31|snapshot in bronze, not yet classified into silver|regsurv classify",
        "survival|2024-06-30|gold computed from silver.firm version " + (firmVersion - 1) + ", silver is at version " + firmVersion
            + "|regsurv survival",
        "report||gold has never been computed from silver|regsurv report");

    Cli table = Cli.run("status", "--warehouse", root);
    assertThat(table.exitCode()).as(table.err()).isZero();
    String pendingPart = table.out().substring(table.out().indexOf("Pending:"));
    assertThat(pendingPart).doesNotContain("nothing:").contains("snapshot in bronze, not yet classified into silver", "rerun regsurv ingest",
        "(5 rows)");

    Cli csv = Cli.run("status", "--warehouse", root, "--format", "csv");
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).contains("\nstage,snapshot_date,reason,action\n")
        .contains("\nclassify,2024-07-31,\"snapshot in bronze, not yet classified into silver\",regsurv classify\n")
        .contains("\ningest,2024-07-31,last run failed: concurrent commit,rerun regsurv ingest\n");
  }

  @Test
  void nothingPendingOnceEverySnapshotIsClassifiedAndGoldIsCurrent(@TempDir Path dir) {
    String root = dir.resolve("wh").toString();
    Warehouse wh = new Warehouse(SharedSpark.spark(), root);
    new BronzeFixture(wh).snapshot("2024-06-30", Firm.of("A", "存续", "2020-01-01"));
    watermark(wh, "2024-06-30");
    wh.ensure(Tables.FIRM);
    long firmVersion = wh.version(Tables.FIRM);
    JobRunLog log = new JobRunLog(wh);
    log.record(run("s1", Stage.SURVIVAL, "2024-06-30", 0, RunStatus.SUCCEEDED, Map.of(Tables.FIRM, firmVersion), "ok"));
    log.record(run("r1", Stage.REPORT, "2024-06-30", 1, RunStatus.SKIPPED, Map.of(Tables.FIRM, firmVersion), "skipped"));
    assertThat(pending(wh)).isEmpty();
    Cli table = Cli.run("status", "--warehouse", root);
    assertThat(table.out()).contains("Pending:\n  nothing: every snapshot is classified and gold is up to date with silver");
  }
}
