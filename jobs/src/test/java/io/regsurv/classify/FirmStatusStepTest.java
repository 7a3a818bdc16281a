package io.regsurv.classify;

import static io.regsurv.core.CanonicalStatus.ACTIVE;
import static io.regsurv.core.CanonicalStatus.CANCELLED;
import static io.regsurv.core.CanonicalStatus.DORMANT;
import static io.regsurv.core.CanonicalStatus.MOVED_OUT;
import static io.regsurv.core.CanonicalStatus.REVOKED;
import static io.regsurv.core.CanonicalStatus.SUSPENDED;
import static io.regsurv.SilverFixtures.MISTYPED_USCC;
import static io.regsurv.SilverFixtures.REGISTRATION_NUMBER;
import static io.regsurv.SilverFixtures.VALID_USCC;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.ClassifySettings;
import io.regsurv.config.RunConfig;
import io.regsurv.core.CanonicalStatus;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * One fold step on a handful of in-memory rows (no Delta): a state of silver.firm as of the
 * previous snapshot P = 2024-01-31 and the classified snapshot S = 2024-02-29. With the default
 * midpoint imputation a date known only to lie in (P, S] is 2024-02-15.
 */
class FirmStatusStepTest {
  static final LocalDate P = LocalDate.of(2024, 1, 31);
  static final LocalDate S = LocalDate.of(2024, 2, 29);
  static final String ESTABLISHED = "2020-01-01";
  static final ClassifySettings SETTINGS = RunConfig.defaults().classify();

  // Every column nullable: the helpers fill only what a test needs.
  static final StructType STATE = nullable(io.regsurv.io.SilverFirm.schema());
  static final StructType SNAPSHOT = nullable(Tables.get(Tables.REGISTRY_SNAPSHOT).schema()).add("status", DataTypes.StringType);

  // ---- fold(): one test per behaviour

  @Test
  void onlyFirmsThatChangedAppearedVanishedOrReappearedAreWrittenAndAsStored() {
    Map<String, Object> gap = with(known("BACK", ACTIVE), "last_seen_snapshot", d("2023-12-31"));
    Map<String, Object> longGone = with(known("GONE", ACTIVE), "last_seen_snapshot", d("2023-12-31"));
    FirmStatusStep.Result r =
        fold(state(known("SAME", ACTIVE), known("CHANGED", ACTIVE), known("VANISHES", ACTIVE), known("RENAMED", ACTIVE), gap, longGone),
            snapshot(seen("SAME", ACTIVE), seen("CHANGED", DORMANT), seen("RENAMED", ACTIVE, "name", "new name"), seen("BACK", ACTIVE),
                seen("NEW", ACTIVE)),
            P);
    Map<String, String> written =
        r.firmChanges().collectAsList().stream()
            .collect(Collectors.toMap(f -> f.getAs("uscc"), f -> f.getAs("current_status") + " " + f.getAs("vanished_after_snapshot")));
    assertThat(written).containsOnly(
        Map.entry("CHANGED", "DORMANT null"), Map.entry("RENAMED", "ACTIVE null"), Map.entry("BACK", "ACTIVE null"),
        Map.entry("NEW", "ACTIVE null"), Map.entry("VANISHES", "ACTIVE " + P));
    assertThat(r.firmChanges().columns()).containsExactly(Tables.get(Tables.FIRM).columnNames().toArray(String[]::new));
    assertThat(r.firms().count()).isEqualTo(7);
  }

  @Test
  void newFirmOpensAPeriodFromItsEstablishmentAndHasNoEvent() {
    FirmStatusStep.Result r = fold(state(), snapshot(seen("A", ACTIVE)), null);
    Row firm = r.firms().head();
    assertThat(firm.<String>getAs("current_status")).isEqualTo("ACTIVE");
    assertThat(firm.<Date>getAs("status_since_date")).isEqualTo(d(ESTABLISHED));
    assertThat(firm.<Date>getAs("first_seen_snapshot")).isEqualTo(Date.valueOf(S));
    assertThat(firm.<Boolean>getAs("is_exited")).isFalse();
    assertThat(firm.<Integer>getAs("entry_age_days")).isEqualTo(1520); // 2020-01-01 .. 2024-02-29
    assertThat(history(r.historyChanges())).containsExactly("open A ACTIVE 2020-01-01..null");
    assertThat(events(r.events())).isEmpty();
  }

