package io.regsurv.survival;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** Survival curves on a monthly grid: S at the end of every month of age (month m ends at m · 365.25/12 days). */
public final class CurveGrid {
  public static final double DAYS_PER_MONTH = 365.25 / 12;

  private CurveGrid() {}

  /**
   * One row per curve key and month 0..last month of the curve: the step function's value at the
   * month end (the last curve row at or before it). {@code keys} identify a curve; the curve needs
   * {@code time_days, n_at_risk, survival, ci_lower, ci_upper}.
   */
  public static Dataset<Row> monthly(Dataset<Row> curve, List<String> keys) {
    Column[] keyCols = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    // The month whose end first covers a time: times in ((m-1)L, mL] belong to month m.
    Column month = ceil(col("time_days").divide(DAYS_PER_MONTH)).cast("int");
    Dataset<Row> lastInMonth =
        curve.withColumn("month", month)
            .groupBy(concat(keyCols, col("month")))
            .agg(max_by(struct(col("time_days"), col("n_at_risk"), col("survival"), col("ci_lower"), col("ci_upper")), col("time_days")).as("s"));
    Dataset<Row> months =
        curve.groupBy(keyCols).agg(max(month).as("last_month"))
            .withColumn("month", explode(sequence(lit(0), col("last_month"))))
            .drop("last_month");
    WindowSpec upTo = Window.partitionBy(keyCols).orderBy(col("month")).rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    String[] joinKeys = concatNames(keys, "month");
    return months.join(lastInMonth, scala.jdk.javaapi.CollectionConverters.asScala(List.of(joinKeys)).toSeq(), "left")
        .withColumn("s", last(col("s"), true).over(upTo))
        .select(concat(keyCols,
            col("month"),
            col("month").multiply(DAYS_PER_MONTH).as("time_days"),
            col("s.n_at_risk").as("n_at_risk"),
            col("s.survival").as("survival"),
            col("s.ci_lower").as("ci_lower"),
            col("s.ci_upper").as("ci_upper")));
  }

  private static Column[] concat(Column[] first, Column... more) {
    Column[] all = new Column[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static String[] concatNames(List<String> first, String more) {
    String[] all = first.toArray(new String[first.size() + 1]);
    all[first.size()] = more;
    return all;
  }
}
