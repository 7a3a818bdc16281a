package io.regsurv.survival;

import static io.regsurv.SilverFixtures.firm;
import static io.regsurv.SilverFixtures.firms;
import static io.regsurv.SilverFixtures.MISTYPED_USCC;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.config.ConfigLoader;
import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The survival stage on five hand-made firms. The tests that only read gold share one run
 * ({@link #shared}); those that change silver or run the command get a warehouse of their own.
 */
class SurvivalJobTest {
  static final LocalDate AS_OF = LocalDate.of(2024, 7, 31);
  static final RunConfig CONFIG =
      ConfigLoader.load(null, Map.of("survival.minCohortSize", "2", "survival.cohortDimensions", "all,province,era"));
  @TempDir Path dir;
  @TempDir static Path sharedDir;
  static Warehouse shared;
  static SurvivalJob.SurvivalResult sharedRun;
  Warehouse warehouse;
  RunConfig config = CONFIG;

  @BeforeAll
  static void computeOnce() {
    shared = silver(sharedDir);
    sharedRun = io.regsurv.pipeline.Pipeline.on(shared, CONFIG).survival(AS_OF, false);
  }

  /** A fresh warehouse with the five firms, for a test that changes it. */
  void ownWarehouse() {
    warehouse = silver(dir);
  }

  static Warehouse silver(Path dir) {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    warehouse.ensure(Tables.FIRM);
    // "all": durations 10 (exit), 20 (censored: vanished), 30 (exit), 40 (censored), as days since 2024-01-01;
    // 广东 has 3 firms, 北京 1 (suppressed with minCohortSize 2); X has unknown status.
    firms(
            firm("A", "2024-01-01", "CANCELLED", "2024-01-11", "CANCELLED", "2024-01-31", "2024-07-31", "广东"),
            firm("B", "2024-01-01", "ACTIVE", null, null, "2024-01-21", "2024-01-21", "广东"),
            firm("C", "2024-01-01", "REVOKED", "2024-01-31", "REVOKED", "2024-01-31", "2024-07-31", "广东"),
            firm("D", "2024-06-21", "ACTIVE", null, null, "2024-06-30", "2024-07-31", "北京"),
            firm("X", "2024-01-01", "UNKNOWN", null, null, "2024-01-31", "2024-07-31", "北京"))
        .write().format("delta").mode("append").save(warehouse.location(Tables.FIRM));
    return warehouse;
  }

  @Test
  void kaplanMeierOfTheWholeRegistryMatchesTheHandComputation() {
    SurvivalJob.SurvivalResult r = sharedRun;
    Warehouse warehouse = shared;
    assertThat(r.firms()).isEqualTo(5);
    assertThat(r.firmsUnknownStatus()).isEqualTo(1);
    assertThat(r.delayedEntry()).isFalse(); // A had exited before its first sighting: the dumps list exited firms
    List<Row> all =
        warehouse.read(Tables.SURVIVAL_CURVE).filter(col("dimension").equalTo("all")).orderBy("time_days")
            .select("time_days", "n_at_risk", "n_events", "n_censored", "survival").collectAsList();
    assertThat(all).extracting(x -> x.getDouble(0) + ":" + x.getLong(1) + ":" + x.getLong(2) + ":" + x.getLong(3))
        .containsExactly("0.0:4:0:0", "10.0:4:1:0", "20.0:3:0:1", "30.0:2:1:0", "40.0:1:0:1");
    assertThat(all.get(1).getDouble(4)).isCloseTo(0.75, Offset.offset(1e-12));
    assertThat(all.get(3).getDouble(4)).isCloseTo(0.375, Offset.offset(1e-12));
  }

  @Test
  void smallCohortsAreSuppressedNotDropped() {
    Warehouse warehouse = shared;
    List<Row> provinces =
        warehouse.read(Tables.COHORT_SUMMARY).filter(col("dimension").equalTo("province")).orderBy("cohort")
            .select("cohort", "n_firms", "suppressed", "median_days").collectAsList();
    assertThat(provinces).extracting(x -> x.getString(0) + ":" + x.getLong(1) + ":" + x.getBoolean(2))
        .containsExactly("北京:1:true", "广东:3:false");
    assertThat(provinces.get(1).getDouble(3)).isEqualTo(30.0);
    assertThat(warehouse.read(Tables.SURVIVAL_CURVE).filter(col("cohort").equalTo("北京")).count()).isZero();
  }

  @Test
  void everyGoldRowCarriesItsLineageAndARerunReplaces() {
    Warehouse warehouse = shared;
    SurvivalJob.SurvivalResult first = sharedRun;
    long before = warehouse.version(Tables.SURVIVAL_CURVE);
    long rows = warehouse.read(Tables.SURVIVAL_CURVE).count();
    // Forced: an unforced rerun is skipped as already done and would replace nothing.
    SurvivalJob.SurvivalResult again = io.regsurv.pipeline.Pipeline.on(warehouse, config).survival(AS_OF, true);
    assertThat(again.skipped()).isFalse();
    assertThat(again.versionsWritten().get(Tables.SURVIVAL_CURVE)).isGreaterThan(before);
    // One Delta commit per gold table and run.
    assertThat(again.versionsWritten().get(Tables.SURVIVAL_CURVE)).isEqualTo(before + 1);
    assertThat(warehouse.read(Tables.SURVIVAL_CURVE).count()).isEqualTo(rows);
    // (No cohort_comparison here: no dimension of these five firms has two published cohorts.)
    for (String t : List.of(Tables.SURVIVAL_CURVE, Tables.SURVIVAL_CURVE_MONTHLY, Tables.CUMULATIVE_INCIDENCE, Tables.COHORT_SUMMARY)) {
      assertThat(warehouse.read(t).filter(col("source_version").notEqual(first.sourceVersion()).or(col("as_of_date").notEqual(java.sql.Date.valueOf(AS_OF)))).count())
          .as(t).isZero();
      assertThat(warehouse.read(t).count()).as(t).isPositive();
    }
  }

  @Test
  void causesAreSeparatedInTheCumulativeIncidence() {
    Warehouse warehouse = shared;
    List<Row> cif =
        warehouse.read(Tables.CUMULATIVE_INCIDENCE).filter(col("dimension").equalTo("all").and(col("time_days").equalTo(40.0)))
            .orderBy("cause").select("cause", "cumulative_incidence").collectAsList();
    // S(t-) before 10 is 1: F_cancel = 1/4; before 30 S = 0.75: F_revoke = 0.75 * 1/2 = 0.375.
    assertThat(cif).extracting(x -> x.getString(0)).contains("cancellation", "revocation");
    assertThat(cif.stream().filter(x -> x.getString(0).equals("cancellation")).findFirst().orElseThrow().getDouble(1)).isCloseTo(0.25, Offset.offset(1e-12));
    assertThat(cif.stream().filter(x -> x.getString(0).equals("revocation")).findFirst().orElseThrow().getDouble(1)).isCloseTo(0.375, Offset.offset(1e-12));
  }

  @Test
  void firmKnownOnlyByAnInvalidUsccIsLeftOutAndCountedAndTheCurvesAreUnchanged() {
    ownWarehouse();
    io.regsurv.pipeline.Pipeline.on(warehouse, config).survival(AS_OF, false);
    List<String> before = curves();
    // A mistyped code seen in one dump only: as a firm it would be censored at 2024-01-31 in 广东.
    firms(firm(MISTYPED_USCC, false, "2024-01-01", "ACTIVE", null, null, "2024-01-31", "2024-01-31", "广东", true))
        .write().format("delta").mode("append").save(warehouse.location(Tables.FIRM));
    SurvivalJob.SurvivalResult r = io.regsurv.pipeline.Pipeline.on(warehouse, config).survival(AS_OF, false);
    assertThat(r.firms()).isEqualTo(5);
    assertThat(r.firmsUnknownStatus()).isEqualTo(1);
    assertThat(r.firmsInvalidUscc()).isEqualTo(1);
    assertThat(curves()).isEqualTo(before);
    Row run = warehouse.read(Tables.JOB_RUN).where(col("run_id").equalTo(r.runId())).select("message", "rows_read").head();
    assertThat(run.getString(0)).contains("1 firms known only by an invalid USCC left out");
    assertThat(run.getLong(1)).isEqualTo(6); // every silver.firm row was read
  }

  /** Every gold row survival wrote, but for the lineage that a rerun changes. */
  private List<String> curves() {
    List<String> rows = new java.util.ArrayList<>();
    for (String t : List.of(Tables.SURVIVAL_CURVE, Tables.CUMULATIVE_INCIDENCE, Tables.COHORT_SUMMARY)) {
      warehouse.read(t).drop("source_version").collectAsList().forEach(x -> rows.add(t + " " + x));
    }
    rows.sort(null);
    return rows;
  }

  /** Beyond survival.maxDriverCells (here 0) the distributed engine writes the same gold. */
  @Test
  void distributedEngineWritesTheSameGold() {
    ownWarehouse();
    RunConfig distributed = ConfigLoader.load(null, Map.of("survival.minCohortSize", "2", "survival.cohortDimensions", "all,province,era",
        "survival.maxDriverCells", "0"));
    io.regsurv.pipeline.Pipeline.on(warehouse, distributed).survival(AS_OF, false);
    for (String t : List.of(Tables.SURVIVAL_CURVE, Tables.SURVIVAL_CURVE_MONTHLY, Tables.CUMULATIVE_INCIDENCE, Tables.COHORT_SUMMARY,
        Tables.COHORT_COMPARISON)) {
      SurvivalGoldPinTest.assertSameLines(t, SurvivalGoldPinTest.lines(shared, t), SurvivalGoldPinTest.lines(warehouse, t));
    }
  }

  /** One aggregation, then one write per table: as many Spark jobs for three dimensions as for one. */
  @Test
  void sparkJobsDoNotGrowWithTheNumberOfDimensions() throws Exception {
    ownWarehouse();
    RunConfig allOnly = ConfigLoader.load(null, Map.of("survival.minCohortSize", "2", "survival.cohortDimensions", "all"));
    // Both runs first create every table they write: a new table is made with its first rows in one
    // commit, which takes fewer jobs than replacing rows, so the counted runs must both replace.
    io.regsurv.pipeline.Pipeline.on(warehouse, config).survival(AS_OF, false);
    io.regsurv.pipeline.Pipeline.on(warehouse, allOnly).survival(AS_OF, true);
    long one = jobsOf(() -> io.regsurv.pipeline.Pipeline.on(warehouse, allOnly).survival(AS_OF, true));
    long three = jobsOf(() -> io.regsurv.pipeline.Pipeline.on(warehouse, config).survival(AS_OF, true));
    assertThat(one).isPositive();
    assertThat(three).isEqualTo(one);
  }

  private static long jobsOf(Runnable run) throws Exception {
    org.apache.spark.SparkContext sc = SharedSpark.spark().sparkContext();
    java.util.concurrent.atomic.AtomicLong jobs = new java.util.concurrent.atomic.AtomicLong();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(listener);
    try {
      run.run();
      sc.listenerBus().waitUntilEmpty();
      return jobs.get();
    } finally {
      sc.removeSparkListener(listener);
    }
  }

  @Test
  void commandPrintsWhatItDid() {
    ownWarehouse();
    Cli r = Cli.run("survival", "--warehouse", dir.resolve("wh").toString(), "--as-of", "2024-07-31",
        "--set", "survival.minCohortSize=2", "--set", "survival.cohortDimensions=all,province");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("5 firms", "1 suppressed", "1 firms of unknown status");
  }

  @Test
  void withoutSilverItIsBadInput(@TempDir Path empty) {
    assertThatThrownBy(() -> io.regsurv.pipeline.Pipeline.on(new Warehouse(SharedSpark.spark(), empty.toString()), config).survival(AS_OF, false))
        .isInstanceOf(BadInputException.class).hasMessageContaining("run 'regsurv classify' first");
  }
}
