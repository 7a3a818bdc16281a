package io.regsurv.classify;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.regsurv.core.CanonicalStatus;
import io.regsurv.config.ClassifySettings;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * Folds one registry snapshot into the firm state: the new silver.firm rows, the observed
 * transitions (silver.status_event) and the SCD2 changes of silver.status_history.
 *
 * <p>Every run, incremental or full, is a sequence of these steps in snapshot order, starting
 * from an empty state for a full recompute: that is what makes both paths give the same tables.
 */
public final class FirmStatusStep {
  /** Statuses from which a return to ACTIVE is a reinstatement (MOVED_OUT → ACTIVE is a move back in). */
  static final List<String> PAUSED_OR_CLOSED =
      List.of("SUSPENDED", "DORMANT", "LIQUIDATING", "REVOKED", "REVOKED_CANCELLED", "CANCELLED", "ANNULLED", "ORDERED_CLOSED");

  static final List<String> CLOSING = List.of("CANCELLED", "REVOKED", "REVOKED_CANCELLED", "ANNULLED", "ORDERED_CLOSED");

  private FirmStatusStep() {}

  /** The three outputs of a step. {@code historyChanges} carries merge_key (NULL = insert) for the SCD2 MERGE. */
  public record Result(Dataset<Row> firms, Dataset<Row> events, Dataset<Row> historyChanges) {}