  @Test
  void newFirmAlreadyCancelledExitsOnItsCancellationDate() {
    FirmStatusStep.Result r = fold(state(), snapshot(seen("A", CANCELLED, "cancellation_date", d("2023-05-01"))), P);
    assertThat(events(r.events())).containsExactly("A exit null->CANCELLED 2023-05-01 status_date [null..null]");
    Row firm = r.firms().head();
    assertThat(firm.<Boolean>getAs("is_exited")).isTrue();
    assertThat(firm.<Date>getAs("exit_date")).isEqualTo(d("2023-05-01"));
    assertThat(firm.<String>getAs("exit_cause")).isEqualTo("CANCELLED");
  }

  @Test
  void statusChangeGivesAnEventAndClosesTheOldPeriodAndOpensTheNew() {
    FirmStatusStep.Result r = fold(state(known("A", ACTIVE)), snapshot(seen("A", DORMANT)), P);
    assertThat(events(r.events())).containsExactly("A dormancy ACTIVE->DORMANT 2024-02-15 interval [2024-02-01..2024-02-29]");
    assertThat(history(r.historyChanges()))
        .containsExactlyInAnyOrder("close A ACTIVE null..2024-02-15", "open A DORMANT 2024-02-15..null");
    assertThat(r.firms().head().<Date>getAs("status_since_date")).isEqualTo(d("2024-02-15"));
  }

  @Test
  void unchangedFirmGetsNoEventAndNoHistoryChange() {
    FirmStatusStep.Result r = fold(state(known("A", ACTIVE)), snapshot(seen("A", ACTIVE)), P);
    assertThat(events(r.events())).isEmpty();
    assertThat(history(r.historyChanges())).isEmpty();
    Row firm = r.firms().head();
    assertThat(firm.<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf(S));
    assertThat(firm.<Date>getAs("status_since_date")).isEqualTo(d(ESTABLISHED));
  }

  @Test
  void reinstatedFirmGetsAReinstatementEventAndKeepsItsFirstExit() {
    Map<String, Object> suspended = exited(known("A", SUSPENDED), "2023-06-01");
    FirmStatusStep.Result r = fold(state(suspended), snapshot(seen("A", ACTIVE, "status_date", d("2024-02-10"))), P);
    assertThat(events(r.events())).containsExactly("A reinstatement SUSPENDED->ACTIVE 2024-02-10 status_date [null..null]");
    Row firm = r.firms().head();
    assertThat(firm.<String>getAs("current_status")).isEqualTo("ACTIVE");
    assertThat(firm.<Boolean>getAs("is_exited")).isTrue();
    assertThat(firm.<Date>getAs("exit_date")).isEqualTo(d("2023-06-01"));
  }

  @Test
  void movingOutAndBackInAreMovesNotExits() {
    FirmStatusStep.Result r =
        fold(state(known("OUT", ACTIVE), known("IN", MOVED_OUT)), snapshot(seen("OUT", MOVED_OUT), seen("IN", ACTIVE)), P);
    assertThat(events(r.events()))
        .containsExactlyInAnyOrder(
            "IN move_in MOVED_OUT->ACTIVE 2024-02-15 interval [2024-02-01..2024-02-29]",
            "OUT move_out ACTIVE->MOVED_OUT 2024-02-15 interval [2024-02-01..2024-02-29]");
    assertThat(r.firms().where(col("is_exited")).count()).isZero();
  }

