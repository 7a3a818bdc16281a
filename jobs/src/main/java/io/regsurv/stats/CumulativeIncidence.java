package io.regsurv.stats;

import static io.regsurv.stats.RiskSets.N_AT_RISK;
import static io.regsurv.stats.RiskSets.N_EVENTS;
import static io.regsurv.stats.RiskSets.START;
import static io.regsurv.stats.Subjects.CAUSE;
import static io.regsurv.stats.Subjects.EVENT;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Cumulative incidence of each competing cause by the Aalen–Johansen (1978) estimator, equal to the
 * {@code pstate} of R's multi-state {@code survfit} for a single transient state: F_k(t) = Σ_{s ≤ t}
 * S(s−) · d_k(s)/n(s), with S the all-cause Kaplan–Meier curve. Unlike 1 − KM per cause (which
 * treats the other causes as censoring and overstates each one), the F_k add up to 1 − S.
 *
 * <p>Output columns: {@code group, time, cause, n_at_risk, n_events, cumulative_incidence}: every
 * group × exit time × cause seen anywhere in the input. Standard errors (R's infinitesimal
 * jackknife) are not computed.
 */
public final class CumulativeIncidence {
  public static final String CUMULATIVE_INCIDENCE = "cumulative_incidence";

  private CumulativeIncidence() {}

  /**
   * {@code subjects}: columns as in {@link Subjects}, {@code cause} the exit cause of rows with
   * event 1 (ignored for censored rows).
   */
  public static Dataset<Row> estimate(Dataset<Row> subjects) {
    Dataset<Row> risk = RiskSets.table(subjects, null).filter(col(TIME).notEqual(lit(START)));
    WindowSpec before = Window.partitionBy(col(GROUP)).orderBy(col(TIME))
        .rowsBetween(Window.unboundedPreceding(), -1);
    Column d = col(N_EVENTS).cast("double");
    Column n = col(N_AT_RISK).cast("double");
    Column zeroBefore = coalesce(max(when(d.geq(n).and(d.gt(0)), 1).otherwise(0)).over(before), lit(0)).equalTo(1);
    Column logBefore = coalesce(sum(when(d.lt(n).and(d.gt(0)), log1p(d.divide(n).multiply(-1))).otherwise(0.0)).over(before), lit(0.0));
    Dataset<Row> withS = risk.select(col(GROUP), col(TIME), col(N_AT_RISK),
        when(zeroBefore, lit(0.0)).otherwise(exp(logBefore)).as("s_before"));

    Dataset<Row> events = subjects.filter(col(EVENT).equalTo(1));
    // Causes are few by construction (a closed set of exit types), so crossing them with times is cheap.
    Dataset<Row> causes = events.select(col(CAUSE)).distinct();
    Dataset<Row> byCause = events.groupBy(col(GROUP).as("c_group"), col(TIME).as("c_time"), col(CAUSE).as("c_cause"))
        .agg(count(lit(1)).as("d_k"));
    Dataset<Row> grid = withS.crossJoin(causes);
    Dataset<Row> joined = grid.join(byCause,
            grid.col(GROUP).equalTo(byCause.col("c_group"))
                .and(grid.col(TIME).equalTo(byCause.col("c_time")))
                .and(grid.col(CAUSE).equalTo(byCause.col("c_cause"))),
            "left")
        .withColumn(N_EVENTS, coalesce(col("d_k"), lit(0L)));
    WindowSpec upTo = Window.partitionBy(col(GROUP), col(CAUSE)).orderBy(col(TIME))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column increment = col("s_before").multiply(col(N_EVENTS).cast("double")).divide(col(N_AT_RISK).cast("double"));
    return joined.select(col(GROUP), col(TIME), col(CAUSE), col(N_AT_RISK), col(N_EVENTS),
        sum(increment).over(upTo).as(CUMULATIVE_INCIDENCE));
  }
}