  /**
   * @param state the current silver.firm (empty before the first snapshot)
   * @param snapshot bronze rows of one snapshot with a canonical {@code status} column, one per uscc
   * @param snapshotDate that snapshot's date
   * @param previousSnapshot the latest snapshot already folded in, or null
   * @param sourceVersion the bronze Delta version read (lineage of rewritten rows)
   */
  public static Result fold(
      Dataset<Row> state,
      Dataset<Row> snapshot,
      LocalDate snapshotDate,
      LocalDate previousSnapshot,
      ClassifySettings settings,
      long sourceVersion) {
    Dataset<Row> f = state.alias("f");
    Dataset<Row> o = snapshot.alias("o");
    Dataset<Row> j = f.join(o, f.col("uscc").equalTo(o.col("uscc")), "full_outer");

    Column s = lit(Date.valueOf(snapshotDate));
    Column p = previousSnapshot == null ? lit(null).cast("date") : lit(Date.valueOf(previousSnapshot));
    Column seen = col("o.uscc").isNotNull();
    Column known = col("f.uscc").isNotNull();
    Column newFirm = seen.and(not(known));
    Column status = col("o.status");
    Column prevStatus = col("f.current_status");
    Column changed = seen.and(known).and(status.notEqual(prevStatus));
    Column wasExited = coalesce(col("f.is_exited"), lit(false));
    Column isExitStatus = status.isin(settings.exitStatuses().toArray());
    // A status entered while the firm was already exited (REVOKED → CANCELLED) is not a new exit:
    // survival needs the first end of a firm's life, not the last word of the registry.
    Column firstExit = isExitStatus.and(not(wasExited)).and(newFirm.or(changed));

    Column established = col("o.established_date");
    // The earliest day the new status can have begun: the day after the last dump that still
    // showed the old one, or establishment for a firm first seen in this snapshot.
    Column lower = when(newFirm, established).otherwise(date_add(col("f.last_seen_snapshot"), 1));
    Column dumpDate =
        when(status.equalTo("CANCELLED"), coalesce(col("o.cancellation_date"), col("o.status_date")))
            .when(status.equalTo("REVOKED"), coalesce(col("o.revocation_date"), col("o.status_date")))
            // Seen straight as 吊销，已注销, the firm's life ended at the revocation; after an
            // observed REVOKED, this transition is the cancellation.
            .when(
                status.equalTo("REVOKED_CANCELLED"),
                when(prevStatus.equalTo("REVOKED"), coalesce(col("o.cancellation_date"), col("o.status_date")))
                    .otherwise(coalesce(col("o.revocation_date"), col("o.cancellation_date"), col("o.status_date"))))
            .otherwise(col("o.status_date"));
    // A dump date after the snapshot or before establishment is a data error: fall back to the interval.
    Column dumpDateUsable = dumpDate.isNotNull().and(dumpDate.geq(established)).and(dumpDate.leq(s));
    Column imputed = impute(lower, s, settings.intervalImputation());
    Column eventDate = when(dumpDateUsable, dumpDate).otherwise(imputed);
    Column eventSource = when(dumpDateUsable, lit("status_date")).otherwise(lit("interval"));

    Column newSince =
        when(newFirm, when(status.equalTo("ACTIVE"), established).otherwise(eventDate))
            // Clamped so that SCD2 periods never run backwards when a dump date predates the last
            // observation of the old status (registries publish with a lag).
            .when(changed, greatest(eventDate, col("f.status_since_date")))
            .otherwise(col("f.status_since_date"));
    Column firstSeen = coalesce(col("f.first_seen_snapshot"), s);

    // ---- silver.firm: every column either from the new observation or kept from the state.
    List<Column> firmCols = new ArrayList<>();
    for (StructField field : Tables.get(Tables.FIRM).schema().fields()) {
      String name = field.name();
      Column fresh =
          switch (name) {
            case "uscc", "name", "established_date", "province", "city", "entity_type",
                "registered_capital_amount", "registered_capital_currency", "is_ai_related",
                "legal_representative_hash" -> col("o." + name);
            case "capital_band" -> capitalBand(col("o.registered_capital_amount"), col("o.registered_capital_currency"));
            case "current_status" -> status;
            case "current_status_raw" -> col("o.status_raw");
            case "status_since_date" -> newSince;
            case "first_seen_snapshot" -> firstSeen;
            case "last_seen_snapshot" -> s;
            case "is_exited" -> wasExited.or(firstExit);
            case "exit_date" -> when(firstExit, eventDate).otherwise(col("f.exit_date"));
            case "exit_cause" -> when(firstExit, status).otherwise(col("f.exit_cause"));
            case "exit_date_source" -> when(firstExit, eventSource).otherwise(col("f.exit_date_source"));
            case "exit_date_lower" -> when(firstExit, when(not(dumpDateUsable), lower)).otherwise(col("f.exit_date_lower"));
            case "exit_date_upper" -> when(firstExit, when(not(dumpDateUsable), s)).otherwise(col("f.exit_date_upper"));
            // Latest establishment date can be corrected after first sight; age at entry never negative.
            case "entry_age_days" -> greatest(lit(0), datediff(firstSeen, established));
            case "source_version" -> lit(sourceVersion);
            default -> throw new IllegalStateException("silver.firm column without a rule: " + name);
          };
      firmCols.add(when(seen, fresh).otherwise(col("f." + name)).cast(field.dataType()).as(name));
    }
    Dataset<Row> firms = j.select(firmCols.toArray(Column[]::new));

    // ---- silver.status_event
    Column kind =
        when(firstExit, lit("exit"))
            .when(status.equalTo("ACTIVE").and(prevStatus.equalTo("MOVED_OUT")), lit("move_in"))
            .when(status.equalTo("ACTIVE").and(prevStatus.isin(PAUSED_OR_CLOSED.toArray())), lit("reinstatement"))
            .when(status.equalTo("MOVED_OUT"), lit("move_out"))
            .when(status.equalTo("SUSPENDED"), lit("suspension"))
            .when(status.equalTo("DORMANT"), lit("dormancy"))
            .when(status.equalTo("LIQUIDATING"), lit("liquidation"))
            .when(status.isin(CLOSING.toArray()), lit("closure"))
            .otherwise(lit("other"));
    Column nullDate = lit(null).cast("date");
    // A firm seen now but missing from the previous dump came back after a gap.
    Column reappeared = seen.and(known).and(p.isNotNull()).and(col("f.last_seen_snapshot").lt(p));
    // Listed in the previous dump, missing from this one.
    Column vanished = known.and(not(seen)).and(p.isNotNull()).and(col("f.last_seen_snapshot").equalTo(p));
    Column afterPrevious = date_add(p, 1);

    Dataset<Row> changes =
        j.where(changed.or(newFirm.and(isExitStatus)))
            .select(
                col("o.uscc").as("uscc"),
                prevStatus.as("from_status"),
                status.as("to_status"),
                eventDate.as("event_date"),
                when(not(dumpDateUsable), lower).as("event_date_lower"),
                when(not(dumpDateUsable), s).as("event_date_upper"),
                eventSource.as("event_date_source"),
                s.as("detected_in_snapshot"),
                kind.as("transition_kind"));
    Dataset<Row> reappearances =
        j.where(reappeared)
            .select(
                col("o.uscc").as("uscc"),
                lit(CanonicalStatus.VANISHED).as("from_status"),
                status.as("to_status"),
                impute(afterPrevious, s, settings.intervalImputation()).as("event_date"),
                afterPrevious.as("event_date_lower"),
                s.as("event_date_upper"),
                lit("interval").as("event_date_source"),
                s.as("detected_in_snapshot"),
                lit("reappear").as("transition_kind"));
    Dataset<Row> vanishings =
        j.where(vanished)
            .select(
                col("f.uscc").as("uscc"),
                prevStatus.as("from_status"),
                lit(CanonicalStatus.VANISHED).as("to_status"),
                impute(afterPrevious, s, settings.intervalImputation()).as("event_date"),
                afterPrevious.as("event_date_lower"),
                s.as("event_date_upper"),
                lit("interval").as("event_date_source"),
                s.as("detected_in_snapshot"),
                lit("vanish").as("transition_kind"));
    Dataset<Row> events = conform(changes.unionByName(reappearances).unionByName(vanishings), Tables.STATUS_EVENT);

    // ---- silver.status_history changes: close the current period (merge_key = uscc) and open a new one (merge_key NULL).
    Dataset<Row> closes =
        j.where(changed)
            .select(
                col("o.uscc").as("merge_key"),
                col("o.uscc").as("uscc"),
                prevStatus.as("status"),
                lit(null).cast("string").as("status_raw"),
                nullDate.as("valid_from"),
                newSince.as("valid_to"),
                lit(false).as("is_current"),
                s.as("detected_in_snapshot"));
    Dataset<Row> opens =
        j.where(changed.or(newFirm))
            .select(
                lit(null).cast("string").as("merge_key"),
                col("o.uscc").as("uscc"),
                status.as("status"),
                col("o.status_raw").as("status_raw"),
                newSince.as("valid_from"),
                nullDate.as("valid_to"),
                lit(true).as("is_current"),
                s.as("detected_in_snapshot"));
    return new Result(firms, events, closes.unionByName(opens));
  }