  @Test
  void firmMissingFromTheSnapshotVanishesOnceAndKeepsItsRow() {
    Map<String, Object> longGone = with(known("GONE", ACTIVE), "last_seen_snapshot", d("2023-12-31"));
    FirmStatusStep.Result r = fold(state(known("A", ACTIVE), longGone), snapshot(seen("B", ACTIVE)), P);
    // GONE already missed the previous dump: its vanishing was recorded then.
    assertThat(events(r.events())).containsExactly("A vanish ACTIVE->VANISHED 2024-02-15 interval [2024-02-01..2024-02-29]");
    Row a = r.firms().where(col("uscc").equalTo("A")).head();
    assertThat(a.<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf(P));
    assertThat(a.<String>getAs("current_status")).isEqualTo("ACTIVE");
    assertThat(history(r.historyChanges())).containsExactly("open B ACTIVE 2020-01-01..null");
  }

  @Test
  void firmBackAfterAGapReappears() {
    Map<String, Object> gap = with(known("A", ACTIVE), "last_seen_snapshot", d("2023-12-31"));
    FirmStatusStep.Result r = fold(state(gap), snapshot(seen("A", ACTIVE)), P);
    assertThat(events(r.events())).containsExactly("A reappear VANISHED->ACTIVE 2024-02-15 interval [2024-02-01..2024-02-29]");
    assertThat(r.firms().head().<Date>getAs("last_seen_snapshot")).isEqualTo(Date.valueOf(S));
  }

  @Test
  void firstExitIsTheExitAndALaterClosingStatusIsAClosure() {
    Map<String, Object> revoked = exited(known("A", REVOKED), "2023-06-01");
    FirmStatusStep.Result r =
        fold(
            state(revoked, known("B", ACTIVE)),
            snapshot(
                seen("A", CANCELLED, "cancellation_date", d("2024-02-10")),
                seen("B", REVOKED, "revocation_date", d("2024-02-05"))),
            P);
    assertThat(events(r.events()))
        .containsExactlyInAnyOrder(
            "A closure REVOKED->CANCELLED 2024-02-10 status_date [null..null]",
            "B exit ACTIVE->REVOKED 2024-02-05 status_date [null..null]");
    Map<String, String> exits =
        r.firms().collectAsList().stream()
            .collect(Collectors.toMap(f -> f.getAs("uscc"), f -> f.getAs("exit_cause") + " " + f.getAs("exit_date")));
    assertThat(exits).containsEntry("A", "REVOKED 2023-06-01").containsEntry("B", "REVOKED 2024-02-05");
  }

  @Test
  void firmKnownOnlyByAnInvalidUsccIsAFirmOfItsOwnWithItsFlagDownAndItsTwinIsUnaffected() {
    // The twin's row of this dump carries a mistyped check character: two firms, never merged.
    FirmStatusStep.Result r =
        fold(state(known(VALID_USCC, ACTIVE)), snapshot(seen(MISTYPED_USCC, ACTIVE, "uscc_valid", false)), P);
    Map<String, String> firms =
        r.firms().collectAsList().stream()
            .collect(Collectors.toMap(f -> f.getAs("uscc"), f -> f.getAs("uscc_valid") + " " + f.getAs("last_seen_snapshot")));
    assertThat(firms).containsOnly(Map.entry(VALID_USCC, "true " + P), Map.entry(MISTYPED_USCC, "false " + S));
    assertThat(events(r.events())).containsExactly(VALID_USCC + " vanish ACTIVE->VANISHED 2024-02-15 interval [2024-02-01..2024-02-29]");
    assertThat(history(r.historyChanges())).containsExactly("open " + MISTYPED_USCC + " ACTIVE 2020-01-01..null");
  }

