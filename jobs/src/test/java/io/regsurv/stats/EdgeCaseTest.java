package io.regsurv.stats;

import static io.regsurv.stats.RReference.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Hand-worked small cases: all censored, all events at one time, one subject, S reaching 0, ties, delayed entry. */
class EdgeCaseTest {
  static final StructType SCHEMA = new StructType()
      .add("group", DataTypes.StringType).add("entry", DataTypes.DoubleType)
      .add("time", DataTypes.DoubleType).add("event", DataTypes.IntegerType).add("cause", DataTypes.StringType);

  static Row subject(String group, double entry, double time, int event) {
    return RowFactory.create(group, entry, time, event, event == 1 ? "x" : null);
  }

  static final List<Row> SUBJECTS = List.of(
      subject("censored", 0, 1, 0), subject("censored", 0, 2, 0), subject("censored", 0, 3, 0),
      subject("one_time", 0, 5, 1), subject("one_time", 0, 5, 1), subject("one_time", 0, 5, 1),
      subject("single", 0, 4, 1),
      // events count before censorings at the same time (2)
      subject("ties", 0, 2, 1), subject("ties", 0, 2, 0), subject("ties", 0, 3, 1), subject("ties", 0, 4, 0),
      // delayed entry: at risk on (entry, time]
      subject("late", 0, 5, 1), subject("late", 3, 6, 1), subject("late", 4, 8, 0), subject("late", 6, 7, 1));

  static Dataset<Row> subjects() {
    return SharedSpark.spark().createDataFrame(SUBJECTS, SCHEMA);
  }

  @Test
  void curvesOfHandWorkedCases() {
    List<Row> rows = KaplanMeier.estimate(subjects(), KmOptions.DEFAULT).orderBy("group", "time").collectAsList();
    String got = rows.stream()
        .map(r -> r.getString(0) + "@" + r.getDouble(1) + " n=" + r.getLong(2) + " d=" + r.getLong(3) + " c=" + r.getLong(4) + " e=" + r.getLong(5))
        .collect(Collectors.joining("\n"));
    assertThat(got).isEqualTo(String.join("\n",
        "censored@0.0 n=3 d=0 c=0 e=0", "censored@1.0 n=3 d=0 c=1 e=0", "censored@2.0 n=2 d=0 c=1 e=0", "censored@3.0 n=1 d=0 c=1 e=0",
        "late@0.0 n=1 d=0 c=0 e=0", "late@5.0 n=3 d=1 c=0 e=0", "late@6.0 n=2 d=1 c=0 e=1", "late@7.0 n=2 d=1 c=0 e=0", "late@8.0 n=1 d=0 c=1 e=0",
        "one_time@0.0 n=3 d=0 c=0 e=0", "one_time@5.0 n=3 d=3 c=0 e=0",
        "single@0.0 n=1 d=0 c=0 e=0", "single@4.0 n=1 d=1 c=0 e=0",
        "ties@0.0 n=4 d=0 c=0 e=0", "ties@2.0 n=4 d=1 c=1 e=0", "ties@3.0 n=2 d=1 c=0 e=0", "ties@4.0 n=1 d=0 c=1 e=0"));
    double[] survival = {1, 1, 1, 1, 1, 2.0 / 3, 1.0 / 3, 1.0 / 6, 1.0 / 6, 1, 0, 1, 0, 1, 0.75, 0.375, 0.375};
    for (int i = 0; i < rows.size(); i++) {
      assertClose("survival row " + i, Double.toString(survival[i]), rows.get(i).getAs("survival"), 1e-12);
    }
    // All censored: S stays 1 with std_err 0 and limits 1.
    assertThat(rows.get(3).<Double>getAs("std_err")).isEqualTo(0.0);
    assertThat(rows.get(3).<Double>getAs("ci_lower")).isEqualTo(1.0);
    // S reaching 0: std_err and limits undefined (R: Inf, NA), cumulative hazard still defined.
    Row allAtOnce = rows.get(10);
    assertThat(allAtOnce.<Double>getAs("std_err")).isNull();
    assertThat(allAtOnce.<Double>getAs("ci_lower")).isNull();
    assertThat(allAtOnce.<Double>getAs("ci_upper")).isNull();
    assertClose("cumhaz", "1", allAtOnce.getAs("cumulative_hazard"), 1e-12);
    assertClose("std_chaz", Double.toString(Math.sqrt(3.0 / 9)), allAtOnce.getAs("std_chaz"), 1e-12);
    // Greenwood at the tie group's time 3: 1/(4·3) + 1/(2·1).
    assertClose("greenwood", Double.toString(Math.sqrt(1.0 / 12 + 1.0 / 2)), rows.get(15).getAs("std_err"), 1e-12);
    double z = new KmOptions(ConfType.LOG, 0.95).z();
    assertThat(z).isCloseTo(1.959963984540054, org.assertj.core.data.Offset.offset(1e-14));
    assertClose("log lower", Double.toString(0.375 * Math.exp(-z * Math.sqrt(7.0 / 12))), rows.get(15).getAs("ci_lower"), 1e-12);
  }

