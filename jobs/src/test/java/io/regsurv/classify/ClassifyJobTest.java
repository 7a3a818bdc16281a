package io.regsurv.classify;

import io.regsurv.pipeline.Pipeline;
import io.regsurv.config.RunConfig;

import io.regsurv.BronzeFixture;
import static io.regsurv.SilverFixtures.MISTYPED_USCC;
import static io.regsurv.SilverFixtures.REGISTRATION_NUMBER;
import static io.regsurv.SilverFixtures.VALID_USCC;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.ClassifySettings;
import io.regsurv.io.Warehouse;
import io.regsurv.BronzeFixture.Firm;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.SparkSessions;
import io.regsurv.io.Tables;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classify stage on tiny hand-made snapshot series: every transition kind, dates, order and
 * reruns. One in-order warehouse is built once (Delta commits are the slow part); the tests that
 * rewrite it run last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassifyJobTest {
  static final String S1 = "2024-01-31";
  static final String S2 = "2024-02-29";
  static final String S3 = "2024-03-31";

  static final ClassifySettings DEFAULTS = RunConfig.defaults().classify();

  // A: active, then cancelled with a dump date. B: revoked without a date, then reinstated.
  // C: vanishes from S2 and reappears. D: first seen in S2 already revoked and cancelled (no dates).
  // E: moves out. F: suspended. G: dormant. H: unknown, then no status. I: revoked (dated) then cancelled.
  static final Firm[] SNAP1 = {
    Firm.of("A", "存续", "2015-03-01"), Firm.of("B", "存续（在营、开业、在册）", "2018-06-15"),
    Firm.of("C", "在业", "2019-01-01"), Firm.of("E", "开业", "2010-05-05"), Firm.of("F", "在营", "2011-01-01"),
    Firm.of("G", "正常", "2012-01-01"), Firm.of("H", "存续", "2013-01-01"), Firm.of("I", "存续", "2014-01-01")
  };
  static final Firm[] SNAP2 = {
    Firm.of("A", "存续", "2015-03-01"), Firm.of("B", "吊销，未注销", "2018-06-15"),
    Firm.of("D", "吊销,已注销", "2020-01-01"), Firm.of("E", "迁出", "2010-05-05"), Firm.of("F", "停业", "2011-01-01"),
    Firm.of("G", "歇业", "2012-01-01"), Firm.of("H", "神秘状态", "2013-01-01"),
    Firm.of("I", "吊销", "2014-01-01").revoked("2024-02-10")
  };
  static final Firm[] SNAP3 = {
    Firm.of("A", "注销", "2015-03-01").cancelled("2024-03-10"), Firm.of("B", "存续", "2018-06-15"),
    Firm.of("C", "在业", "2019-01-01"), Firm.of("D", "吊销，已注销", "2020-01-01"), Firm.of("E", "迁出", "2010-05-05"),
    Firm.of("F", "停业", "2011-01-01"), Firm.of("G", "歇业", "2012-01-01"), Firm.of("H", null, "2013-01-01"),
    Firm.of("I", "注销", "2014-01-01").cancelled("2024-03-20")
  };

  private static Warehouse warehouse(Path dir) {
    return new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
  }

  private static ClassifyResult classify(Warehouse w) {
    return pipeline(w, DEFAULTS).classify(false);
  }

  /** A firm as readers see it (with last_seen_snapshot). */
  private static Row firm(Warehouse w, String uscc) {
    return SilverFirm.read(w).where("uscc = '" + uscc + "'").head();
  }

  private static List<String> events(Warehouse w, String uscc) {
    return w.read(Tables.STATUS_EVENT).where("uscc = '" + uscc + "'").orderBy("detected_in_snapshot", "transition_kind")
        .collectAsList().stream()
        .map(r -> r.getAs("detected_in_snapshot") + " " + r.getAs("transition_kind") + " " + r.getAs("from_status")
            + "->" + r.getAs("to_status") + " " + r.getAs("event_date") + " " + r.getAs("event_date_source"))
        .toList();
  }

  private static Warehouse inOrder(Path dir) {
    Warehouse w = warehouse(dir);
    BronzeFixture bronze = new BronzeFixture(w);
    bronze.snapshot(S1, SNAP1);
    assertThat(classify(w).mode()).isEqualTo("full");
    bronze.snapshot(S2, SNAP2);
    assertThat(classify(w).mode()).isEqualTo("incremental");
    bronze.snapshot(S3, SNAP3);
    ClassifyResult third = classify(w);
    assertThat(third.mode()).isEqualTo("incremental");
    assertThat(third.snapshots()).containsExactly(LocalDate.parse(S3));
    return w;
  }

  /** A table's rows as sorted strings, without the lineage column that records which run wrote a row. */
  private static List<String> contents(Warehouse w, String table) {
    Dataset<Row> t = w.read(table);
    if (List.of(t.columns()).contains("source_version")) {
      t = t.drop("source_version");
    }
    return t.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @TempDir static Path shared;
  private Warehouse w;

  private String shufflePartitions;

  @BeforeAll
  void classifySnapshotsInOrder() {
    // A handful of rows: one shuffle partition avoids dozens of empty tasks per Delta MERGE.
    shufflePartitions = SharedSpark.spark().conf().get("spark.sql.shuffle.partitions");
    SharedSpark.spark().conf().set("spark.sql.shuffle.partitions", "1");
    w = inOrder(shared.resolve("ordered"));
  }

  @Test
  @Order(1)
  void exitFactsForEachKindOfTransition() {

    Row a = firm(w, "A");
    assertThat((boolean) a.getAs("is_exited")).isTrue();
    assertThat(a.<String>getAs("exit_cause")).isEqualTo("CANCELLED");
    assertThat(a.<Date>getAs("exit_date")).isEqualTo(Date.valueOf("2024-03-10"));
    assertThat(a.<String>getAs("exit_date_source")).isEqualTo("status_date");
    assertThat(a.<Date>getAs("exit_date_lower")).isNull();
    assertThat(events(w, "A")).containsExactly("2024-03-31 exit ACTIVE->CANCELLED 2024-03-10 status_date");

    // Revoked with no date: bounded by the day after S1 and S2, midpoint imputed; the later
    // reinstatement is an event, the first exit is kept.
    Row b = firm(w, "B");
    assertThat(b.<String>getAs("exit_cause")).isEqualTo("REVOKED");
    assertThat(b.<String>getAs("exit_date_source")).isEqualTo("interval");
    assertThat(b.<Date>getAs("exit_date_lower")).isEqualTo(Date.valueOf("2024-02-01"));
    assertThat(b.<Date>getAs("exit_date_upper")).isEqualTo(Date.valueOf("2024-02-29"));
    assertThat(b.<Date>getAs("exit_date")).isEqualTo(Date.valueOf("2024-02-15"));
    assertThat(b.<String>getAs("current_status")).isEqualTo("ACTIVE");
    assertThat(events(w, "B"))
        .containsExactly(
            "2024-02-29 exit ACTIVE->REVOKED 2024-02-15 interval",
            "2024-03-31 reinstatement REVOKED->ACTIVE 2024-03-16 interval");

    // Vanish and reappear: events, never an exit.
    Row c = firm(w, "C");
    assertThat((boolean) c.getAs("is_exited")).isFalse();
    assertThat(c.<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf(S3));
    assertThat(events(w, "C"))
        .containsExactly(
            "2024-02-29 vanish ACTIVE->VANISHED 2024-02-15 interval",
            "2024-03-31 reappear VANISHED->ACTIVE 2024-03-16 interval");

    // Already exited when first seen: bounded by establishment and the first snapshot; delayed entry.
    Row d = firm(w, "D");
    assertThat(d.<String>getAs("exit_cause")).isEqualTo("REVOKED_CANCELLED");
    assertThat(d.<Date>getAs("exit_date_lower")).isEqualTo(Date.valueOf("2020-01-01"));
    assertThat(d.<Date>getAs("exit_date_upper")).isEqualTo(Date.valueOf(S2));
    LocalDate lower = LocalDate.parse("2020-01-01");
    long span = ChronoUnit.DAYS.between(lower, LocalDate.parse(S2));
    assertThat(d.<Date>getAs("exit_date")).isEqualTo(Date.valueOf(lower.plusDays(span / 2)));
    assertThat(d.<Date>getAs("first_seen_snapshot")).isEqualTo(Date.valueOf(S2));
    assertThat(d.<Integer>getAs("entry_age_days")).isEqualTo((int) span);
    assertThat(events(w, "D")).hasSize(1).allMatch(e -> e.startsWith("2024-02-29 exit null->REVOKED_CANCELLED"));

    Row e = firm(w, "E");
    assertThat((boolean) e.getAs("is_exited")).isFalse();
    assertThat(e.<String>getAs("current_status")).isEqualTo("MOVED_OUT");
    assertThat(events(w, "E")).containsExactly("2024-02-29 move_out ACTIVE->MOVED_OUT 2024-02-15 interval");
    assertThat(e.<Integer>getAs("entry_age_days"))
        .isEqualTo((int) ChronoUnit.DAYS.between(LocalDate.parse("2010-05-05"), LocalDate.parse(S1)));

    assertThat(firm(w, "F").<String>getAs("exit_cause")).isEqualTo("SUSPENDED");
    assertThat(events(w, "F")).containsExactly("2024-02-29 exit ACTIVE->SUSPENDED 2024-02-15 interval");
    assertThat((boolean) firm(w, "G").getAs("is_exited")).isFalse();
    assertThat(events(w, "G")).containsExactly("2024-02-29 dormancy ACTIVE->DORMANT 2024-02-15 interval");

    // Unknown strings stay UNKNOWN; not an exit.
    Row h = firm(w, "H");
    assertThat(h.<String>getAs("current_status")).isEqualTo("UNKNOWN");
    assertThat((boolean) h.getAs("is_exited")).isFalse();

    // Revoked (dated), then cancelled: the exit is the revocation; the cancellation is a closure.
    Row i = firm(w, "I");
    assertThat(i.<String>getAs("exit_cause")).isEqualTo("REVOKED");
    assertThat(i.<Date>getAs("exit_date")).isEqualTo(Date.valueOf("2024-02-10"));
    assertThat(i.<String>getAs("current_status")).isEqualTo("CANCELLED");
    assertThat(i.<Date>getAs("status_since_date")).isEqualTo(Date.valueOf("2024-03-20"));
    assertThat(events(w, "I"))
        .containsExactly(
            "2024-02-29 exit ACTIVE->REVOKED 2024-02-10 status_date",
            "2024-03-31 closure REVOKED->CANCELLED 2024-03-20 status_date");

    // Exits by cause per detecting snapshot, straight from silver.status_event.
    List<String> exits =
        w.read(Tables.STATUS_EVENT).where("transition_kind = 'exit'").groupBy("detected_in_snapshot", "to_status").count()
            .orderBy("detected_in_snapshot", "to_status").collectAsList().stream()
            .map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2)).toList();
    assertThat(exits)
        .containsExactly(
            "2024-02-29 REVOKED 2", "2024-02-29 REVOKED_CANCELLED 1", "2024-02-29 SUSPENDED 1", "2024-03-31 CANCELLED 1");
  }

  @Test
  @Order(2)
  void statusHistoryAnswersStatusOnADate() {
    List<String> b =
        w.read(Tables.STATUS_HISTORY).where("uscc = 'B'").orderBy("valid_from").collectAsList().stream()
            .map(r -> r.getAs("status") + " " + r.getAs("valid_from") + ".." + r.getAs("valid_to") + " " + r.getAs("is_current"))
            .toList();
    assertThat(b)
        .containsExactly(
            "ACTIVE 2018-06-15..2024-02-15 false", "REVOKED 2024-02-15..2024-03-16 false", "ACTIVE 2024-03-16..null true");
    String onDate =
        w.spark().sql(
                "SELECT status FROM silver.status_history WHERE uscc = 'B' AND valid_from <= DATE'2024-03-01'"
                    + " AND (valid_to IS NULL OR valid_to > DATE'2024-03-01')")
            .head().getString(0);
    assertThat(onDate).isEqualTo("REVOKED");
    assertThat(w.read(Tables.STATUS_HISTORY).where("is_current").count()).isEqualTo(9);
  }

  @Test
  @Order(3)
  void outOfOrderSnapshotsGiveTheSameTablesAsInOrder(@TempDir Path dir) {
    Warehouse ordered = w;
    Warehouse b = warehouse(dir);
    BronzeFixture bronze = new BronzeFixture(b);
    bronze.snapshot(S1, SNAP1);
    classify(b);
    bronze.snapshot(S3, SNAP3);
    assertThat(classify(b).mode()).isEqualTo("incremental");
    bronze.snapshot(S2, SNAP2); // February arrives after March
    ClassifyResult late = classify(b);
    assertThat(late.mode()).isEqualTo("full");
    assertThat(late.reason()).contains("2024-02-29");

    for (String table : List.of(Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT)) {
      assertThat(contents(b, table)).as(table).isEqualTo(contents(ordered, table)).isNotEmpty();
    }
  }

  @Test
  @Order(3)
  void reverseOrderAndAllAtOnceGiveTheSameTablesAsInOrder(@TempDir Path dir) {
    Warehouse reverse = warehouse(dir.resolve("reverse"));
    BronzeFixture bronze = new BronzeFixture(reverse);
    bronze.snapshot(S3, SNAP3);
    assertThat(classify(reverse).mode()).isEqualTo("full");
    bronze.snapshot(S2, SNAP2);
    assertThat(classify(reverse).mode()).isEqualTo("full");
    bronze.snapshot(S1, SNAP1);
    assertThat(classify(reverse).mode()).isEqualTo("full");

    Warehouse atOnce = warehouse(dir.resolve("at-once"));
    BronzeFixture all = new BronzeFixture(atOnce);
    all.snapshot(S2, SNAP2);
    all.snapshot(S1, SNAP1);
    all.snapshot(S3, SNAP3);
    ClassifyResult one = classify(atOnce);
    assertThat(one.mode()).isEqualTo("full");
    assertThat(one.snapshots()).containsExactly(LocalDate.parse(S1), LocalDate.parse(S2), LocalDate.parse(S3));
    assertThat(one.rowsRead()).isEqualTo(SNAP1.length + SNAP2.length + SNAP3.length);

    for (String table : List.of(Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT)) {
      assertThat(contents(reverse, table)).as(table).isEqualTo(contents(w, table)).isNotEmpty();
      assertThat(contents(atOnce, table)).as(table).isEqualTo(contents(w, table));
    }
  }

  @Test
  @Order(3)
  void withoutRecordCountsInTheLogTheIncrementsGiveTheSameTablesAndCounts(@TempDir Path dir) {
    // Delta statistics off: no file records its rows, so every answer classify takes from the commit
    // log (the plan's dates and rows, the reads at a version, replaceRows' files) falls back to Spark.
    Warehouse noCounts = warehouse(dir);
    List<ClassifyResult> runs = SparkSessions.withSqlConf(SharedSpark.spark(), "spark.databricks.delta.stats.collect", "false", () -> {
      BronzeFixture bronze = new BronzeFixture(noCounts);
      List<ClassifyResult> results = new java.util.ArrayList<>();
      for (Map.Entry<String, Firm[]> snapshot : List.of(Map.entry(S1, SNAP1), Map.entry(S2, SNAP2), Map.entry(S3, SNAP3))) {
        bronze.snapshot(snapshot.getKey(), snapshot.getValue());
        results.add(classify(noCounts));
      }
      return results;
    });
    assertThat(noCounts.rowsByPartition(Tables.REGISTRY_SNAPSHOT, noCounts.version(Tables.REGISTRY_SNAPSHOT), "snapshot_date"))
        .as("the log cannot answer").isEmpty();
    assertThat(runs).extracting(ClassifyResult::mode).containsExactly("full", "incremental", "incremental");
    assertThat(runs).extracting(ClassifyResult::rowsRead).containsExactly((long) SNAP1.length, (long) SNAP2.length, (long) SNAP3.length);
    assertThat(runs.get(2).unknownRows()).as("H's missing status in S3").isEqualTo(1);
    for (String table : List.of(Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT)) {
      assertThat(contents(noCounts, table)).as(table).isEqualTo(contents(w, table)).isNotEmpty();
    }
  }

  @Test
  @Order(4)
  void incrementalEqualsFullRecomputeAndRerunIsIdempotent() {
    Map<String, List<String>> incremental =
        Map.of(Tables.FIRM, contents(w, Tables.FIRM), Tables.STATUS_HISTORY, contents(w, Tables.STATUS_HISTORY),
            Tables.STATUS_EVENT, contents(w, Tables.STATUS_EVENT));

    long firmVersion = w.version(Tables.FIRM);
    long eventVersion = w.version(Tables.STATUS_EVENT);
    ClassifyResult rerun = classify(w);
    assertThat(rerun.mode()).isEqualTo("unchanged");
    assertThat(w.version(Tables.FIRM)).isEqualTo(firmVersion);
    assertThat(w.version(Tables.STATUS_EVENT)).isEqualTo(eventVersion);

    ClassifyResult full = pipeline(w, DEFAULTS).classify(true);
    assertThat(full.mode()).isEqualTo("full");
    incremental.forEach((table, rows) -> assertThat(contents(w, table)).as(table).isEqualTo(rows));
    assertThat(full.firms()).isEqualTo(9);
    assertThat(full.exits()).isEqualTo(5);

    // Unknown strings are counted and listed in the run log, never forced into a category.
    assertThat(full.unknownRows()).isEqualTo(2);
    assertThat(full.unknownStatuses()).containsExactly(Map.entry("(none)", 1L), Map.entry("神秘状态", 1L));
    String message =
        w.read(Tables.JOB_RUN).where(org.apache.spark.sql.functions.col("run_id").equalTo(full.runId()))
            .select("message").head().getString(0);
    assertThat(message).contains("神秘状态 (1)").contains("unknown status rows 2");
  }

  @Test
  @Order(5)
  void changedExitDefinitionRecomputes() {
    ClassifySettings cancelledOnly = new ClassifySettings(List.of("CANCELLED"), "midpoint", null, 10);
    ClassifyResult narrow = pipeline(w, cancelledOnly).classify(false);
    assertThat(narrow.mode()).isEqualTo("full");
    assertThat(narrow.reason()).contains("exit definition");
    assertThat((boolean) firm(w, "B").getAs("is_exited")).isFalse();
    assertThat(firm(w, "I").<String>getAs("exit_cause")).isEqualTo("CANCELLED");
    assertThat(firm(w, "I").<Date>getAs("exit_date")).isEqualTo(Date.valueOf("2024-03-20"));
    assertThat(narrow.exits()).isEqualTo(2);
  }

  @Test
  @Order(6)
  void silverMadeBeforeUsccValidIsRebuiltAndFirmsOfAnInvalidUsccAreCounted(@TempDir Path dir) {
    Warehouse b = warehouse(dir);
    BronzeFixture bronze = new BronzeFixture(b);
    bronze.snapshot(S1, Firm.of(VALID_USCC, "存续", "2015-03-01"), Firm.of(MISTYPED_USCC, "存续", "2016-03-01"),
        Firm.of(REGISTRATION_NUMBER, "存续", "2010-03-01"));
    b.delta(Tables.REGISTRY_SNAPSHOT).updateExpr("uscc <> '" + VALID_USCC + "'", Map.of("uscc_valid", "false"));
    ClassifyResult first = classify(b);
    assertThat(first.firms()).isEqualTo(3);
    assertThat(first.firmsInvalidUscc()).isEqualTo(1);
    assertThat(first.firmsRegistrationNumber()).isEqualTo(1);
    assertThat(ClassifyJob.summary(first)).contains("firms known only by an invalid USCC 1", "pre-2015 registration number 1");
    assertThat((boolean) firm(b, MISTYPED_USCC).getAs("uscc_valid")).isFalse();
    assertThat((boolean) firm(b, VALID_USCC).getAs("uscc_valid")).isTrue();

    // silver.firm as an earlier regsurv left it: the same rows, no uscc_valid column.
    b.read(Tables.FIRM).drop("uscc_valid").write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .save(b.location(Tables.FIRM));
    assertThat(b.missingColumns(Tables.FIRM)).containsExactly("uscc_valid");
    RunConfig d = RunConfig.defaults();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pipeline.on(b, d).survival(LocalDate.parse(S1), false))
        .isInstanceOf(io.regsurv.core.BadInputException.class).hasMessageContaining("no column uscc_valid");

    ClassifyResult upgraded = classify(b);
    assertThat(upgraded.mode()).isEqualTo("full");
    assertThat(upgraded.reason()).contains("uscc_valid");
    assertThat(b.missingColumns(Tables.FIRM)).isEmpty();
    org.apache.spark.sql.types.StructField field = b.read(Tables.FIRM).schema().apply("uscc_valid");
    assertThat(field.nullable()).isFalse();
    assertThat(field.getComment().isDefined()).isTrue();
    assertThat(firm(b, MISTYPED_USCC).<Boolean>getAs("uscc_valid")).isFalse();
    assertThat(upgraded.firmsInvalidUscc()).isEqualTo(1);
    // The table's CHECK constraints survive the rebuild.
    Map<String, String> props = b.delta(Tables.FIRM).detail().select("properties").head().getJavaMap(0);
    assertThat(props).containsKeys("delta.constraints.exit_has_date", "delta.constraints.vanished_after_first_sight")
        .containsEntry("delta.enableDeletionVectors", "true");
  }

  @Test
  @Order(7)
  void incrementWritesOnlyTheFirmsThatChangedAndAnUnchangedSnapshotAddsNoFirmFile(@TempDir Path dir) throws Exception {
    Warehouse m = warehouse(dir);
    BronzeFixture bronze = new BronzeFixture(m);
    int n = 20;
    List<Firm> listed = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      listed.add(Firm.of(String.format("F%02d", i), "存续", "2015-01-01"));
    }
    bronze.snapshot("2024-04-30", listed.toArray(Firm[]::new));
    assertThat(classify(m).mode()).isEqualTo("full");

    // k = 3: F01 is cancelled, F02 vanishes, F20 appears; the 17 others are merely listed again.
    List<Firm> next = new java.util.ArrayList<>(listed);
    next.set(1, Firm.of("F01", "注销", "2015-01-01").cancelled("2024-05-10"));
    next.remove(2);
    next.add(Firm.of("F20", "存续", "2016-01-01"));
    bronze.snapshot("2024-05-31", next.toArray(Firm[]::new));
    assertThat(classify(m).mode()).isEqualTo("incremental");
    Map<String, String> merge = lastCommitMetrics(m, "MERGE");
    assertThat(merge).containsEntry("numTargetRowsUpdated", "2").containsEntry("numTargetRowsInserted", "1")
        .containsEntry("numTargetRowsDeleted", "0").containsEntry("numTargetRowsCopied", "0").containsEntry("numOutputRows", "3");

    // The same listing again: nothing changed, so silver.firm gets no commit and no byte on disk.
    Path firmDir = Path.of(java.net.URI.create(m.location(Tables.FIRM)));
    long bytesBefore = parquetBytes(firmDir);
    long versionBefore = m.version(Tables.FIRM);
    bronze.snapshot("2024-06-30", next.toArray(Firm[]::new));
    assertThat(classify(m).mode()).isEqualTo("incremental");
    assertThat(m.version(Tables.FIRM)).isEqualTo(versionBefore);
    assertThat(parquetBytes(firmDir)).isEqualTo(bytesBefore);

    // Readers still see each firm's last sighting: the latest snapshot, or the one before it vanished.
    assertThat(firm(m, "F00").<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf("2024-06-30"));
    assertThat(firm(m, "F02").<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf("2024-04-30"));
    assertThat(firm(m, "F01").<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf("2024-06-30"));
    // ... and SQL users the same rows through the view.
    assertThat(SharedSpark.spark().sql("SELECT uscc, last_seen_snapshot FROM " + SilverFirm.VIEW + " WHERE uscc IN ('F00', 'F02') ORDER BY uscc")
        .collectAsList().toString()).isEqualTo("[[F00,2024-06-30], [F02,2024-04-30]]");

    // The first listing again: F02 reappears, F01 is reinstated, F20 vanishes; three rows rewritten.
    bronze.snapshot("2024-07-31", listed.toArray(Firm[]::new));
    assertThat(classify(m).mode()).isEqualTo("incremental");
    assertThat(lastCommitMetrics(m, "MERGE")).containsEntry("numTargetRowsUpdated", "3").containsEntry("numTargetRowsInserted", "0")
        .containsEntry("numTargetRowsCopied", "0");
    assertThat(firm(m, "F02").<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf("2024-07-31"));
    assertThat(firm(m, "F20").<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf("2024-06-30"));
  }

  @Test
  @Order(8)
  void theViewOfAFirstClassifyDerivesLastSightingsFromTheWatermark(@TempDir Path dir) {
    Warehouse m = warehouse(dir);
    BronzeFixture bronze = new BronzeFixture(m);
    bronze.snapshot("2024-01-31", Firm.of("F00", "存续", "2015-01-01"), Firm.of("F01", "存续", "2015-01-01"));
    // No firm is new in the latest snapshot and F01 vanishes: the rows alone record no sighting in
    // it, only the watermark does.
    bronze.snapshot("2024-02-29", Firm.of("F00", "存续", "2015-01-01"));
    assertThat(classify(m).mode()).isEqualTo("full");
    assertThat(SharedSpark.spark().sql("SELECT uscc, last_seen_snapshot FROM " + SilverFirm.VIEW + " ORDER BY uscc")
        .collectAsList().toString()).isEqualTo("[[F00,2024-02-29], [F01,2024-01-31]]");
  }

  /** operationMetrics of silver.firm's latest commit, which must be {@code operation}. */
  private static Map<String, String> lastCommitMetrics(Warehouse w, String operation) {
    Row last = w.delta(Tables.FIRM).history(1).select("operation", "operationMetrics").head();
    assertThat(last.getString(0)).isEqualTo(operation);
    return last.isNullAt(1) ? Map.of() : last.getJavaMap(1);
  }

  private static long parquetBytes(Path table) throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(table)) {
      return files.filter(f -> f.toString().endsWith(".parquet") || f.toString().endsWith(".bin"))
          .mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @AfterAll
  void restoreShufflePartitions() {
    SharedSpark.spark().conf().set("spark.sql.shuffle.partitions", shufflePartitions);
  }

  /** The pipeline on {@code w} with the given classify settings and every other setting at its default. */
  private static Pipeline pipeline(Warehouse w, ClassifySettings settings) {
    RunConfig d = RunConfig.defaults();
    return Pipeline.on(w, new RunConfig(w.root(), d.ingest(), settings, d.survival(), d.privacy()));
  }

  @Test
  void aSnapshotThatChangesNoFirmWritesNothingToSilver(@TempDir Path dir) {
    Warehouse w = warehouse(dir);
    BronzeFixture bronze = new BronzeFixture(w);
    bronze.snapshot(S1, Firm.of("A", "存续", "2015-03-01"), Firm.of("B", "吊销", "2016-01-01"));
    classify(w);
    Map<String, Long> before = Map.of(Tables.FIRM, w.version(Tables.FIRM), Tables.STATUS_HISTORY, w.version(Tables.STATUS_HISTORY),
        Tables.STATUS_EVENT, w.version(Tables.STATUS_EVENT));
    bronze.snapshot(S2, Firm.of("A", "存续", "2015-03-01"), Firm.of("B", "吊销", "2016-01-01"));
    assertThat(classify(w).mode()).isEqualTo("incremental");
    before.forEach((table, version) -> assertThat(w.version(table)).as(table).isEqualTo(version));
    assertThat(firm(w, "A").<Date>getAs("last_seen_snapshot")).as("derived from the watermark").isEqualTo(Date.valueOf(S2));
  }
}
