package io.regsurv.stats;

import static io.regsurv.stats.Subjects.ENTRY;
import static io.regsurv.stats.Subjects.EVENT;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The aggregate-first core shared by every estimator: per group and distinct time, the number at
 * risk just before the time (entry &lt; t ≤ exit), events, censorings and entries.
 *
 * <p>Subjects are only ever grouped ({@code groupBy(group, time)}); the cumulative sums run over the
 * aggregated table in a window partitioned by group, so no task holds more than one group's
 * distinct times.
 */
final class RiskSets {
  static final String N_AT_RISK = "n_at_risk";
  static final String N_EVENTS = "n_events";
  static final String N_CENSORED = "n_censored";
  static final String N_ENTERED = "n_entered";
  /** Time key of "entered at the start" (entry ≤ 0): before every exit, including one at time 0. */
  static final double START = Double.NEGATIVE_INFINITY;

  private RiskSets() {}

  /**
   * One row per group and time: the start row (time −∞, {@code n_entered} = subjects at risk from
   * the start) and every time with an exit (event or censoring), plus, when {@code extraTimes} (one
   * column {@code time}) is given, those times in every group, so that groups can be compared at
   * pooled times (log-rank).
   */
  static Dataset<Row> table(Dataset<Row> subjects, Dataset<Row> extraTimes) {
    Column event = col(EVENT).cast("long");
    Column w = Subjects.weight(subjects);
    Dataset<Row> exits =
        subjects.groupBy(col(GROUP), col(TIME))
            .agg(sum(event.multiply(w)).as("d"), sum(lit(1L).minus(event).multiply(w)).as("c"), lit(0L).as("e"));
    Column entryKey = when(col(ENTRY).leq(0), lit(START)).otherwise(col(ENTRY));
    Dataset<Row> entries =
        subjects.groupBy(col(GROUP), entryKey.as(TIME))
            .agg(lit(0L).as("d"), lit(0L).as("c"), sum(w).as("e"));
    // Every group gets a start row, even when all its subjects enter late (age scale).
    Dataset<Row> starts =
        subjects.select(col(GROUP)).distinct()
            .select(col(GROUP), lit(START).as(TIME), lit(0L).as("d"), lit(0L).as("c"), lit(0L).as("e"));
    Dataset<Row> all = exits.unionByName(entries).unionByName(starts);
    if (extraTimes != null) {
      all = all.unionByName(
          subjects.select(col(GROUP)).distinct().crossJoin(extraTimes.select(col(TIME)).distinct())
              .select(col(GROUP), col(TIME), lit(0L).as("d"), lit(0L).as("c"), lit(0L).as("e")));
    }
    Dataset<Row> byTime = all.groupBy(col(GROUP), col(TIME)).agg(sum("d").as("d"), sum("c").as("c"), sum("e").as("e"));
    WindowSpec before = Window.partitionBy(col(GROUP)).orderBy(col(TIME)).rowsBetween(Window.unboundedPreceding(), -1);
    Column enteredBefore = coalesce(sum(col("e")).over(before), lit(0L));
    Column exitedBefore = coalesce(sum(col("d").plus(col("c"))).over(before), lit(0L));
    Dataset<Row> counted =
        byTime.select(
            col(GROUP), col(TIME),
            enteredBefore.minus(exitedBefore).as(N_AT_RISK),
            col("d").as(N_EVENTS), col("c").as(N_CENSORED), col("e").as(N_ENTERED));
    Column keep = col(N_EVENTS).plus(col(N_CENSORED)).gt(0).or(col(TIME).equalTo(lit(START)));
    if (extraTimes != null) {
      Dataset<Row> extra = extraTimes.select(col(TIME).as("x_time")).distinct();
      return counted.join(extra, counted.col(TIME).equalTo(extra.col("x_time")), "left")
          .filter(keep.or(col("x_time").isNotNull()))
          .drop("x_time");
    }
    return counted.filter(keep);
  }
}
