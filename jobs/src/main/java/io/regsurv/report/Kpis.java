package io.regsurv.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.PublishedFigures.Figure;
import io.regsurv.core.CanonicalStatus;
import io.regsurv.core.KpiKind;
import io.regsurv.core.Uscc;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Headline figures as counts over firms, all computed in one aggregation: each figure is a
 * conditional sum over silver.firm joined with each firm's status on the dates the figures need.
 */
public final class Kpis {
  private Kpis() {}

  /**
   * The firms every figure counts: AI-related firms of silver.firm, less those known only by an
   * invalid USCC ({@link Uscc#isMistyped}: a typing error in one dump, not a firm; left out as
   * survival leaves them out, never merged with the valid twin).
   */
  public static Dataset<Row> counted(Dataset<Row> firms) {
    return firms.filter(col("is_ai_related").and(not(Uscc.isMistyped(col("uscc"), col("uscc_valid")))));
  }

  /** The column holding a firm's status on a date. */
  static String statusColumn(LocalDate on) {
    return "status_on_" + on.toString().replace('-', '_');
  }

  /**
   * Firms with one extra column per date: the canonical status valid on that date according to
   * silver.status_history (NULL when the firm had no known status then).
   */
  public static Dataset<Row> withStatusOn(Dataset<Row> firms, Dataset<Row> history, List<LocalDate> dates) {
    Dataset<Row> result = firms;
    if (dates.isEmpty()) {
      return result;
    }
    SparkSession spark = firms.sparkSession();
    List<Row> dateRows = dates.stream().map(d -> org.apache.spark.sql.RowFactory.create(Date.valueOf(d), statusColumn(d))).toList();
    Dataset<Row> onDates =
        spark.createDataFrame(
            dateRows,
            new org.apache.spark.sql.types.StructType().add("on_date", "date").add("status_column", "string"));
    Dataset<Row> statusOn =
        history
            .crossJoin(org.apache.spark.sql.functions.broadcast(onDates))
            .filter(col("valid_from").leq(col("on_date")).and(col("valid_to").isNull().or(col("valid_to").gt(col("on_date")))))
            .groupBy("uscc")
            .pivot("status_column", new ArrayList<>(dates.stream().map(Kpis::statusColumn).toList()))
            .agg(first("status"));
    return result.join(statusOn, result.col("uscc").equalTo(statusOn.col("uscc")), "left").drop(statusOn.col("uscc"));
  }

  /** The dates a list of figures needs statuses on. */
  public static List<LocalDate> datesNeeded(List<Figure> figures) {
    Set<LocalDate> dates = new LinkedHashSet<>();
    for (Figure f : figures) {
      if (f.on() != null) {
        dates.add(f.on());
      }
    }
    return List.copyOf(dates);
  }

  /** The numerator of a figure as a conditional count. */
  public static Column numerator(Figure f) {
    return sum(when(numeratorCondition(f), lit(1L)).otherwise(lit(0L)));
  }

  /** The denominator of a share figure (firms registered in the window); NULL for plain counts. */
  public static Column denominator(Figure f) {
    if (f.kind() != KpiKind.ABNORMAL_SHARE) {
      return lit(null).cast("long");
    }
    return sum(when(registeredIn(f.from(), f.to()), lit(1L)).otherwise(lit(0L)));
  }

  private static Column numeratorCondition(Figure f) {
    return switch (f.kind()) {
      case EXISTING -> col(statusColumn(f.on())).equalTo(lit(CanonicalStatus.ACTIVE.name()));
      case REGISTERED -> registeredIn(f.from(), f.to());
      case ABNORMAL, ABNORMAL_SHARE ->
          registeredIn(f.from(), f.to()).and(col(statusColumn(f.on())).isin((Object[]) CanonicalStatus.names(CanonicalStatus.ABNORMAL)));
      case EXITS -> {
        Column c = col("is_exited").and(col("exit_date").between(Date.valueOf(f.from()), Date.valueOf(f.to())));
        yield f.causes().isEmpty() ? c : c.and(col("exit_cause").isin((Object[]) CanonicalStatus.names(f.causes())));
      }
    };
  }

  private static Column registeredIn(LocalDate from, LocalDate to) {
    return col("established_date").between(Date.valueOf(from), Date.valueOf(to));
  }

  /**
   * The standard headline set relative to an as-of date: firms existing; registered since the
   * era boundary and how many of them are abnormal (count and share); exits in the last 3 and 10
   * years (and cancelled or revoked in the last 3); registered year-to-date.
   */
  public static List<Figure> headline(LocalDate asOf, LocalDate eraBoundary) {
    List<CanonicalStatus> cr = List.copyOf(CanonicalStatus.CANCELLED_OR_REVOKED);
    LocalDate threeYears = asOf.minusYears(3).plusDays(1);
    LocalDate tenYears = asOf.minusYears(10).plusDays(1);
    LocalDate yearStart = asOf.withDayOfYear(1);
    return List.of(
        new Figure("existing_firms", "AI-related firms existing (active) on " + asOf, KpiKind.EXISTING, asOf, null, null, null, Double.NaN, false),
        new Figure("registered_since_era", "AI-related firms registered " + eraBoundary + ".." + asOf, KpiKind.REGISTERED, null, eraBoundary, asOf, null, Double.NaN, false),
        new Figure("abnormal_since_era", "of those, cancelled, revoked or suspended on " + asOf, KpiKind.ABNORMAL, asOf, eraBoundary, asOf, null, Double.NaN, false),
        new Figure("abnormal_share_since_era", "share of those cancelled, revoked or suspended on " + asOf, KpiKind.ABNORMAL_SHARE, asOf, eraBoundary, asOf, null, Double.NaN, false),
        new Figure("exits_last_3y", "AI-related firms that exited " + threeYears + ".." + asOf, KpiKind.EXITS, null, threeYears, asOf, null, Double.NaN, false),
        new Figure("cancelled_revoked_last_3y", "of those, cancelled or revoked", KpiKind.EXITS, null, threeYears, asOf, cr, Double.NaN, false),
        new Figure("exits_last_10y", "AI-related firms that exited " + tenYears + ".." + asOf, KpiKind.EXITS, null, tenYears, asOf, null, Double.NaN, false),
        new Figure("registered_ytd", "AI-related firms registered " + yearStart + ".." + asOf, KpiKind.REGISTERED, null, yearStart, asOf, null, Double.NaN, false));
  }

  /** A figure's definition in words, stored with it. */
  public static String definition(Figure f) {
    return switch (f.kind()) {
      case EXISTING -> "AI-related firms whose canonical status on " + f.on() + " (silver.status_history) is " + CanonicalStatus.ACTIVE;
      case REGISTERED -> "AI-related firms with established_date in [" + f.from() + ", " + f.to() + "]";
      case ABNORMAL -> "AI-related firms established in [" + f.from() + ", " + f.to() + "] whose status on " + f.on() + " is one of "
          + CanonicalStatus.ABNORMAL;
      case ABNORMAL_SHARE -> "abnormal / registered, firms established in [" + f.from() + ", " + f.to() + "], status on " + f.on();
      case EXITS -> "AI-related firms whose first exit (silver.firm.exit_date, classify.exitStatuses) is in [" + f.from() + ", " + f.to() + "]"
          + (f.causes().isEmpty() ? "" : " with exit_cause in " + f.causes());
    };
  }
}
