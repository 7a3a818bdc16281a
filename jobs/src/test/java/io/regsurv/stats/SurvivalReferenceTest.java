package io.regsurv.stats;

import static io.regsurv.stats.RReference.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.regsurv.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both engines against R's survfit, survdiff and multi-state survfit on every reference dataset, to
 * 1e-9: the driver estimates from collected cells ({@link CellEstimates}, what the survival job and
 * {@code regsurv km} use) and the distributed one ({@link KaplanMeier} etc., their path beyond the
 * driver's cell limit). A test whose reference R cannot make (log-rank with delayed entry) has no
 * case for that dataset, rather than a case that passes without asserting.
 */
class SurvivalReferenceTest {
  static final double TOL = 1e-9;

  /** Which engine computes the estimates. */
  enum Engine { DRIVER, SPARK }

  static Stream<Arguments> cases() {
    return RReference.folders().flatMap(f -> Stream.of(Arguments.of(f, Engine.DRIVER), Arguments.of(f, Engine.SPARK)));
  }

  static Stream<Arguments> casesWith(String file) {
    List<Arguments> c = cases().filter(a -> RReference.has((String) a.get()[0], file)).toList();
    assertThat(c).as("reference datasets with " + file).hasSizeGreaterThanOrEqualTo(2);
    return c.stream();
  }

  static Stream<Arguments> logRankCases() {
    return casesWith("logrank_test.csv");
  }

  static Stream<Arguments> cifCases() {
    return casesWith("cif.csv");
  }

  static RiskCells cells(Dataset<Row> subjects) {
    return RiskCells.collect(subjects, 1_000_000).orElseThrow();
  }

  static Dataset<Row> km(Engine engine, Dataset<Row> subjects, KmOptions options) {
    return engine == Engine.SPARK ? KaplanMeier.estimate(subjects, options)
        : SharedSpark.spark().createDataFrame(CellEstimates.kaplanMeier(cells(subjects), options), CellEstimates.KM_SCHEMA);
  }

  /** A distributed curve with the limits of {@code options} instead of its own, columns as estimate() gives them. */
  static Dataset<Row> withLimits(Dataset<Row> curve, KmOptions options) {
    return KaplanMeier.withConfidenceLimits(curve.drop("ci_lower", "ci_upper", "conf_level", "conf_type"), options)
        .select(java.util.Arrays.stream(curve.columns()).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
  }

  static Dataset<Row> cif(Engine engine, Dataset<Row> subjects) {
    return engine == Engine.SPARK ? CumulativeIncidence.estimate(subjects)
        : SharedSpark.spark().createDataFrame(CellEstimates.cumulativeIncidence(cells(subjects), 0.95), CellEstimates.CIF_SCHEMA);
  }

  static LogRankResult logRank(Engine engine, Dataset<Row> subjects) {
    return engine == Engine.SPARK ? LogRank.test(subjects) : CellEstimates.logRank(cells(subjects), g -> "").get("");
  }

  static List<Row> summary(Engine engine, Dataset<Row> curve, double horizon) {
    return engine == Engine.SPARK ? SurvivalSummary.of(curve, horizon).orderBy("group").collectAsList()
        : SharedSpark.spark().createDataFrame(CellEstimates.summary(curve.orderBy("group", "time").collectAsList(), horizon),
            CellEstimates.SUMMARY_SCHEMA).orderBy("group").collectAsList();
  }

  static Dataset<Row> subjects(String folder, boolean grouped) {
    Dataset<Row> input = SharedSpark.spark().read().option("header", "true").csv(RReference.path(folder, "input.csv").toString());
    List<String> columns = List.of(input.columns());
    SubjectSpec spec = SubjectSpec.of("time", "event");
    if (columns.contains("entry")) {
      spec = spec.withEntry("entry");
    }
    if (grouped) {
      spec = spec.withGroup("group");
    }
    if (columns.contains("cause")) {
      spec = spec.withCompeting("censor").withEventValues(null, null);
      return Subjects.from(input.drop("event"), new SubjectSpec("time", "cause", spec.entry(), spec.group(), null, null, true, "censor"), folder);
    }
    return Subjects.from(input, spec, folder);
  }

  /** "all" and per-group subjects in one dataset (no reference group is called "all"). */
  static Dataset<Row> allAndGroups(String folder) {
    return subjects(folder, false).unionByName(subjects(folder, true));
  }

  /** Rows of a curve without the time-0 rows R does not print, ordered as the reference files. */
  static List<Row> printed(Dataset<Row> curve) {
    return curve.filter(col("n_events").plus(col("n_censored")).gt(0)).orderBy(col("group"), col("time")).collectAsList();
  }

  static List<Map<String, String>> expectedKm(String folder) {
    List<Map<String, String>> rows = new ArrayList<>(RReference.read(folder, "km.csv"));
    rows.sort((a, b) -> {
      int c = a.get("group").compareTo(b.get("group"));
      return c != 0 ? c : Double.compare(Double.parseDouble(a.get("time")), Double.parseDouble(b.get("time")));
    });
    return rows;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void kaplanMeierMatchesSurvfitForEveryConfType(String folder, Engine engine) {
    List<Map<String, String>> expected = expectedKm(folder);
    String[][] variants = {{"log", "0.95", "lower_log", "upper_log"}, {"log-log", "0.95", "lower_loglog", "upper_loglog"},
        {"plain", "0.95", "lower_plain", "upper_plain"}, {"log", "0.90", "lower_log_90", "upper_log_90"}};
    Dataset<Row> subjects = allAndGroups(folder).cache();
    Dataset<Row> base = KaplanMeier.estimate(subjects, KmOptions.DEFAULT).cache();
    for (String[] v : variants) {
      KmOptions options = new KmOptions(ConfType.parse(v[0]), Double.parseDouble(v[1]));
      // Spark: limits of the other conf types from the same (cached) curve, the code path estimate() ends with.
      List<Row> actual = printed(engine == Engine.SPARK ? withLimits(base, options) : km(engine, subjects, options));
      assertThat(actual).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        Map<String, String> e = expected.get(i);
        Row a = actual.get(i);
        String at = folder + " " + v[0] + "@" + v[1] + " group " + e.get("group") + " time " + e.get("time") + " ";
        assertThat(a.<String>getAs("group")).as(at + "group").isEqualTo(e.get("group"));
        assertClose(at + "time", e.get("time"), a.getAs("time"), TOL);
        assertThat(a.<Long>getAs("n_at_risk")).as(at + "n_at_risk").isEqualTo(Long.parseLong(e.get("n_risk")));
        assertThat(a.<Long>getAs("n_events")).as(at + "n_events").isEqualTo(Long.parseLong(e.get("n_event")));
        assertThat(a.<Long>getAs("n_censored")).as(at + "n_censored").isEqualTo(Long.parseLong(e.get("n_censor")));
        assertClose(at + "survival", e.get("surv"), a.getAs("survival"), TOL);
        assertClose(at + "std_err", e.get("std_err"), a.getAs("std_err"), TOL);
        assertClose(at + "ci_lower", e.get(v[2]), a.getAs("ci_lower"), TOL);
        assertClose(at + "ci_upper", e.get(v[3]), a.getAs("ci_upper"), TOL);
        assertClose(at + "cumulative_hazard", e.get("cumhaz"), a.getAs("cumulative_hazard"), TOL);
        assertClose(at + "std_chaz", e.get("std_chaz"), a.getAs("std_chaz"), TOL);
        assertThat(a.<String>getAs("conf_type")).isEqualTo(v[0]);
      }
    }
    base.unpersist();
    subjects.unpersist();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void summaryMatchesPrintSurvfit(String folder, Engine engine) {
    List<Map<String, String>> expected = RReference.read(folder, "summary.csv");
    double horizon = Double.parseDouble(expected.get(0).get("rmean_horizon"));
    Dataset<Row> subjects = allAndGroups(folder).cache();
    // Spark: one estimate, the log-log limits from it (the code path estimate() ends with).
    Dataset<Row> sparkBase = engine == Engine.SPARK ? KaplanMeier.estimate(subjects, KmOptions.DEFAULT).cache() : null;
    for (String type : List.of("log", "log-log")) {
      String suffix = type.equals("log") ? "_log" : "_loglog";
      KmOptions options = new KmOptions(ConfType.parse(type), 0.95);
      Dataset<Row> curve = (engine == Engine.SPARK ? withLimits(sparkBase, options) : km(engine, subjects, options)).cache();
      List<Row> actual = summary(engine, curve, horizon);
      curve.unpersist();
      List<Map<String, String>> sorted = new ArrayList<>(expected);
      sorted.sort((a, b) -> a.get("group").compareTo(b.get("group")));
      assertThat(actual).hasSize(sorted.size());
      for (int i = 0; i < sorted.size(); i++) {
        Map<String, String> e = sorted.get(i);
        Row a = actual.get(i);
        String at = folder + " " + type + " group " + e.get("group") + " ";
        assertThat(a.<String>getAs("group")).isEqualTo(e.get("group"));
        assertThat(a.<Long>getAs("n")).as(at + "n").isEqualTo(Long.parseLong(e.get("n")));
        assertThat(a.<Long>getAs("events")).as(at + "events").isEqualTo(Long.parseLong(e.get("events")));
        assertClose(at + "rmst", e.get("rmean"), a.getAs("rmst"), TOL);
        assertClose(at + "rmst_std_err", e.get("se_rmean"), a.getAs("rmst_std_err"), TOL);
        assertClose(at + "median", e.get("median"), a.getAs("median"), TOL);
        assertClose(at + "median_lower", e.get("median_lower" + suffix), a.getAs("median_lower"), TOL);
        assertClose(at + "median_upper", e.get("median_upper" + suffix), a.getAs("median_upper"), TOL);
      }
    }
    if (sparkBase != null) {
      sparkBase.unpersist();
    }
    subjects.unpersist();
  }

  /** Delayed-entry data (mgus2_age_entry) has no case: R's survdiff does not accept it, so there is no reference. */
  @ParameterizedTest
  @MethodSource("logRankCases")
  void logRankMatchesSurvdiff(String folder, Engine engine) {
    LogRankResult result = logRank(engine, subjects(folder, true));
    List<Map<String, String>> groups = RReference.read(folder, "logrank_groups.csv");
    assertThat(result.groups()).hasSize(groups.size());
    for (int i = 0; i < groups.size(); i++) {
      Map<String, String> e = groups.get(i);
      LogRankResult.Group a = result.groups().get(i);
      assertThat(a.group()).isEqualTo(e.get("group"));
      assertThat(a.n()).isEqualTo(Long.parseLong(e.get("n")));
      assertClose(folder + " observed " + a.group(), e.get("observed"), a.observed(), TOL);
      assertClose(folder + " expected " + a.group(), e.get("expected"), a.expected(), TOL);
    }
    Map<String, String> test = RReference.read(folder, "logrank_test.csv").get(0);
    assertClose(folder + " chisq", test.get("chisq"), result.chiSquare(), TOL);
    assertThat(result.degreesOfFreedom()).isEqualTo(Integer.parseInt(test.get("df")));
    assertClose(folder + " p", test.get("p"), result.pValue(), 1e-6);
    assertThat(Math.abs(result.pValue() - Double.parseDouble(test.get("p"))))
        .isLessThanOrEqualTo(1e-10 * Math.max(1e-300, Double.parseDouble(test.get("p"))) + 1e-15);
  }

  /** Only competing-risk data has causes (and a cif.csv reference). */
  @ParameterizedTest
  @MethodSource("cifCases")
  void cumulativeIncidenceMatchesMultiStateSurvfit(String folder, Engine engine) {
    List<Map<String, String>> expected = new ArrayList<>(RReference.read(folder, "cif.csv"));
    expected.sort((a, b) -> {
      int c = a.get("group").compareTo(b.get("group"));
      if (c != 0) {
        return c;
      }
      c = Double.compare(Double.parseDouble(a.get("time")), Double.parseDouble(b.get("time")));
      return c != 0 ? c : a.get("state").compareTo(b.get("state"));
    });
    List<Row> actual = cif(engine, allAndGroups(folder)).orderBy("group", "time", "cause").collectAsList();
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      Map<String, String> e = expected.get(i);
      Row a = actual.get(i);
      String at = folder + " group " + e.get("group") + " time " + e.get("time") + " " + e.get("state") + " ";
      assertThat(a.<String>getAs("group")).isEqualTo(e.get("group"));
      assertThat(a.<String>getAs("cause")).isEqualTo(e.get("state"));
      assertClose(at + "time", e.get("time"), a.getAs("time"), TOL);
      assertThat(a.<Long>getAs("n_at_risk")).as(at + "n_at_risk").isEqualTo(Long.parseLong(e.get("n_risk")));
      assertThat(a.<Long>getAs("n_events")).as(at + "n_events").isEqualTo(Long.parseLong(e.get("n_event")));
      assertClose(at + "cumulative_incidence", e.get("pstate"), a.getAs("cumulative_incidence"), TOL);
      assertClose(at + "std_err", e.get("std_err"), a.getAs("std_err"), TOL);
      assertClose(at + "ci_lower", e.get("lower"), a.getAs("ci_lower"), TOL);
      assertClose(at + "ci_upper", e.get("upper"), a.getAs("ci_upper"), TOL);
    }
  }

  /**
   * The driver engine gives every column of the distributed one, those R does not print too
   * ({@code n_entered}, the time-0 rows), to 1e-12; on weighted subjects, as the jobs feed it.
   * Every reference dataset has tied subjects, so the weights really exceed 1. With the cases above
   * (each engine on one row per subject equal to R) this also proves that weighted rows give the
   * distributed engine R's numbers: the driver engine collects the same cells from either input.
   */
  @ParameterizedTest
  @MethodSource("io.regsurv.stats.RReference#folders")
  void driverEngineEqualsTheDistributedOne(String folder) {
    Dataset<Row> each = allAndGroups(folder);
    Dataset<Row> weighted = Subjects.aggregated(each).cache();
    assertThat(weighted.count()).as(folder + ": some subjects are tied").isLessThan(each.count());
    // One distributed estimate; its limits in every conf type are what estimate() ends with.
    Dataset<Row> sparkKm = KaplanMeier.estimate(weighted, KmOptions.DEFAULT).cache();
    for (ConfType type : ConfType.values()) {
      KmOptions options = new KmOptions(type, 0.95);
      assertSameRows(folder + " km " + type, withLimits(sparkKm, options), km(Engine.DRIVER, weighted, options), "group", "time");
    }
    sparkKm.unpersist();
    if (RReference.has(folder, "cif.csv")) {
      assertSameRows(folder + " cif", cif(Engine.SPARK, weighted), cif(Engine.DRIVER, weighted), "group", "time", "cause");
    }
    Dataset<Row> groupsOnly = weighted.filter(col("group").notEqual("all"));
    assertSameTest(folder + " log-rank", logRank(Engine.SPARK, groupsOnly), logRank(Engine.DRIVER, groupsOnly), "");
    weighted.unpersist();
  }

  /** All reference datasets in one stratified pass give each dataset's own test (and so R's). */
  @org.junit.jupiter.api.Test
  void stratifiedLogRankEqualsOneTestPerStratum() {
    List<String> folders = RReference.folders().filter(f -> RReference.has(f, "logrank_test.csv")).toList();
    assertThat(folders).hasSizeGreaterThan(1);
    Dataset<Row> all = null;
    for (String f : folders) {
      Dataset<Row> one = subjects(f, true).withColumn("group", org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.lit(f + "/"), col("group")));
      all = all == null ? one : all.unionByName(one);
    }
    Map<String, LogRankResult> each = LogRank.testEach(all, org.apache.spark.sql.functions.substring_index(col("group"), "/", 1));
    assertThat(each.keySet()).containsExactlyElementsOf(folders.stream().sorted().toList());
    for (String f : folders) {
      assertSameTest(f + " stratified", LogRank.test(subjects(f, true)), each.get(f), f + "/");
    }
  }

  /** The same groups (names prefixed by {@code prefix} in {@code actual}), counts, expectations and statistic. */
  private static void assertSameTest(String what, LogRankResult expected, LogRankResult actual, String prefix) {
    assertThat(actual.groups()).as(what).hasSameSizeAs(expected.groups());
    for (int i = 0; i < expected.groups().size(); i++) {
      LogRankResult.Group e = expected.groups().get(i);
      LogRankResult.Group a = actual.groups().get(i);
      assertThat(a.group()).as(what).isEqualTo(prefix + e.group());
      assertThat(a.n()).as(what + " n " + e.group()).isEqualTo(e.n());
      assertThat(a.observed()).as(what + " observed " + e.group()).isEqualTo(e.observed());
      assertThat(a.expected()).as(what + " expected " + e.group()).isCloseTo(e.expected(), org.assertj.core.api.Assertions.within(1e-9));
    }
    assertThat(actual.degreesOfFreedom()).as(what + " df").isEqualTo(expected.degreesOfFreedom());
    assertThat(actual.chiSquare()).as(what + " chi-square").isCloseTo(expected.chiSquare(), org.assertj.core.api.Assertions.within(1e-9));
  }

  private static void assertSameRows(String what, Dataset<Row> expected, Dataset<Row> actual, String... order) {
    List<Row> e = expected.orderBy(order[0], java.util.Arrays.copyOfRange(order, 1, order.length)).collectAsList();
    List<Row> a = actual.orderBy(order[0], java.util.Arrays.copyOfRange(order, 1, order.length)).collectAsList();
    assertThat(a).as(what + " rows").hasSize(e.size());
    for (int i = 0; i < e.size(); i++) {
      for (int f = 0; f < e.get(i).size(); f++) {
        Object x = e.get(i).get(f);
        Object y = a.get(i).get(f);
        String at = what + " row " + i + " " + expected.columns()[f];
        if (x instanceof Double dx && y instanceof Double dy) {
          assertThat(dy).as(at).isCloseTo(dx, org.assertj.core.api.Assertions.within(1e-12));
        } else {
          assertThat(y).as(at).isEqualTo(x);
        }
      }
    }
  }
}