  @Test
  void usccFlagIsTakenFromTheSnapshotAndKeptWhileTheFirmIsMissing() {
    Map<String, Object> mistyped = with(known(MISTYPED_USCC, ACTIVE), "uscc_valid", false);
    FirmStatusStep.Result r =
        fold(state(mistyped, known("A", ACTIVE)), snapshot(seen("A", ACTIVE), seen(REGISTRATION_NUMBER, ACTIVE, "uscc_valid", false)), P);
    Map<String, Boolean> valid =
        r.firms().collectAsList().stream().collect(Collectors.toMap(f -> f.getAs("uscc"), f -> f.getAs("uscc_valid")));
    assertThat(valid).containsOnly(Map.entry("A", true), Map.entry(MISTYPED_USCC, false), Map.entry(REGISTRATION_NUMBER, false));
  }

  // ---- the pieces

  @Test
  void mayChangeKeepsExactlyTheFirmsWhoseRowChanges() {
    Map<String, Object> gap = with(known("BACK", ACTIVE), "last_seen_snapshot", d("2023-12-31"));
    Map<String, Object> longGone = with(known("GONE", ACTIVE), "last_seen_snapshot", d("2023-12-31"));
    Dataset<Row> joined =
        FirmStatusStep.join(
            state(known("SAME", ACTIVE), known("CHANGED", ACTIVE), known("VANISHES", ACTIVE), known("RENAMED", ACTIVE),
                known("RAW", ACTIVE), known("CAPITAL", ACTIVE), known("OLDER", ACTIVE), gap, longGone),
            snapshot(seen("SAME", ACTIVE), seen("CHANGED", DORMANT), seen("RENAMED", ACTIVE, "name", "new name"),
                seen("RAW", ACTIVE, "status_raw", "开业"), seen("CAPITAL", ACTIVE, "registered_capital_amount", new java.math.BigDecimal("12.5")),
                seen("OLDER", ACTIVE, "established_date", d("2019-06-01")), seen("BACK", ACTIVE), seen("NEW", ACTIVE)));
    List<String> changed =
        FirmStatusStep.withFirmRow(FirmStatusStep.transitions(joined, S, P, SETTINGS), S, 7L).where(col("firm_changed"))
            .select(org.apache.spark.sql.functions.coalesce(col("o.uscc"), col("f.uscc"))).collectAsList().stream()
            .map(r -> r.getString(0)).toList();
    List<String> kept =
        FirmStatusStep.mayChange(joined, P).select(org.apache.spark.sql.functions.coalesce(col("o.uscc"), col("f.uscc")))
            .collectAsList().stream().map(r -> r.getString(0)).toList();
    assertThat(changed).containsExactlyInAnyOrder("CHANGED", "VANISHES", "RENAMED", "RAW", "CAPITAL", "OLDER", "BACK", "NEW");
    assertThat(kept).containsExactlyInAnyOrderElementsOf(changed);
  }

  @Test
  void joinKeepsFirmsFromEitherSide() {
    Dataset<Row> j = FirmStatusStep.join(state(known("A", ACTIVE), known("B", ACTIVE)), snapshot(seen("B", ACTIVE), seen("C", ACTIVE)));
    List<String> pairs = j.select(col("f.uscc"), col("o.uscc")).collectAsList().stream().map(x -> x.get(0) + "/" + x.get(1)).toList();
    assertThat(pairs).containsExactlyInAnyOrder("A/null", "B/B", "null/C");
  }