  @Test
  void summaryOfTiesAndDelayedEntry() {
    Dataset<Row> curve = KaplanMeier.estimate(subjects(), KmOptions.DEFAULT);
    List<Row> rows = SurvivalSummary.of(curve, 4.0).orderBy("group").collectAsList();
    Row ties = rows.get(4);
    assertThat(ties.<String>getAs("group")).isEqualTo("ties");
    assertThat(ties.<Long>getAs("n")).isEqualTo(4);
    assertThat(ties.<Long>getAs("events")).isEqualTo(2);
    assertClose("median", "3", ties.getAs("median"), 1e-12);
    // ∫₀⁴ S: 1·2 + 0.75·1 + 0.375·1
    assertClose("rmst", "3.125", ties.getAs("rmst"), 1e-12);
    // R's survmean: A(2)² · 1/(4·3) + A(3)² · 1/(2·1), A(2) = 1.125, A(3) = 0.375
    assertClose("rmst se", Double.toString(Math.sqrt(1.125 * 1.125 / 12 + 0.375 * 0.375 / 2)), ties.getAs("rmst_std_err"), 1e-12);
    Row late = rows.get(1);
    assertThat(late.<Long>getAs("n")).isEqualTo(3); // R's n.start: at risk at the first exit time
    assertThat(late.<Long>getAs("n_subjects")).isEqualTo(4);
    assertClose("median late", "6", late.getAs("median"), 1e-12);
    Row single = rows.get(3);
    assertClose("median single", "4", single.getAs("median"), 1e-12);
    assertThat(rows.get(0).<Double>getAs("median")).isNull(); // all censored: never reaches 0.5
  }

  @Test
  void chiSquareUpperTailIsExact() {
    assertThat(ChiSquare.upperTail(3.841458820694124, 1)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(ChiSquare.upperTail(2.0, 2)).isCloseTo(Math.exp(-1), org.assertj.core.data.Offset.offset(1e-15));
    assertThat(ChiSquare.upperTail(0.0, 3)).isEqualTo(1.0);
  }

  @Test
  void flatStretchAtOneHalfGivesTheMidpoint() {
    // S = 0.5 from time 2 until the next event at 6: R takes (2 + 6) / 2.
    Dataset<Row> s = SharedSpark.spark().createDataFrame(List.of(
        subject("g", 0, 2, 1), subject("g", 0, 2, 1), subject("g", 0, 6, 1), subject("g", 0, 9, 0)), SCHEMA);
    Row summary = SurvivalSummary.of(KaplanMeier.estimate(s, KmOptions.DEFAULT), 10).head();
    assertClose("median", "4", summary.getAs("median"), 1e-12);
  }
}
