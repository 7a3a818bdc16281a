package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.regsurv.SharedSpark;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The steps of {@link CumulativeIncidence} one by one, on frames of a few rows worked by hand from
 * the formulas of its class comment (the whole estimator is checked against R and the numerical
 * jackknife elsewhere).
 */
class CumulativeIncidenceStepsTest {
  private static final double TOL = 1e-12;
  private static final double START = RiskSets.START;

  /**
   * Four subjects from the start: exit 1 (cause a), 2 (cause b), 2 (censored), 3 (cause a).
   * n = 4, 3, 1 and h = 1/4, 1/3, 1 at t = 1, 2, 3; S(t−) = 1, 3/4, 1/2;
   * B steps h/(n(1 − h)) = 1/12, 1/6, and none at h = 1.
   */
  private static Dataset<Row> fourSubjects() {
    return SharedSpark.spark().createDataFrame(List.of(
        RowFactory.create("g", 0.0, 1.0, 1, "a"), RowFactory.create("g", 0.0, 2.0, 1, "b"),
        RowFactory.create("g", 0.0, 2.0, 0, null), RowFactory.create("g", 0.0, 3.0, 1, "a")), EdgeCaseTest.SCHEMA);
  }

  private static Dataset<Row> causes(String... causes) {
    return frame("cause STRING", Arrays.stream(causes).map(c -> new Object[] {c}).toArray(Object[][]::new));
  }

