package io.regsurv.stats;

import static io.regsurv.stats.KaplanMeier.CI_LOWER;
import static io.regsurv.stats.KaplanMeier.CI_UPPER;
import static io.regsurv.stats.KaplanMeier.CONF_LEVEL;
import static io.regsurv.stats.KaplanMeier.CONF_TYPE;
import static io.regsurv.stats.KaplanMeier.SURVIVAL;
import static io.regsurv.stats.RiskSets.N_AT_RISK;
import static io.regsurv.stats.RiskSets.N_CENSORED;
import static io.regsurv.stats.RiskSets.N_EVENTS;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Per-group figures of Kaplan–Meier curves as R's {@code print.survfit} computes them: n, events,
 * median survival with its confidence limits, and the restricted mean survival time (RMST) with its
 * standard error; plus S at chosen times. Works on the (small) curve table, in Spark.
 */
public final class SurvivalSummary {
  /** R's tolerance for "S equals 0.5": {@code .Machine$double.eps^0.5}. */
  static final double MEDIAN_TOLERANCE = Math.sqrt(Math.ulp(1.0));

  private SurvivalSummary() {}

  /**
   * One row per group: {@code group, n, n_subjects, events, median, median_lower, median_upper,
   * conf_level, conf_type, rmst_horizon, rmst, rmst_std_err}.
   *
   * <ul>
   *   <li>{@code n} is R's {@code n.start}, the number at risk at the first exit time (all subjects
   *       without delayed entry); {@code n_subjects} counts every subject.
   *   <li>{@code median}: the smallest time with S ≤ 0.5; when S is exactly 0.5 (within R's
   *       tolerance) over a stretch, the midpoint of that stretch. The limits apply the same rule to
   *       the lower and upper confidence curves (NULL when a curve never reaches 0.5).
   *   <li>{@code rmst}: ∫₀ʰ S(t) dt with S = 1 before the first time and the last value carried to
   *       h; its variance is R's {@code survmean}: Σ_{tᵢ ≤ h} Aᵢ² · dᵢ/(nᵢ(nᵢ − dᵢ)), Aᵢ the area
   *       under S from tᵢ to h.
   * </ul>
   */
  public static Dataset<Row> of(Dataset<Row> curve, double rmstHorizon) {
    // Four aggregations read the curve: callers with an expensive curve should cache it first.
    Column exitRow = col(N_EVENTS).plus(col(N_CENSORED)).gt(0);
    Dataset<Row> base = curve.groupBy(col(GROUP)).agg(
        min_by(when(exitRow, col(N_AT_RISK)), when(exitRow, col(TIME))).as("n"),
        // Every subject leaves exactly once (event or censoring), so the exits count the subjects.
        sum(col(N_EVENTS).plus(col(N_CENSORED))).as("n_subjects"),
        sum(col(N_EVENTS)).as("events"),
        first(col(CONF_LEVEL)).as(CONF_LEVEL),
        first(col(CONF_TYPE)).as(CONF_TYPE));
    Dataset<Row> result = base
        .join(firstCrossing(curve, SURVIVAL, "median"), new String[] {GROUP}, "left")
        .join(firstCrossing(curve, CI_LOWER, "median_lower"), new String[] {GROUP}, "left")
        .join(firstCrossing(curve, CI_UPPER, "median_upper"), new String[] {GROUP}, "left")
        .join(restrictedMean(curve, rmstHorizon), new String[] {GROUP}, "left");
    return result.select(
        col(GROUP), col("n"), col("n_subjects"), col("events"), col("median"), col("median_lower"),
        col("median_upper"), col(CONF_LEVEL), col(CONF_TYPE), lit(rmstHorizon).as("rmst_horizon"),
        col("rmst"), col("rmst_std_err"));
  }

  /** R's {@code minmin}: the first time a curve is ≤ 0.5, or the midpoint of a stretch where it equals 0.5. */
  static Dataset<Row> firstCrossing(Dataset<Row> curve, String column, String as) {
    Column y = col(column);
    Dataset<Row> kept = curve.filter(y.isNotNull().and(y.lt(0.5 + MEDIAN_TOLERANCE)))
        .select(col(GROUP), col(TIME), y.as("y"));
    Dataset<Row> firstRow = kept.groupBy(col(GROUP))
        .agg(min(col(TIME)).as("x1"), min_by(col("y"), col(TIME)).as("y1"));
    Dataset<Row> below = kept.join(firstRow, new String[] {GROUP})
        .filter(col("y").lt(col("y1")))
        .groupBy(col(GROUP)).agg(min(col(TIME)).as("x2"));
    Column flat = abs(col("y1").minus(0.5)).lt(MEDIAN_TOLERANCE).and(col("x2").isNotNull());
    return firstRow.join(below, new String[] {GROUP}, "left")
        .select(col(GROUP), when(flat, col("x1").plus(col("x2")).divide(2)).otherwise(col("x1")).as(as));
  }

  /** {@code group, rmst, rmst_std_err} up to the horizon. */
  static Dataset<Row> restrictedMean(Dataset<Row> curve, double horizon) {
    WindowSpec ordered = Window.partitionBy(col(GROUP)).orderBy(col(TIME));
    // The area from here to the end as a running sum in descending time: Spark recomputes a
    // (current row, unbounded following) frame for every row, O(n²) per group (most of the
    // survival job's summary time at full scale); a running sum is one pass.
    WindowSpec fromHere = Window.partitionBy(col(GROUP)).orderBy(col(TIME).desc())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column h = lit(horizon);
    Column segmentEnd = least(coalesce(lead(col(TIME), 1).over(ordered), h), h);
    Column width = greatest(lit(0.0), segmentEnd.minus(col(TIME)));
    Dataset<Row> areas = curve.withColumn("area", col(SURVIVAL).multiply(width));
    Column d = col(N_EVENTS).cast("double");
    Column n = col(N_AT_RISK).cast("double");
    Column hh = when(col(TIME).leq(h).and(d.gt(0)).and(n.gt(d)), d.divide(n.multiply(n.minus(d)))).otherwise(0.0);
    Column areaAfter = sum(col("area")).over(fromHere);
    return areas.select(col(GROUP), col("area"), areaAfter.multiply(areaAfter).multiply(hh).as("var_term"))
        .groupBy(col(GROUP))
        .agg(sum(col("area")).as("rmst"), sqrt(sum(col("var_term"))).as("rmst_std_err"));
  }

  /**
   * S and its limits at the given times (the last curve row at or before each time): {@code group,
   * at_time, survival, ci_lower, ci_upper}.
   */
  public static Dataset<Row> survivalAt(Dataset<Row> curve, List<Double> times) {
    Dataset<Row> at = curve.sparkSession().createDataset(times, Encoders.DOUBLE()).toDF("at_time");
    return curve.crossJoin(at)
        .filter(col(TIME).leq(col("at_time")))
        .groupBy(col(GROUP), col("at_time"))
        .agg(max_by(struct(col(SURVIVAL), col(CI_LOWER), col(CI_UPPER)), col(TIME)).as("s"))
        .select(col(GROUP), col("at_time"), col("s." + SURVIVAL).as(SURVIVAL),
            col("s." + CI_LOWER).as(CI_LOWER), col("s." + CI_UPPER).as(CI_UPPER));
  }
}