  @Test
  void dumpDateOutsideEstablishmentToSnapshotFallsBackToTheInterval() {
    Dataset<Row> t =
        FirmStatusStep.transitions(
            FirmStatusStep.join(
                state(known("LATE", ACTIVE), known("EARLY", ACTIVE), known("OK", ACTIVE)),
                snapshot(
                    seen("LATE", DORMANT, "status_date", d("2024-03-05")),
                    seen("EARLY", DORMANT, "status_date", d("2019-12-31")),
                    seen("OK", DORMANT, "status_date", d("2024-02-20")))),
            S, P, SETTINGS);
    Map<String, String> dates =
        t.select("o.uscc", "event_date", "event_date_source").collectAsList().stream()
            .collect(Collectors.toMap(x -> x.getString(0), x -> x.get(1) + " " + x.get(2)));
    assertThat(dates)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("LATE", "2024-02-15 interval", "EARLY", "2024-02-15 interval", "OK", "2024-02-20 status_date"));
  }

  @Test
  void revokedAndCancelledIsDatedByTheRevocationUnlessTheRevocationWasAlreadySeen() {
    StructType schema =
        new StructType()
            .add("status", "string").add("prev", "string")
            .add("cancellation_date", "date").add("revocation_date", "date").add("status_date", "date");
    Dataset<Row> df =
        SharedSpark.spark().createDataFrame(
            List.of(
                RowFactory.create("REVOKED_CANCELLED", "ACTIVE", d("2024-02-20"), d("2024-02-10"), d("2024-02-25")),
                RowFactory.create("REVOKED_CANCELLED", "REVOKED", d("2024-02-20"), d("2024-02-10"), d("2024-02-25")),
                RowFactory.create("CANCELLED", "ACTIVE", null, d("2024-02-10"), d("2024-02-25")),
                RowFactory.create("DORMANT", "ACTIVE", d("2024-02-20"), d("2024-02-10"), null)),
            schema);
    List<Date> got =
        df.select(FirmStatusStep.dumpDate(col("status"), col("prev"), col("cancellation_date"), col("revocation_date"), col("status_date")))
            .collectAsList().stream().map(x -> x.getDate(0)).toList();
    assertThat(got).containsExactly(d("2024-02-10"), d("2024-02-20"), d("2024-02-25"), null);
  }

  @Test
  void transitionKindNamesEachChange() {
    StructType schema = new StructType().add("status", "string").add("prev", "string").add("first_exit", "boolean");
    List<Row> rows =
        List.of(
            RowFactory.create("CANCELLED", "ACTIVE", true),
            RowFactory.create("CANCELLED", "REVOKED", false),
            RowFactory.create("ACTIVE", "MOVED_OUT", false),
            RowFactory.create("ACTIVE", "LIQUIDATING", false),
            RowFactory.create("MOVED_OUT", "ACTIVE", false),
            RowFactory.create("SUSPENDED", "ACTIVE", false),
            RowFactory.create("DORMANT", "ACTIVE", false),
            RowFactory.create("LIQUIDATING", "ACTIVE", false),
            RowFactory.create("UNKNOWN", "ACTIVE", false));
    List<String> kinds =
        SharedSpark.spark().createDataFrame(rows, schema)
            .select(FirmStatusStep.transitionKind(col("status"), col("prev"), col("first_exit")))
            .collectAsList().stream().map(x -> x.getString(0)).toList();
    assertThat(kinds)
        .containsExactly("exit", "closure", "move_in", "reinstatement", "move_out", "suspension", "dormancy", "liquidation", "other");
  }

  @Test
  void historyChangesOfAChangedFirmCloseAtTheNewPeriodsStart() {
    // A dump date before the old status was last observed is clamped: periods never run backwards.
    Map<String, Object> since = with(known("A", ACTIVE), "status_since_date", d("2024-02-12"));
    Dataset<Row> t =
        FirmStatusStep.transitions(
            FirmStatusStep.join(state(since), snapshot(seen("A", DORMANT, "status_date", d("2024-02-01")))), S, P, SETTINGS);
    assertThat(history(FirmStatusStep.historyChanges(t, S)))
        .containsExactlyInAnyOrder("close A ACTIVE null..2024-02-12", "open A DORMANT 2024-02-12..null");
    assertThat(events(FirmStatusStep.events(t, S, P, SETTINGS.intervalImputation())))
        .containsExactly("A dormancy ACTIVE->DORMANT 2024-02-01 status_date [null..null]");
  }

  // ---- helpers

  private static FirmStatusStep.Result fold(Dataset<Row> state, Dataset<Row> snapshot, LocalDate previous) {
    return FirmStatusStep.fold(state, snapshot, S, previous, SETTINGS, 7L);
  }

  private static List<String> events(Dataset<Row> events) {
    return events.collectAsList().stream()
        .map(e -> e.getAs("uscc") + " " + e.getAs("transition_kind") + " " + e.getAs("from_status") + "->" + e.getAs("to_status")
            + " " + e.getAs("event_date") + " " + e.getAs("event_date_source")
            + " [" + e.getAs("event_date_lower") + ".." + e.getAs("event_date_upper") + "]")
        .toList();
  }

  private static List<String> history(Dataset<Row> changes) {
    return changes.collectAsList().stream()
        .map(h -> (h.getAs("merge_key") == null ? "open " : "close ") + h.getAs("uscc") + " " + h.getAs("status")
            + " " + h.getAs("valid_from") + ".." + h.getAs("valid_to"))
        .toList();
  }

  /** A firm of the state, in its status since establishment and listed in the previous snapshot. */
  private static Map<String, Object> known(String uscc, CanonicalStatus status) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("uscc", uscc);
    f.put("uscc_valid", true);
    f.put("established_date", d(ESTABLISHED));
    f.put("capital_band", "unknown");
    f.put("is_ai_related", true);
    f.put("current_status", status.name());
    f.put("current_status_raw", "raw " + status.name());
    f.put("status_since_date", d(ESTABLISHED));
    f.put("first_seen_snapshot", d("2023-01-31"));
    f.put("last_seen_snapshot", Date.valueOf(P));
    f.put("is_exited", false);
    f.put("entry_age_days", 1126);
    f.put("source_version", 1L);
    return f;
  }

  /** The firm as having first exited on {@code date} by entering its current status then. */
  private static Map<String, Object> exited(Map<String, Object> firm, String date) {
    Map<String, Object> f = with(firm, "is_exited", true);
    f.put("exit_date", d(date));
    f.put("exit_cause", f.get("current_status"));
    f.put("exit_date_source", "status_date");
    f.put("status_since_date", d(date));
    return f;
  }

  /** A row of the classified snapshot S, with optional (column, value) pairs. */
  private static Map<String, Object> seen(String uscc, CanonicalStatus status, Object... columnValues) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("snapshot_date", Date.valueOf(S));
    o.put("uscc", uscc);
    o.put("uscc_valid", true);
    o.put("status_raw", "raw " + status.name());
    o.put("status", status.name());
    o.put("established_date", d(ESTABLISHED));
    o.put("is_ai_related", true);
    for (int i = 0; i < columnValues.length; i += 2) {
      o.put((String) columnValues[i], columnValues[i + 1]);
    }
    return o;
  }

  private static Map<String, Object> with(Map<String, Object> row, String column, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(row);
    copy.put(column, value);
    return copy;
  }

  @SafeVarargs
  private static Dataset<Row> state(Map<String, Object>... firms) {
    return frame(STATE, firms);
  }

  @SafeVarargs
  private static Dataset<Row> snapshot(Map<String, Object>... rows) {
    return frame(SNAPSHOT, rows);
  }

  /** Rows of a schema from column → value maps; every other column NULL. */
  @SafeVarargs
  private static Dataset<Row> frame(StructType schema, Map<String, Object>... rows) {
    List<String> names = Arrays.asList(schema.fieldNames());
    List<Row> out =
        Arrays.stream(rows)
            .map(values -> {
              assertThat(names).as("columns of the test row").containsAll(values.keySet());
              return RowFactory.create(names.stream().map(values::get).toArray());
            })
            .toList();
    return SharedSpark.spark().createDataFrame(out, schema);
  }

  private static StructType nullable(StructType schema) {
    return new StructType(
        Arrays.stream(schema.fields())
            .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata()))
            .toArray(StructField[]::new));
  }

  private static Date d(String iso) {
    return Date.valueOf(iso);
  }
}