  private static Dataset<Row> frame(String ddl, Object[]... rows) {
    return SharedSpark.spark().createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), StructType.fromDDL(ddl));
  }

  private static void assertRow(Row row, String field, double expected) {
    assertThat(((Number) row.getAs(field)).doubleValue()).as("%s of %s", field, row).isCloseTo(expected, within(TOL));
  }

  @Test
  void timelineHoldsSurvivalJustBeforeEachTimeAndTheBSums() {
    List<Row> rows = CumulativeIncidence.timeline(RiskSets.table(fourSubjects(), null)).orderBy("time").collectAsList();
    assertThat(rows).extracting(r -> r.<Double>getAs("time")).containsExactly(START, 1.0, 2.0, 3.0);
    double[][] expected = { // n, h, s_before, b_before, b_at
        {0, 0, 1, 0, 0},
        {4, 1.0 / 4, 1, 0, 1.0 / 12},
        {3, 1.0 / 3, 3.0 / 4, 1.0 / 12, 1.0 / 4},
        // everyone left at 3 (h = 1): S(3−) = 3/4 · 2/3, and no B step
        {1, 1, 1.0 / 2, 1.0 / 4, 1.0 / 4}};
    for (int i = 0; i < rows.size(); i++) {
      assertRow(rows.get(i), "n_at_risk", expected[i][0]);
      assertRow(rows.get(i), "h", expected[i][1]);
      assertRow(rows.get(i), "s_before", expected[i][2]);
      assertRow(rows.get(i), "b_before", expected[i][3]);
      assertRow(rows.get(i), "b_at", expected[i][4]);
    }
  }

  @Test
  void incidenceSplitsEachDropOfSurvivalByCause() {
    Dataset<Row> subjects = fourSubjects();
    List<Row> rows = CumulativeIncidence.incidence(subjects, CumulativeIncidence.timeline(RiskSets.table(subjects, null)), causes("a", "b"))
        .filter(functions.col("time").notEqual(START)).orderBy("time", "cause").collectAsList();
    // F_k += S(t−)·d_k/n and P_k += S(t−)·(d_k/n)·(B_before − 1/n):
    // a: t1 F = 1/4, P = 1·1/4·(0 − 1/4) = −1/16; t3 F = 1/4 + 1/2·1 = 3/4, P = −1/16 + 1/2·1·(1/4 − 1) = −7/16.
    // b: t2 F = 3/4·1/3 = 1/4, P = 3/4·1/3·(1/12 − 1/3) = −1/16.
    double[][] expected = { // n_events, f, p for (t1 a), (t1 b), (t2 a), (t2 b), (t3 a), (t3 b)
        {1, 1.0 / 4, -1.0 / 16}, {0, 0, 0},
        {0, 1.0 / 4, -1.0 / 16}, {1, 1.0 / 4, -1.0 / 16},
        {1, 3.0 / 4, -7.0 / 16}, {0, 1.0 / 4, -1.0 / 16}};
    assertThat(rows).hasSize(6);
    for (int i = 0; i < rows.size(); i++) {
      assertRow(rows.get(i), "n_events", expected[i][0]);
      assertRow(rows.get(i), "f", expected[i][1]);
      assertRow(rows.get(i), "p", expected[i][2]);
    }
    // The causes add up to 1 − S: 1/4, 1/2, 1 after t = 1, 2, 3.
    assertThat((double) rows.get(4).getAs("f") + (double) rows.get(5).getAs("f")).isCloseTo(1.0, within(TOL));
  }

  @Test
  void atEntryTakesTheLastCurveTimeNotAfterTheEntry() {
    Dataset<Row> curve = frame("group STRING, cause STRING, time DOUBLE, f DOUBLE, p DOUBLE, b_at DOUBLE",
        new Object[] {"g", "a", START, 0.0, 0.0, 0.0}, new Object[] {"g", "a", 1.0, 0.25, -0.0625, 1.0 / 12},
        new Object[] {"g", "a", 2.0, 0.5, -0.1, 0.25}, new Object[] {"g", "a", 3.0, 0.75, -0.4, 0.25});
    Dataset<Row> subjects = SharedSpark.spark().createDataFrame(List.of(
        RowFactory.create("g", 0.0, 5.0, 0, null), RowFactory.create("g", 1.0, 5.0, 0, null),
        RowFactory.create("g", 1.5, 5.0, 0, null), RowFactory.create("g", 2.0, 5.0, 0, null)), EdgeCaseTest.SCHEMA);
    List<Row> rows = CumulativeIncidence.atEntry(subjects, causes("a"), curve).orderBy("e_time").collectAsList();
    assertThat(rows).extracting(r -> r.<Double>getAs("e_time")).containsExactly(START, 1.0, 1.5, 2.0);
    double[][] expected = { // f_e, p_e, b_e
        {0, 0, 0},                    // entry 0: at risk from the start
        {0.25, -0.0625, 1.0 / 12},    // entry exactly at t = 1: that time's values (at risk only after it)
        {0.25, -0.0625, 1.0 / 12},    // entry 1.5: still t = 1's
        {0.5, -0.1, 0.25}};
    for (int i = 0; i < rows.size(); i++) {
      assertRow(rows.get(i), "f_e", expected[i][0]);
      assertRow(rows.get(i), "p_e", expected[i][1]);
      assertRow(rows.get(i), "b_e", expected[i][2]);
    }
  }

  @Test
  void subjectKindsAddUpTheWeightsOfIdenticalSubjectsForEveryCause() {
    Dataset<Row> subjects = frame("group STRING, entry DOUBLE, time DOUBLE, event INT, cause STRING, weight LONG",
        new Object[] {"g", 0.0, 2.0, 1, "a", 3L}, new Object[] {"g", 0.0, 2.0, 1, "a", 1L},
        new Object[] {"g", 0.0, 2.0, 0, null, 2L},
        new Object[] {"g", 0.0, 2.0, 0, "a", 5L}, // censored: its cause is ignored
        new Object[] {"g", 1.0, 4.0, 1, "b", 1L});
    List<String> rows = CumulativeIncidence.subjectKinds(subjects, causes("a", "b")).collectAsList().stream()
        .map(r -> r.getAs("s_group") + " " + r.getAs("e_key") + " " + r.getAs("m_time") + " " + r.getAs("s_event") + " "
            + r.getAs("s_cause") + " " + r.getAs("w") + " " + r.getAs("cause"))
        .toList();
    assertThat(rows).containsExactlyInAnyOrder(
        "g -Infinity 2.0 1 a 4.0 a", "g -Infinity 2.0 1 a 4.0 b",
        "g -Infinity 2.0 0 null 7.0 a", "g -Infinity 2.0 0 null 7.0 b",
        "g 1.0 4.0 1 b 1.0 a", "g 1.0 4.0 1 b 1.0 b");
  }

  @Test
  void influenceTermsFollowTheClassCommentsFormulas() {
    Dataset<Row> kinds = frame("s_group STRING, e_key DOUBLE, m_time DOUBLE, s_event INT, s_cause STRING, w DOUBLE, cause STRING",
        new Object[] {"g", 1.0, 3.0, 1, "a", 2.0, "a"}, new Object[] {"g", 1.0, 3.0, 1, "a", 2.0, "b"},
        new Object[] {"g", 1.0, 4.0, 0, null, 1.0, "a"});
    Dataset<Row> atEntry = frame("e_group STRING, e_cause STRING, e_time DOUBLE, f_e DOUBLE, p_e DOUBLE, b_e DOUBLE",
        new Object[] {"g", "a", 1.0, 0.2, -0.05, 0.1}, new Object[] {"g", "b", 1.0, 0.2, -0.05, 0.1});
    Dataset<Row> curve = frame("group STRING, cause STRING, time DOUBLE, n_at_risk LONG, h DOUBLE, s_before DOUBLE, b_at DOUBLE, f DOUBLE, p DOUBLE",
        new Object[] {"g", "a", 3.0, 5L, 0.4, 0.6, 0.3, 0.5, -0.2}, new Object[] {"g", "b", 3.0, 5L, 0.4, 0.6, 0.3, 0.5, -0.2},
        new Object[] {"g", "a", 4.0, 2L, 1.0, 0.3, 0.3, 0.8, -0.3});
    List<Row> rows = CumulativeIncidence.influenceTerms(kinds, atEntry, curve).orderBy("m_time", "cause").collectAsList();
    assertThat(rows).hasSize(3);
    // x = −B_e = −0.1 and c = B_e F_e − P_e = 0.02 + 0.05 = 0.07 for all three (same entry).
    // Event of cause a at 3: g = B_m − δ/(n_m(1 − h_m)) − B_e = 0.3 − 1/3 − 0.1 = −2/15;
    // α = P_m − P_e − B_e(F_m − F_e) + S_{m−1}δ_k/n_m − g F_m = −0.15 − 0.03 + 0.12 + 1/15 = 1/150.
    // For cause b the same subject has δ_k = 0: α = −0.15 − 0.03 + 1/15 = −17/150.
    // Censored at 4, where h = 1: g = 0 and α = −0.3 + 0.05 − 0.1·0.6 = −0.31.
    double[][] expected = { // w, x, c, g, alpha
        {2, -0.1, 0.07, -2.0 / 15, 1.0 / 150},
        {2, -0.1, 0.07, -2.0 / 15, -17.0 / 150},
        {1, -0.1, 0.07, 0, -0.31}};
    for (int i = 0; i < rows.size(); i++) {
      assertRow(rows.get(i), "w", expected[i][0]);
      assertRow(rows.get(i), "x", expected[i][1]);
      assertRow(rows.get(i), "c", expected[i][2]);
      assertRow(rows.get(i), "g", expected[i][3]);
      assertRow(rows.get(i), "alpha", expected[i][4]);
    }
  }

  @Test
  void runningSumsCountAKindAsPendingAfterItsEntryAndAsLeftFromItsExit() {
    Dataset<Row> terms = frame("group STRING, cause STRING, e_key DOUBLE, m_time DOUBLE, w DOUBLE, x DOUBLE, c DOUBLE, g DOUBLE, alpha DOUBLE",
        new Object[] {"g", "a", START, 2.0, 2.0, 1.0, 3.0, 0.5, 0.25}, // A: from the start, leaves at 2
        new Object[] {"g", "a", 1.0, 3.0, 1.0, 2.0, 1.0, 1.0, 2.0});   // B: enters at 1 (a curve time), leaves at 3
    Dataset<Row> curve = frame("group STRING, cause STRING, time DOUBLE, n_at_risk LONG, n_events LONG, f DOUBLE, p DOUBLE",
        new Object[] {"g", "a", START, 0L, 0L, 0.0, 0.0}, new Object[] {"g", "a", 1.0, 2L, 0L, 0.0, 0.0},
        new Object[] {"g", "a", 2.0, 3L, 1L, 0.1, -0.01}, new Object[] {"g", "a", 3.0, 1L, 1L, 0.6, -0.2});
    List<Row> rows = CumulativeIncidence.runningSums(terms, curve).orderBy("time").collectAsList();
    assertThat(rows).extracting(r -> r.<Double>getAs("time")).containsExactly(START, 1.0, 2.0, 3.0);
    // Pending: w, w·x, w·c, w·x², w·c², w·x·c; left: w·α², w·α·g, w·g².
    // START: A enters there but counts only after it. 1: A pending (B enters, not yet counted).
    // 2: A has left, B pending. 3: both left.
    double[][] expected = { // sn, sx, sc, sxx, scc, sxc, la2, lag, lg2
        {0, 0, 0, 0, 0, 0, 0, 0, 0},
        {2, 2, 6, 2, 18, 6, 0, 0, 0},
        {1, 2, 1, 4, 1, 2, 0.125, 0.25, 0.5},
        {0, 0, 0, 0, 0, 0, 0.125 + 4, 0.25 + 2, 0.5 + 1}};
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < CumulativeIncidence.SUMS.size(); j++) {
        assertRow(rows.get(i), CumulativeIncidence.SUMS.get(j), expected[i][j]);
      }
    }
    // The curve's own fields pass through.
    assertRow(rows.get(3), "f", 0.6);
    assertRow(rows.get(3), "p", -0.2);
    assertThat(rows.get(2).<Long>getAs("n_at_risk")).isEqualTo(3L);
    assertThat(rows.get(2).<Long>getAs("n_events")).isEqualTo(1L);
  }

  @Test
  void varianceIsTheSumOfSquaredInfluencesExpanded() {
    // P = 0.5, F = 0.25; pending kinds (x, c) = (−2, 0.3) and (1, −0.1), one left kind (α, g) = (0.1, 0.4):
    // (0.5 − 0.5 + 0.3)² + (0.5 + 0.25 − 0.1)² + (0.1 + 0.1)² = 0.09 + 0.4225 + 0.04 = 0.5525.
    Dataset<Row> sums = frame("f DOUBLE, p DOUBLE, sn DOUBLE, sx DOUBLE, sc DOUBLE, sxx DOUBLE, scc DOUBLE, sxc DOUBLE, la2 DOUBLE, lag DOUBLE, lg2 DOUBLE",
        new Object[] {0.25, 0.5, 2.0, -1.0, 0.2, 5.0, 0.1, -0.7, 0.01, 0.04, 0.16});
    assertThat(sums.select(CumulativeIncidence.variance()).head().getDouble(0)).isCloseTo(0.5525, within(TOL));
  }

  @Test
  void limitsAreLogTransformedAndCappedAtOne() {
    double z = 1.96;
    Dataset<Row> rows = frame("f DOUBLE, se DOUBLE", new Object[] {0.2, 0.05}, new Object[] {0.9, 0.2}, new Object[] {0.0, 0.0});
    List<Row> limits = rows.select(
        CumulativeIncidence.ciLower(functions.col("f"), functions.col("se"), z).as("lower"),
        CumulativeIncidence.ciUpper(functions.col("f"), functions.col("se"), z).as("upper")).collectAsList();
    // F·exp(∓z·se/F): 0.2·exp(∓0.49); 0.9·exp(0.4356) > 1 is capped; F = 0 has no limits.
    assertThat(limits.get(0).getDouble(0)).isCloseTo(0.2 * Math.exp(-0.49), within(TOL));
    assertThat(limits.get(0).getDouble(1)).isCloseTo(0.2 * Math.exp(0.49), within(TOL));
    assertThat(limits.get(1).getDouble(0)).isCloseTo(0.9 * Math.exp(-1.96 * 0.2 / 0.9), within(TOL));
    assertThat(limits.get(1).getDouble(1)).isEqualTo(1.0);
    assertThat(limits.get(2).isNullAt(0)).isTrue();
    assertThat(limits.get(2).isNullAt(1)).isTrue();
  }

  @Test
  void standardErrorsOfTheFourSubjectsEqualTheirHandWorkedInfluences() {
    Dataset<Row> subjects = fourSubjects();
    Dataset<Row> causes = causes("a", "b");
    Dataset<Row> curve = CumulativeIncidence.incidence(subjects, CumulativeIncidence.timeline(RiskSets.table(subjects, null)), causes);
    List<Row> rows = CumulativeIncidence.withStdErr(subjects, causes, curve).orderBy("time", "cause").collectAsList();
    // F_a(1) = w1/W: U = 3/16 for the subject leaving with a, −1/16 for the three others,
    // Var = (9 + 3)/256 = 3/64, the binomial p(1 − p)/n.
    assertRow(rows.get(2), "std_err", Math.sqrt(3.0 / 64));
    // F_b(2) = (1 − w1/W)·w2/(w2 + w3 + w4): ∂/∂w = −1/16, 1/48 + 1/6 = 3/16, 1/48 − 1/12 = −1/16, −1/16.
    assertRow(rows.get(5), "std_err", Math.sqrt(3.0 / 64));
    // Before any event of its cause, F_b(1) = 0 moves with no weight.
    assertRow(rows.get(3), "std_err", 0);
  }
}
