package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.BronzeFixture;
import io.regsurv.BronzeFixture.Firm;
import io.regsurv.SharedSpark;
import io.regsurv.core.JobRun;
import io.regsurv.core.RunStatus;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob.Inputs;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The skip rule ({@link JobRunLog#upToDate}) on hand-written ops.job_run rows and real Delta
 * tables: each way the same work can differ (fingerprint, date, versions read, a data commit to
 * what it wrote) makes the stage run; compaction and writes to other dates do not.
 */
class JobRunLogUpToDateTest {
  static final LocalDate JAN = LocalDate.of(2024, 1, 31);
  static final LocalDate FEB = LocalDate.of(2024, 2, 29);
  static final String BRONZE = Tables.REGISTRY_SNAPSHOT;

  private static JobRun succeeded(String id, Stage stage, LocalDate date, Instant at, String fingerprint, Map<String, Long> read,
      Map<String, Long> written, RunStatus status) {
    return new JobRun(id, stage, date, at, at.plusSeconds(1), status, 1L, 1L, 0L, List.of(), read, written, fingerprint, "test");
  }

  private static Map<String, String> writes(String table, String dateColumn) {
    Map<String, String> w = new LinkedHashMap<>();
    w.put(table, dateColumn);
    return w;
  }

  /** The latest succeeded run per date, for a backfill's dates at once: later beats earlier, failed and other stages do not count. */
  @Test
  void lastSucceededRunOfEachDateInOneQuery(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    JobRunLog log = new JobRunLog(wh);
    assertThat(log.lastSucceeded(Stage.INGEST, List.of(JAN, FEB))).as("no ops.job_run yet").isEmpty();
    Instant t0 = Instant.parse("2024-03-01T00:00:00Z");
    log.recordAll(List.of(
        succeeded("jan-old", Stage.INGEST, JAN, t0, "fp", Map.of(), Map.of(), RunStatus.SUCCEEDED),
        succeeded("jan-new", Stage.INGEST, JAN, t0.plusSeconds(60), "fp", Map.of(), Map.of(), RunStatus.SUCCEEDED),
        succeeded("jan-failed", Stage.INGEST, JAN, t0.plusSeconds(120), "fp", Map.of(), Map.of(), RunStatus.FAILED),
        succeeded("feb-failed", Stage.INGEST, FEB, t0, "fp", Map.of(), Map.of(), RunStatus.FAILED),
        succeeded("feb-report", Stage.REPORT, FEB, t0, "fp", Map.of(), Map.of(), RunStatus.SUCCEEDED)));
    Map<LocalDate, JobRun> last = log.lastSucceeded(Stage.INGEST, List.of(JAN, FEB));
    assertThat(last).containsOnlyKeys(JAN);
    assertThat(last.get(JAN).runId()).isEqualTo("jan-new").isEqualTo(log.lastSucceeded(Stage.INGEST, JAN).orElseThrow().runId());
  }

  /**
   * A run this JVM records is answered without a query, exactly as the table stores it (timestamps
   * at Delta's microseconds); a run another writer appends is read, not missed.
   */
  @Test
  void recordedRunsAreRememberedAndAnOutsideAppendIsRead(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    JobRunLog log = new JobRunLog(wh);
    Instant t0 = Instant.parse("2024-03-01T00:00:00.123456789Z");
    log.record(succeeded("first", Stage.INGEST, JAN, t0, "fp", Map.of("t", 1L), Map.of(), RunStatus.SUCCEEDED));
    log.record(succeeded("second", Stage.INGEST, JAN, t0.plusSeconds(60), "fp", Map.of("t", 2L), Map.of(), RunStatus.SUCCEEDED));
    assertThat(log.remembersLatest()).as("both versions written by this JVM").isTrue();
    JobRun remembered = log.lastSucceeded(Stage.INGEST, JAN).orElseThrow();
    JobRun stored = JobRunLog.fromRow(
        wh.read(Tables.JOB_RUN).where(org.apache.spark.sql.functions.col("run_id").equalTo("second")).head());
    assertThat(remembered).isEqualTo(stored);
    assertThat(remembered.startedAt()).isEqualTo(Instant.parse("2024-03-01T00:01:00.123456Z"));

    // Another writer appends as Spark would: that version is not remembered, so it is read.
    JobRun outside = succeeded("outside", Stage.INGEST, JAN, t0.plusSeconds(120), "fp", Map.of(), Map.of(), RunStatus.SUCCEEDED);
    wh.spark().createDataFrame(List.of(JobRunLog.toRow(outside)), Tables.get(Tables.JOB_RUN).schema())
        .write().format("delta").mode("append").save(wh.location(Tables.JOB_RUN));
    assertThat(log.remembersLatest()).isFalse();
    assertThat(log.lastSucceeded(Stage.INGEST, JAN).orElseThrow().runId()).isEqualTo("outside");
    assertThat(log.remembersLatest()).as("remembered once read").isTrue();
  }

  /** An ingest-like stage: no table read, one date of the partitioned bronze table written. */
  @Test
  void partitionedWriteIsUpToDateUntilItsOwnDateIsRewritten(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    BronzeFixture bronze = new BronzeFixture(wh);
    JobRunLog log = new JobRunLog(wh);
    Inputs jan = new Inputs(JAN, List.of("f.csv"), Map.of(), "fp-1", writes(BRONZE, "snapshot_date"), true);

    bronze.snapshot("2024-01-31", Firm.of("A", "存续", "2020-01-01"));
    assertThat(log.upToDate(Stage.INGEST, jan)).as("no run recorded").isEmpty();

    Instant t0 = Instant.parse("2024-02-01T00:00:00Z");
    log.record(succeeded("ingest-1", Stage.INGEST, JAN, t0, "fp-1", Map.of(), Map.of(BRONZE, wh.version(BRONZE)), RunStatus.SUCCEEDED));
    assertThat(log.upToDate(Stage.INGEST, jan)).map(JobRun::runId).contains("ingest-1");

    // Other inputs: another fingerprint (other files or settings), another date, another stage.
    assertThat(log.upToDate(Stage.INGEST, new Inputs(JAN, List.of(), Map.of(), "fp-2", writes(BRONZE, "snapshot_date"), true))).isEmpty();
    assertThat(log.upToDate(Stage.INGEST, new Inputs(FEB, List.of(), Map.of(), "fp-1", writes(BRONZE, "snapshot_date"), true))).isEmpty();
    assertThat(log.upToDate(Stage.CLASSIFY, jan)).isEmpty();

    // A later failed run does not hide the succeeded one; a write of another date does not touch January.
    log.record(succeeded("ingest-2", Stage.INGEST, JAN, t0.plusSeconds(60), "fp-1", Map.of(), Map.of(), RunStatus.FAILED));
    bronze.snapshot("2024-02-29", Firm.of("A", "存续", "2020-01-01"));
    assertThat(log.upToDate(Stage.INGEST, jan)).map(JobRun::runId).contains("ingest-1");

    // Compaction changes no row.
    wh.spark().sql("OPTIMIZE delta.`" + wh.location(BRONZE) + "`").collectAsList();
    assertThat(log.upToDate(Stage.INGEST, jan)).map(JobRun::runId).contains("ingest-1");

    // January replaced by someone else: the work must be redone.
    bronze.snapshot("2024-01-31", Firm.of("A", "注销", "2020-01-01").cancelled("2024-01-15"));
    assertThat(log.upToDate(Stage.INGEST, jan)).isEmpty();
  }

  /** A classify-like stage: reads bronze at a version, writes a table as a whole. */
  @Test
  void readVersionsAndWholeTableWritesDecide(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    BronzeFixture bronze = new BronzeFixture(wh);
    JobRunLog log = new JobRunLog(wh);
    bronze.snapshot("2024-01-31", Firm.of("A", "存续", "2020-01-01"));
    wh.ensure(Tables.FIRM);
    long bronzeV = wh.version(BRONZE);
    long firmV = wh.version(Tables.FIRM);
    Instant t0 = Instant.parse("2024-02-01T00:00:00Z");
    log.record(succeeded("classify-1", Stage.CLASSIFY, null, t0, "fp", Map.of(BRONZE, bronzeV), Map.of(Tables.FIRM, firmV),
        RunStatus.SUCCEEDED));
    Inputs same = new Inputs(null, List.of(), Map.of(BRONZE, bronzeV), "fp", writes(Tables.FIRM, null), true);
    assertThat(log.upToDate(Stage.CLASSIFY, same)).map(JobRun::runId).contains("classify-1");

    // Another table read than recorded: run.
    assertThat(log.upToDate(Stage.CLASSIFY,
        new Inputs(null, List.of(), Map.of(BRONZE, bronzeV, Tables.STATUS_EVENT, 0L), "fp", writes(Tables.FIRM, null), true))).isEmpty();
    // A table written that the recorded run did not write: run.
    assertThat(log.upToDate(Stage.CLASSIFY,
        new Inputs(null, List.of(), Map.of(BRONZE, bronzeV), "fp", Map.of(Tables.FIRM, "x", Tables.STATUS_EVENT, "x"), true))).isEmpty();

    // Bronze gains a snapshot: the version read differs by a data commit.
    bronze.snapshot("2024-02-29", Firm.of("A", "存续", "2020-01-01"));
    assertThat(log.upToDate(Stage.CLASSIFY,
        new Inputs(null, List.of(), Map.of(BRONZE, wh.version(BRONZE)), "fp", writes(Tables.FIRM, null), true))).isEmpty();

    // A data commit to the written table since the run: written as a whole, so it must be redone.
    io.regsurv.SilverFixtures.firms(io.regsurv.SilverFixtures.firm(io.regsurv.SilverFixtures.VALID_USCC, "2020-01-01", "ACTIVE", null, null,
            "2024-01-31", "2024-01-31", "广东"))
        .write().format("delta").mode("append").save(wh.location(Tables.FIRM));
    assertThat(log.upToDate(Stage.CLASSIFY, same)).isEmpty();
  }
  /**
   * A table written per date but not partitioned (as gold is): another date's write since the run
   * means the recorded version is compared with today's rows. Once maintain has compacted and
   * vacuumed the recorded version's files, that comparison cannot be made: the stage must run,
   * not fail (Spark reports the missing files with an exception Java sees as checked).
   */
  @Test
  void aRecordedVersionWhoseFilesWereVacuumedMeansRunAgain(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    JobRunLog log = new JobRunLog(wh);
    wh.ensure(Tables.FIRM);
    appendFirm(wh, "A", "2024-01-31");
    Instant t0 = Instant.parse("2024-02-01T00:00:00Z");
    log.record(succeeded("report-1", Stage.REPORT, JAN, t0, "fp", Map.of(), Map.of(Tables.FIRM, wh.version(Tables.FIRM)), RunStatus.SUCCEEDED));
    Inputs jan = new Inputs(JAN, List.of(), Map.of(), "fp", writes(Tables.FIRM, "first_seen_snapshot"), true);

    appendFirm(wh, "B", "2024-02-29"); // another date: January's rows are unchanged
    assertThat(log.upToDate(Stage.REPORT, jan)).map(JobRun::runId).contains("report-1");

    String table = "delta.`" + wh.location(Tables.FIRM) + "`";
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    wh.spark().sql("OPTIMIZE " + table).collectAsList();
    wh.spark().conf().set(check, "false");
    try {
      wh.spark().sql("VACUUM " + table + " RETAIN 0 HOURS").collectAsList();
    } finally {
      wh.spark().conf().unset(check);
    }
    assertThat(log.upToDate(Stage.REPORT, jan)).as("the recorded version can no longer be read").isEmpty();
  }

  private static void appendFirm(Warehouse wh, String uscc, String firstSeen) {
    io.regsurv.SilverFixtures.firms(io.regsurv.SilverFixtures.firm(uscc, "2020-01-01", "ACTIVE", null, null, firstSeen, firstSeen, "广东"))
        .write().format("delta").mode("append").save(wh.location(Tables.FIRM));
  }
}
