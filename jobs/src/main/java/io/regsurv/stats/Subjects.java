package io.regsurv.stats;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.regsurv.core.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Column names of the engine's input, one row per subject (firm), or per set of identical
 * subjects with the optional {@link #WEIGHT}: {@code group} (string),
 * {@code entry} (double, 0 without delayed entry), {@code time} (double, exit time ≥ entry),
 * {@code event} (int, 1 = event, 0 = censored) and, for competing risks, {@code cause}
 * (string, NULL when censored).
 *
 * <p>A subject is at risk on (entry, time], as R's {@code Surv(entry, time, event)}. An entry of 0
 * (or less) means "at risk from the start", so that an exit at time 0 is counted as R counts
 * right-censored data.
 */
public final class Subjects {
  public static final String GROUP = "group";
  public static final String ENTRY = "entry";
  public static final String TIME = "time";
  public static final String EVENT = "event";
  public static final String CAUSE = "cause";
  /**
   * Optional: how many identical subjects the row stands for (long). Without it every row is one
   * subject. Registry cohorts have millions of firms but few distinct (entry, exit, event, cause)
   * rows, so the jobs hand the engine {@link #aggregated} subjects and its cost follows the distinct
   * rows, not the firms.
   */
  public static final String WEIGHT = "weight";

  /** The group name of an ungrouped curve (as R's reference files call it). */
  public static final String ALL = "all";

  /** The group of rows whose group value is NULL. */
  public static final String MISSING_GROUP = "(missing)";

  private Subjects() {}

  /**
   * The subjects of an arbitrary table, validated: one aggregation pass counts bad values, and the
   * first problem found is reported as a {@link BadInputException} naming the column, the source,
   * how many rows and one offending value.
   *
   * @param source how the user named the input (file, path or "query"), for messages
   */
  public static Dataset<Row> from(Dataset<Row> table, SubjectSpec spec, String source) {
    List<String> present = Arrays.asList(table.columns());
    List<String> wanted = new ArrayList<>(List.of(spec.time(), spec.event()));
    if (spec.entry() != null) {
      wanted.add(spec.entry());
    }
    if (spec.group() != null) {
      wanted.add(spec.group());
    }
    for (String name : wanted) {
      if (!present.contains(name)) {
        throw new BadInputException("Cannot estimate survival from " + source + ": column '" + name
            + "' not found (columns: " + String.join(", ", present) + ")");
      }
    }
    Column timeRaw = trim(column(spec.time()).cast("string"));
    Column time = timeRaw.try_cast("double");
    Column entryRaw = spec.entry() == null ? lit("0") : trim(column(spec.entry()).cast("string"));
    Column entry = entryRaw.try_cast("double");
    Column eventRaw = trim(column(spec.event()).cast("string"));
    Column event;
    Column eventBad;
    Column cause = lit(null).cast("string");
    String eventRule;
    if (spec.competing()) {
      Column censored = eventRaw.isNull().or(eventRaw.equalTo("")).or(eventRaw.equalTo(spec.censorValue()));
      event = when(censored, 0).otherwise(1);
      cause = when(censored, lit(null).cast("string")).otherwise(eventRaw);
      eventBad = lit(false);
      eventRule = "";
    } else if (spec.eventValues() != null) {
      Column isEvent = eventRaw.isin(spec.eventValues().toArray());
      event = when(isEvent, 1).otherwise(0);
      if (spec.censorValues() != null) {
        eventBad = eventRaw.isNull().or(not(isEvent.or(eventRaw.isin(spec.censorValues().toArray()))));
        eventRule = "event values " + spec.eventValues() + " or censored values " + spec.censorValues();
      } else {
        eventBad = eventRaw.isNull();
        eventRule = "a value (empty)";
      }
    } else {
      Column numeric = eventRaw.try_cast("double");
      event = when(numeric.equalTo(1), 1).otherwise(0);
      eventBad = numeric.isNull().or(not(numeric.isin(0.0, 1.0)));
      eventRule = "0 or 1 (use --event-values for a status column)";
    }
    Column timeBad = time.isNull().or(time.isNaN()).or(time.equalTo(Double.POSITIVE_INFINITY));
    Column entryBad = entry.isNull().or(entry.isNaN()).or(entry.equalTo(Double.POSITIVE_INFINITY));
    Column negative = time.lt(0).or(entry.lt(0));
    Column entryAfterExit = spec.entry() == null ? lit(false) : entry.geq(time);
    Row checks = table.agg(
        count(timeBad), example(timeBad, timeRaw),
        count(entryBad), example(entryBad, entryRaw),
        count(negative), example(negative, spec.entry() == null ? timeRaw : pair(entryRaw, timeRaw)),
        count(entryAfterExit), example(entryAfterExit, pair(entryRaw, timeRaw)),
        count(eventBad), example(eventBad, eventRaw)).head();
    String prefix = "Cannot estimate survival from " + source + ": ";
    if (checks.getLong(0) > 0) {
      throw new BadInputException(prefix + "time column '" + spec.time() + "' has " + checks.getLong(0)
          + " missing or non-numeric value(s), e.g. '" + checks.get(1) + "'");
    }
    if (checks.getLong(2) > 0) {
      throw new BadInputException(prefix + "entry column '" + spec.entry() + "' has " + checks.getLong(2)
          + " missing or non-numeric value(s), e.g. '" + checks.get(3) + "'");
    }
    if (checks.getLong(4) > 0) {
      throw new BadInputException(prefix + checks.getLong(4) + " row(s) have a negative duration, e.g. "
          + (spec.entry() == null ? spec.time() : spec.entry() + " → " + spec.time()) + " = " + checks.get(5));
    }
    if (checks.getLong(6) > 0) {
      throw new BadInputException(prefix + checks.getLong(6) + " row(s) have entry ≥ exit ('" + spec.entry()
          + "' → '" + spec.time() + "' = " + checks.get(7) + "); a subject is at risk on (entry, exit]");
    }
    if (checks.getLong(8) > 0) {
      throw new BadInputException(prefix + "event column '" + spec.event() + "' has " + checks.getLong(8)
          + " value(s) outside the declared set, e.g. '" + checks.get(9) + "' (expected " + eventRule + ")");
    }
    Column group = spec.group() == null
        ? lit(ALL)
        : coalesce(column(spec.group()).cast("string"), lit(MISSING_GROUP));
    return table.select(group.as(GROUP), entry.as(ENTRY), time.as(TIME), event.cast("int").as(EVENT), cause.as(CAUSE));
  }

  /** The number of subjects a row stands for: its {@link #WEIGHT}, or 1 when the input has none. */
  static Column weight(Dataset<Row> subjects) {
    return Arrays.asList(subjects.columns()).contains(WEIGHT) ? col(WEIGHT).cast("long") : lit(1L);
  }

  /** One row per distinct (group, entry, time, event, cause) with its {@link #WEIGHT}: the same estimates, fewer rows. */
  public static Dataset<Row> aggregated(Dataset<Row> subjects) {
    return subjects
        .groupBy(col(GROUP), col(ENTRY), col(TIME), col(EVENT), col(CAUSE))
        .agg(sum(weight(subjects)).as(WEIGHT));
  }

  /** A column by its exact name (dots and spaces are part of the name, not a path). */
  private static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  private static Column count(Column bad) {
    return coalesce(sum(when(bad, 1L).otherwise(0L)), lit(0L));
  }

  private static Column example(Column bad, Column value) {
    return first(when(bad, coalesce(value, lit("(empty)"))), true);
  }

  private static Column pair(Column entry, Column time) {
    return org.apache.spark.sql.functions.concat_ws(" → ", entry, time);
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
