package io.regsurv.survival;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.regsurv.core.BadInputException;
import io.regsurv.core.CanonicalStatus;
import io.regsurv.core.ExitCause;
import io.regsurv.core.Uscc;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns silver.firm into survival subjects: one row per firm with its duration in days since
 * establishment, whether it exited by the as-of date (and by which cause group), and its entry
 * age when the data are left-truncated; and each firm's cohort in every dimension.
 */
public final class SurvivalSubjects {
  /** Cohort dimensions and how a firm's cohort is derived in each. */
  public static final List<String> DIMENSIONS =
      List.of("all", "establishment_year", "establishment_quarter", "era", "province", "entity_type", "capital_band", "is_ai_related");

  private SurvivalSubjects() {}

  /**
   * Firms with a usable code ({@link #identified()}) and a known status, established by {@code asOf}: columns of the firm plus
   * {@code entry_days} (0, or the age at first observation when {@code delayedEntry}),
   * {@code time_days}, {@code event} (1 = exited by asOf) and {@code cause} (NULL when censored).
   * A firm still alive is censored at its last observation or the as-of date, whichever is first.
   */
  public static Dataset<Row> fromFirms(Dataset<Row> firms, LocalDate asOf, boolean delayedEntry) {
    Column asOfDate = lit(Date.valueOf(asOf));
    Column exited = col("is_exited").and(col("exit_date").leq(asOfDate));
    Column end = when(exited, col("exit_date")).otherwise(least(col("last_seen_snapshot"), asOfDate));
    Column cause = causeOf(col("exit_cause"));
    Column entry = delayedEntry ? col("entry_age_days").cast("double") : lit(0.0);
    Dataset<Row> subjects =
        firms
            .filter(col("established_date").leq(asOfDate))
            .filter(identified())
            .filter(knownStatus())
            .withColumn("time_days", datediff(end, col("established_date")).cast("double"))
            .withColumn("event", when(exited, lit(1)).otherwise(lit(0)))
            .withColumn("cause", when(exited, cause))
            .withColumn("entry_days", entry);
    // Left truncation: R requires entry < exit; a firm seen once, at its last observation, adds nothing.
    return delayedEntry ? subjects.filter(col("entry_days").lt(col("time_days")).or(col("entry_days").equalTo(0))) : subjects;
  }

  /** Firms whose status is unknown (sources without a status column) carry no survival information. */
  public static Column knownStatus() {
    return col("current_status").notEqual(lit(CanonicalStatus.UNKNOWN.name())).or(col("is_exited"));
  }

  /**
   * Firms known by a code that identifies them: not an 18-character code with a wrong check
   * character ({@link Uscc#isMistyped}). Such a code is a typing error in one dump: as a firm of
   * its own it would be seen once and then vanish, a spurious censoring (or, at the last snapshot,
   * a spurious survivor). It is left out, not merged with its valid twin (no fuzzy matching).
   */
  public static Column identified() {
    return not(Uscc.isMistyped(col("uscc"), col("uscc_valid")));
  }

  /** The competing-risk cause group ({@link ExitCause}) of a canonical exit status. */
  public static Column causeOf(Column status) {
    Column c = lit(ExitCause.OTHER.id());
    for (ExitCause cause : ExitCause.values()) {
      if (!cause.statuses().isEmpty()) {
        c = when(status.isin((Object[]) CanonicalStatus.names(cause.statuses())), lit(cause.id())).otherwise(c);
      }
    }
    return c;
  }

  /**
   * Whether a subject is one of the stage's Cox model's: AI-related firms only when {@code
   * aiRelatedOnly}, and with delayed entry only firms at risk on a non-empty interval (R's
   * Surv(entry, time, event) needs entry < time; such a firm adds nothing). NULL counts as not.
   */
  public static Column isCoxSubject(boolean aiRelatedOnly, boolean delayedEntry) {
    Column subject = lit(true);
    if (aiRelatedOnly) {
      subject = subject.and(col("is_ai_related"));
    }
    if (delayedEntry) {
      subject = subject.and(col("entry_days").lt(col("time_days")));
    }
    return subject;
  }

  /**
   * Subjects with one column per Cox covariate, named after it: a cohort dimension (other than
   * "all") gives the firm's cohort in it, so the model's levels are the cohorts of
   * gold.cohort_summary ("unknown" when missing, a level of its own rather than a dropped firm);
   * any other name is the silver.firm column as it is (numeric, text or boolean). Keeps
   * time_days, event and entry_days.
   */
  public static Dataset<Row> withCovariates(Dataset<Row> subjects, List<String> covariates, LocalDate eraBoundary) {
    List<Column> columns = new ArrayList<>(List.of(col("time_days"), col("event"), col("entry_days")));
    for (String c : covariates) {
      columns.add((isCohortCovariate(c) ? cohortOf(c, eraBoundary) : col("`" + c + "`")).as(c));
    }
    return subjects.select(columns.toArray(Column[]::new));
  }

  /** True when a Cox covariate is a cohort dimension (its cohorts are the levels). */
  public static boolean isCohortCovariate(String name) {
    return DIMENSIONS.contains(name) && !name.equals("all");
  }

  /** The cohort of a firm within one dimension; never NULL ("unknown" instead). */
  static Column cohortOf(String dimension, LocalDate eraBoundary) {
    Column established = col("established_date");
    Column value =
        switch (dimension) {
          case "all" -> lit("all");
          case "establishment_year" -> year(established).cast("string");
          case "establishment_quarter" -> concat(year(established).cast("string"), lit("Q"), quarter(established).cast("string"));
          case "era" -> when(established.lt(lit(Date.valueOf(eraBoundary))), lit("before_" + eraBoundary)).otherwise(lit("since_" + eraBoundary));
          case "province" -> col("province");
          case "entity_type" -> col("entity_type");
          case "capital_band" -> col("capital_band");
          case "is_ai_related" -> col("is_ai_related").cast("string");
          default -> throw new BadInputException(
              "Unknown cohort dimension '" + dimension + "'; known: " + String.join(", ", DIMENSIONS));
        };
    return coalesce(value, lit("unknown"));
  }
}
