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

  /** One month of {@link #monthly(List)}: the curve row in force at the month's end. */
  public record Month(int month, Row row) {}

  /**
   * {@link #monthly(Dataset, List)} of one curve held on the driver (rows ordered by time, the time
   * in field 1): month 0 to the curve's last month, each with the last row at or before its end.
   */
  public static List<Month> monthly(List<Row> curveByTime) {
    List<Month> out = new java.util.ArrayList<>();
    Row current = null;
    int next = 0;
    int lastMonth = Integer.MIN_VALUE;
    for (Row r : curveByTime) {
      lastMonth = Math.max(lastMonth, monthOf(r.getDouble(1)));
    }
    for (int m = 0; m <= lastMonth; m++) {
      while (next < curveByTime.size() && monthOf(curveByTime.get(next).getDouble(1)) <= m) {
        current = curveByTime.get(next++);
      }
      if (current != null) {
        out.add(new Month(m, current));
      }
    }
    return out;
  }

  /** The month whose end first covers a time: times in ((m-1)L, mL] belong to month m. */
  static int monthOf(double timeDays) {
    return (int) Math.ceil(timeDays / DAYS_PER_MONTH);
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
