package io.regsurv.stats;

import static io.regsurv.stats.RiskSets.N_AT_RISK;
import static io.regsurv.stats.RiskSets.N_CENSORED;
import static io.regsurv.stats.RiskSets.N_ENTERED;
import static io.regsurv.stats.RiskSets.N_EVENTS;
import static io.regsurv.stats.RiskSets.START;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Kaplan–Meier product-limit survival curves (Kaplan &amp; Meier 1958) per group, with Greenwood
 * (1926) standard errors, pointwise confidence limits and the Nelson–Aalen cumulative hazard,
 * equal to R's {@code survfit} (survival 3.5) to 1e-9.
 *
 * <p>Output columns: {@code group, time, n_at_risk, n_events, n_censored, n_entered, survival,
 * std_err, ci_lower, ci_upper, conf_level, conf_type, cumulative_hazard, std_chaz}; one row per
 * group and distinct exit time (event or censoring), plus a time-0 row (survival 1) unless there is
 * an exit at time 0.
 *
 * <ul>
 *   <li>{@code n_at_risk}: subjects with entry &lt; t ≤ exit; events at t count before censorings at t.
 *   <li>{@code survival} S(t) = Π (1 − d/n), computed as exp(Σ log1p(−d/n)) in a window (Spark's
 *       {@code log} of 0 is NULL, so a step with d = n sets S to 0 explicitly).
 *   <li>{@code std_err}: R's {@code std.err}, the standard error of −log S: √Σ d/(n(n−d)). NULL once
 *       S reaches 0 (R prints Inf); the confidence limits are NULL there too, as in R.
 *   <li>{@code cumulative_hazard} Nelson–Aalen Σ d/n, {@code std_chaz} = √Σ d/n².
 *   <li>{@code n_entered}: subjects whose (delayed) entry time equals t; they join the risk set
 *       after t. R 3.5's survfit reports 0 here for data without an id, so it is not compared.
 * </ul>
 */
public final class KaplanMeier {
  public static final String SURVIVAL = "survival";
  public static final String STD_ERR = "std_err";
  public static final String CI_LOWER = "ci_lower";
  public static final String CI_UPPER = "ci_upper";
  public static final String CONF_LEVEL = "conf_level";
  public static final String CONF_TYPE = "conf_type";
  public static final String CUMULATIVE_HAZARD = "cumulative_hazard";
  public static final String STD_CHAZ = "std_chaz";

  private KaplanMeier() {}

  /** The curves of every group of {@code subjects} (columns as in {@link Subjects}). */
  public static Dataset<Row> estimate(Dataset<Row> subjects, KmOptions options) {
    Dataset<Row> risk = RiskSets.table(subjects, null);
    WindowSpec upTo = Window.partitionBy(col(GROUP)).orderBy(col(TIME))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec wholeGroup = Window.partitionBy(col(GROUP));
    Column d = col(N_EVENTS).cast("double");
    Column n = col(N_AT_RISK).cast("double");
    Column partial = d.lt(n);
    Column reachedZero = max(when(d.geq(n).and(d.gt(0)), 1).otherwise(0)).over(upTo).equalTo(1);
    Column logSurvival = sum(when(partial.and(d.gt(0)), log1p(d.divide(n).multiply(-1))).otherwise(0.0)).over(upTo);
    Column greenwood = sum(when(partial.and(d.gt(0)), d.divide(n.multiply(n.minus(d)))).otherwise(0.0)).over(upTo);
    Column hazard = sum(when(d.gt(0), d.divide(n)).otherwise(0.0)).over(upTo);
    Column hazardVar = sum(when(d.gt(0), d.divide(n.multiply(n))).otherwise(0.0)).over(upTo);
    Column firstExit = min(when(col(TIME).gt(lit(START)), col(TIME))).over(wholeGroup);

    Dataset<Row> curve = risk.select(
        col(GROUP), col(TIME), col(N_AT_RISK), col(N_EVENTS), col(N_CENSORED), col(N_ENTERED),
        when(reachedZero, lit(0.0)).otherwise(exp(logSurvival)).as(SURVIVAL),
        when(reachedZero, lit(null).cast("double")).otherwise(sqrt(greenwood)).as(STD_ERR),
        hazard.as(CUMULATIVE_HAZARD), sqrt(hazardVar).as(STD_CHAZ),
        firstExit.as("first_exit"));
    // The start row becomes the time-0 row (S = 1) unless a real exit already sits at time 0.
    Column isStart = col(TIME).equalTo(lit(START));
    curve = curve
        .filter(not(isStart).or(col("first_exit").isNull()).or(col("first_exit").gt(0)))
        .select(
            col(GROUP),
            when(isStart, lit(0.0)).otherwise(col(TIME)).as(TIME),
            when(isStart, col(N_ENTERED)).otherwise(col(N_AT_RISK)).as(N_AT_RISK),
            col(N_EVENTS), col(N_CENSORED),
            when(isStart, lit(0L)).otherwise(col(N_ENTERED)).as(N_ENTERED),
            col(SURVIVAL), col(STD_ERR), col(CUMULATIVE_HAZARD), col(STD_CHAZ));
    return withConfidenceLimits(curve, options).select(
        col(GROUP), col(TIME), col(N_AT_RISK), col(N_EVENTS), col(N_CENSORED), col(N_ENTERED),
        col(SURVIVAL), col(STD_ERR), col(CI_LOWER), col(CI_UPPER), col(CONF_LEVEL), col(CONF_TYPE),
        col(CUMULATIVE_HAZARD), col(STD_CHAZ));
  }

  /** Adds {@code ci_lower, ci_upper, conf_level, conf_type} from {@code survival} and {@code std_err}, as R's survfit. */
  static Dataset<Row> withConfidenceLimits(Dataset<Row> curve, KmOptions options) {
    Column s = col(SURVIVAL);
    Column se = col(STD_ERR);
    Column z = lit(options.z());
    Column undefined = se.isNull().or(s.leq(0));
    Column nullDouble = lit(null).cast("double");
    Column lower;
    Column upper;
    switch (options.confType()) {
      case LOG -> {
        lower = s.multiply(exp(z.multiply(se).multiply(-1)));
        upper = least(lit(1.0), s.multiply(exp(z.multiply(se))));
      }
      case LOG_LOG -> {
        // Undefined at S = 1 as well: log(−log 1) is −∞ (R returns NA there).
        undefined = undefined.or(s.geq(1));
        Column logS = log(s);
        Column center = log(logS.multiply(-1));
        Column shift = z.multiply(se).divide(logS);
        lower = exp(exp(center.minus(shift)).multiply(-1));
        upper = exp(exp(center.plus(shift)).multiply(-1));
      }
      case PLAIN -> {
        Column half = z.multiply(s).multiply(se);
        lower = greatest(lit(0.0), s.minus(half));
        upper = least(lit(1.0), s.plus(half));
      }
      default -> throw new IllegalStateException("unknown conf type " + options.confType());
    }
    return curve
        .withColumn(CI_LOWER, when(undefined, nullDouble).otherwise(lower))
        .withColumn(CI_UPPER, when(undefined, nullDouble).otherwise(upper))
        .withColumn(CONF_LEVEL, lit(options.confLevel()))
        .withColumn(CONF_TYPE, lit(options.confType().label()));
  }
}