  /** The date imputed inside [lower, upper] by the configured rule. */
  static Column impute(Column lower, Column upper, String rule) {
    return switch (rule) {
      case "lower" -> lower;
      case "upper" -> upper;
      // Midpoint rounded down: the expected date under a uniform hazard between the two dumps.
      default -> date_add(lower, floor(datediff(upper, lower).divide(2)).cast("int"));
    };
  }

  /**
   * Registered-capital band in 万 CNY. Only CNY (or no currency, the registry's default) is banded:
   * converting foreign capital needs an exchange-rate table the project does not have yet.
   */
  static Column capitalBand(Column amount, Column currency) {
    Column cny = currency.isNull().or(currency.equalTo("CNY"));
    return when(amount.isNull().or(not(cny)), lit("unknown"))
        .when(amount.lt(10), lit("<10"))
        .when(amount.lt(100), lit("10-100"))
        .when(amount.lt(1000), lit("100-1000"))
        .otherwise(lit(">=1000"));
  }

  /** Columns in the table's order and types. */
  static Dataset<Row> conform(Dataset<Row> df, String table) {
    List<Column> cols = new ArrayList<>();
    for (StructField field : Tables.get(table).schema().fields()) {
      cols.add(df.col(field.name()).cast(field.dataType()).as(field.name()));
    }
    return df.select(cols.toArray(Column[]::new));
  }
}
