package io.regsurv.survival;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static io.regsurv.SilverFixtures.firm;
import static io.regsurv.SilverFixtures.firmsAsRead;
import static io.regsurv.SilverFixtures.MISTYPED_USCC;
import static io.regsurv.SilverFixtures.REGISTRATION_NUMBER;
import static io.regsurv.SilverFixtures.VALID_USCC;

import io.regsurv.core.BadInputException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SurvivalSubjectsTest {
  static final LocalDate AS_OF = LocalDate.of(2024, 7, 31);

  @Test
  void exitedFirmHasEventAtItsExitDateAndAliveFirmIsCensoredAtLastObservation() {
    Dataset<Row> s =
        SurvivalSubjects.fromFirms(
            firmsAsRead(
                firm("A", "2023-01-01", "CANCELLED", "2023-01-31", "CANCELLED", "2023-01-31", "2024-07-31", "广东"),
                firm("B", "2023-01-01", "ACTIVE", null, null, "2023-01-31", "2024-07-31", "广东"),
                firm("C", "2023-01-01", "ACTIVE", null, null, "2023-01-31", "2024-03-31", "广东"), // vanished
                firm("D", "2023-01-01", "REVOKED", "2024-08-15", "REVOKED", "2023-01-31", "2024-08-31", "广东")), // exit after as-of
            AS_OF,
            false);
    List<Row> rows = s.orderBy("uscc").select("uscc", "time_days", "event", "cause", "entry_days").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0) + ":" + r.getDouble(1) + ":" + r.getInt(2) + ":" + r.getString(3) + ":" + r.getDouble(4))
        .containsExactly(
            "A:30.0:1:cancellation:0.0",
            "B:577.0:0:null:0.0",
            "C:455.0:0:null:0.0",
            "D:577.0:0:null:0.0");
  }

  @Test
  void unknownStatusAndFutureFirmsAreLeftOut() {
    Dataset<Row> s =
        SurvivalSubjects.fromFirms(
            firmsAsRead(
                firm("A", "2023-01-01", "UNKNOWN", null, null, "2023-01-31", "2024-07-31", null),
                firm("B", "2024-08-01", "ACTIVE", null, null, "2024-08-31", "2024-08-31", null),
                firm("C", "2023-01-01", "ACTIVE", null, null, "2023-01-31", "2024-07-31", null)),
            AS_OF,
            false);
    assertThat(s.select("uscc").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("C");
  }

  @Test
  void firmKnownOnlyByAnInvalidUsccIsNotASubjectAndItsValidTwinIsUnaffected() {
    // The dirty row of one dump: the twin's code with a wrong check character, seen once.
    Row twin = firm(VALID_USCC, "2023-01-01", "ACTIVE", null, null, "2023-01-31", "2024-07-31", "广东");
    Row mistyped = firm(MISTYPED_USCC, false, "2023-01-01", "ACTIVE", null, null, "2024-03-31", "2024-03-31", "广东", true);
    Dataset<Row> with = SurvivalSubjects.fromFirms(firmsAsRead(twin, mistyped), AS_OF, false);
    Dataset<Row> without = SurvivalSubjects.fromFirms(firmsAsRead(twin), AS_OF, false);
    assertThat(with.select("uscc").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly(VALID_USCC);
    assertThat(with.collectAsList()).isEqualTo(without.collectAsList());
  }

  @Test
  void firmKeyedByARegistrationNumberIsASubjectThoughItsUsccFlagIsDown() {
    Dataset<Row> s =
        SurvivalSubjects.fromFirms(
            firmsAsRead(firm(REGISTRATION_NUMBER, false, "2010-01-01", "CANCELLED", "2014-06-30", "CANCELLED", "2019-12-31", "2024-07-31", null, true)),
            AS_OF, false);
    assertThat(s.select("uscc", "event").collectAsList()).extracting(r -> r.getString(0) + ":" + r.getInt(1))
        .containsExactly(REGISTRATION_NUMBER + ":1");
  }

  @Test
  void delayedEntryUsesTheAgeAtFirstObservation() {
    Dataset<Row> s =
        SurvivalSubjects.fromFirms(
            firmsAsRead(firm("A", "2020-01-01", "ACTIVE", null, null, "2023-01-31", "2024-07-31", null)), AS_OF, true);
    Row r = s.select("entry_days", "time_days").head();
    assertThat(r.getDouble(0)).isEqualTo((double) ChronoUnit.DAYS.between(LocalDate.of(2020, 1, 1), LocalDate.of(2023, 1, 31)));
    assertThat(r.getDouble(1)).isEqualTo((double) ChronoUnit.DAYS.between(LocalDate.of(2020, 1, 1), AS_OF));
  }

  @Test
  void causesAreGroupedForCompetingRisks() {
    Dataset<Row> s =
        SurvivalSubjects.fromFirms(
            firmsAsRead(
                firm("A", "2023-01-01", "REVOKED_CANCELLED", "2023-06-01", "REVOKED_CANCELLED", "2023-01-31", "2024-07-31", null),
                firm("B", "2023-01-01", "SUSPENDED", "2023-06-01", "SUSPENDED", "2023-01-31", "2024-07-31", null),
                firm("C", "2023-01-01", "LIQUIDATING", "2023-06-01", "LIQUIDATING", "2023-01-31", "2024-07-31", null)),
            AS_OF,
            false);
    assertThat(s.orderBy("uscc").select("cause").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("revocation", "suspension", "other");
  }

  @Test
  void everyFirmCountsOnceInEachDimension() {
    Dataset<Row> subjects =
        SurvivalSubjects.fromFirms(
            firmsAsRead(
                firm("A", "2022-11-29", "ACTIVE", null, null, "2023-01-31", "2024-07-31", "广东"),
                firm("B", "2023-05-10", "ACTIVE", null, null, "2023-05-31", "2024-07-31", null)),
            AS_OF,
            false);
    LocalDate era = LocalDate.of(2022, 11, 30);
    Dataset<Row> c = io.regsurv.stats.Subjects.aggregated(CohortCells.of(subjects, SurvivalSubjects.DIMENSIONS, era, null));
    assertThat(c.agg(org.apache.spark.sql.functions.sum("weight")).head().getLong(0)).isEqualTo(2L * SurvivalSubjects.DIMENSIONS.size());
    // B is the only firm of 2023: its cohorts are the groups whose time is B's duration.
    List<String> b =
        CohortCells.of(subjects.filter(col("uscc").equalTo("B")), SurvivalSubjects.DIMENSIONS, era, null).orderBy("group")
            .selectExpr("replace(group, '\u001F', '=')").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(b).containsExactly(
        "all=all", "capital_band=10-100", "entity_type=unknown", "era=since_2022-11-30",
        "establishment_quarter=2023Q2", "establishment_year=2023", "is_ai_related=true", "province=unknown");
    assertThat(c.filter(col("group").equalTo("era" + SurvivalJob.SEP + "before_2022-11-30")).select("weight").head().getLong(0))
        .isEqualTo(1L);
  }

  @Test
  void unknownDimensionIsBadInput() {
    Dataset<Row> subjects = firmsAsRead(firm("A", "2023-01-01", "ACTIVE", null, null, "2023-01-31", "2024-07-31", null));
    assertThatThrownBy(() -> CohortCells.of(subjects, List.of("colour"), LocalDate.of(2022, 11, 30), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("Unknown cohort dimension 'colour'");
  }

  @Test
  void coxSubjectsAreTheAiRelatedFirmsAtRiskOnANonEmptyInterval() {
    Dataset<Row> rows = io.regsurv.SharedSpark.spark().sql(
        "SELECT * FROM VALUES ('A', true, 0.0, 10.0), ('B', false, 0.0, 10.0), ('C', true, 10.0, 10.0), ('D', CAST(NULL AS BOOLEAN), 0.0, 10.0),"
            + " ('E', true, CAST(NULL AS DOUBLE), 10.0) AS t(uscc, is_ai_related, entry_days, time_days)");
    java.util.function.BiFunction<Boolean, Boolean, List<String>> subjects = (aiOnly, delayed) ->
        rows.filter(SurvivalSubjects.isCoxSubject(aiOnly, delayed)).orderBy("uscc").select("uscc")
            .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(subjects.apply(false, false)).containsExactly("A", "B", "C", "D", "E");
    assertThat(subjects.apply(true, false)).containsExactly("A", "C", "E");
    assertThat(subjects.apply(false, true)).containsExactly("A", "B", "D");
    assertThat(subjects.apply(true, true)).containsExactly("A");
  }
}
