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

import static io.regsurv.core.CanonicalStatus.ACTIVE;
import static io.regsurv.core.CanonicalStatus.CANCELLED;
import static io.regsurv.core.CanonicalStatus.CLOSING;
import static io.regsurv.core.CanonicalStatus.DORMANT;
import static io.regsurv.core.CanonicalStatus.LIQUIDATING;
import static io.regsurv.core.CanonicalStatus.MOVED_OUT;
import static io.regsurv.core.CanonicalStatus.PAUSED_OR_CLOSED;
import static io.regsurv.core.CanonicalStatus.REVOKED;
import static io.regsurv.core.CanonicalStatus.REVOKED_CANCELLED;
import static io.regsurv.core.CanonicalStatus.SUSPENDED;

import io.regsurv.core.CanonicalStatus;
import io.regsurv.core.TransitionKind;
import io.regsurv.config.ClassifySettings;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Folds one registry snapshot into the firm state: the new silver.firm rows, the observed
 * transitions (silver.status_event) and the SCD2 changes of silver.status_history.
 *
 * <p>Every run, incremental or full, is a sequence of these steps in snapshot order, starting
 * from an empty state for a full recompute: that is what makes both paths give the same tables.
 */
public final class FirmStatusStep {
  /** status_event.event_date_source (and silver.firm.exit_date_source): the dump gave the date. */
  static final String STATUS_DATE = "status_date";

  /** ... or it was imputed between the two snapshots. */
  static final String INTERVAL = "interval";

  private FirmStatusStep() {}

  /** The three outputs of a step. {@code historyChanges} carries merge_key (NULL = insert) for the SCD2 change. */
  public record Result(Dataset<Row> firms, Dataset<Row> firmChanges, Dataset<Row> events, Dataset<Row> historyChanges) {}

  /**
   * @param state the current silver.firm as readers see it ({@link SilverFirm}, with last_seen_snapshot; empty before the first snapshot)
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
    Dataset<Row> t = transitions(join(state, snapshot), snapshotDate, previousSnapshot, settings);
    return new Result(
        firmRows(t, snapshotDate, sourceVersion),
        firmChanges(withFirmRow(t, snapshotDate, sourceVersion), snapshotDate),
        events(t, snapshotDate, previousSnapshot, settings.intervalImputation()),
        historyChanges(t, snapshotDate));
  }

  /**
   * Every firm known or seen: the state's columns under alias {@code f}, the snapshot's under
   * {@code o}; one side is all NULL for a firm new in the snapshot (no f) or missing from it (no o).
   */
  public static Dataset<Row> join(Dataset<Row> state, Dataset<Row> snapshot) {
    Dataset<Row> f = state.alias("f");
    Dataset<Row> o = snapshot.alias("o");
    return f.join(o, f.col("uscc").equalTo(o.col("uscc")), "full_outer");
  }

  /**
   * The {@link #join} with what happened to each firm in this snapshot: boolean {@code seen},
   * {@code known}, {@code new_firm}, {@code changed} (status differs), {@code was_exited},
   * {@code exit_status}, {@code first_exit}, {@code reappeared}, {@code vanished}; the dates
   * {@code interval_lower} (earliest day the new status can have begun), {@code event_date},
   * {@code event_date_source}, {@code dump_date_usable} and {@code new_since} (start of the
   * current status); and {@code transition_kind} of a status change.
   */
  public static Dataset<Row> transitions(
      Dataset<Row> joined, LocalDate snapshotDate, LocalDate previousSnapshot, ClassifySettings settings) {
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
        dumpDate(status, prevStatus, col("o.cancellation_date"), col("o.revocation_date"), col("o.status_date"));
    // A dump date after the snapshot or before establishment is a data error: fall back to the interval.
    Column dumpDateUsable = dumpDate.isNotNull().and(dumpDate.geq(established)).and(dumpDate.leq(s));
    Column eventDate = when(dumpDateUsable, dumpDate).otherwise(impute(lower, s, settings.intervalImputation()));
    Column eventSource = when(dumpDateUsable, lit(STATUS_DATE)).otherwise(lit(INTERVAL));

    Column newSince =
        when(newFirm, when(status.equalTo(ACTIVE.name()), established).otherwise(eventDate))
            // Clamped so that SCD2 periods never run backwards when a dump date predates the last
            // observation of the old status (registries publish with a lag).
            .when(changed, greatest(eventDate, col("f.status_since_date")))
            .otherwise(col("f.status_since_date"));

    return joined.select(
        col("*"),
        seen.as("seen"),
        known.as("known"),
        newFirm.as("new_firm"),
        changed.as("changed"),
        wasExited.as("was_exited"),
        isExitStatus.as("exit_status"),
        firstExit.as("first_exit"),
        lower.as("interval_lower"),
        dumpDateUsable.as("dump_date_usable"),
        eventDate.as("event_date"),
        eventSource.as("event_date_source"),
        newSince.as("new_since"),
        transitionKind(status, prevStatus, firstExit).as("transition_kind"),
        // A firm seen now but missing from the previous dump came back after a gap.
        seen.and(known).and(p.isNotNull()).and(col("f.last_seen_snapshot").lt(p)).as("reappeared"),
        // Listed in the previous dump, missing from this one.
        known.and(not(seen)).and(p.isNotNull()).and(col("f.last_seen_snapshot").equalTo(p)).as("vanished"));
  }

  /** The date the dump gives for entering {@code status}: the specific date column of that status, else the status date. */
  public static Column dumpDate(Column status, Column prevStatus, Column cancellationDate, Column revocationDate, Column statusDate) {
    return when(status.equalTo(CANCELLED.name()), coalesce(cancellationDate, statusDate))
        .when(status.equalTo(REVOKED.name()), coalesce(revocationDate, statusDate))
        // Seen straight as 吊销，已注销, the firm's life ended at the revocation; after an
        // observed REVOKED, this transition is the cancellation.
        .when(
            status.equalTo(REVOKED_CANCELLED.name()),
            when(prevStatus.equalTo(REVOKED.name()), coalesce(cancellationDate, statusDate))
                .otherwise(coalesce(revocationDate, cancellationDate, statusDate)))
        .otherwise(statusDate);
  }

  /** The status_event.transition_kind of a change from {@code prevStatus} to {@code status}. */
  public static Column transitionKind(Column status, Column prevStatus, Column firstExit) {
    Column active = status.equalTo(ACTIVE.name());
    return when(firstExit, kind(TransitionKind.EXIT))
        .when(active.and(prevStatus.equalTo(MOVED_OUT.name())), kind(TransitionKind.MOVE_IN))
        .when(active.and(prevStatus.isin((Object[]) CanonicalStatus.names(PAUSED_OR_CLOSED))), kind(TransitionKind.REINSTATEMENT))
        .when(status.equalTo(MOVED_OUT.name()), kind(TransitionKind.MOVE_OUT))
        .when(status.equalTo(SUSPENDED.name()), kind(TransitionKind.SUSPENSION))
        .when(status.equalTo(DORMANT.name()), kind(TransitionKind.DORMANCY))
        .when(status.equalTo(LIQUIDATING.name()), kind(TransitionKind.LIQUIDATION))
        .when(status.isin((Object[]) CanonicalStatus.names(CLOSING)), kind(TransitionKind.CLOSURE))
        .otherwise(kind(TransitionKind.OTHER));
  }

  /**
   * The new firm state (as readers see silver.firm, with last_seen_snapshot: {@link SilverFirm}):
   * every column either from the new observation or kept from the state.
   */
  public static Dataset<Row> firmRows(Dataset<Row> transitions, LocalDate snapshotDate, long sourceVersion) {
    return transitions.select(firmColumns(snapshotDate, sourceVersion).toArray(Column[]::new));
  }

  /**
   * The transitions with each firm's new row ({@code firm_row}, a struct of the logical silver.firm
   * columns) and whether it must be written ({@code firm_changed}): firms that appeared, vanished or
   * reappeared, or whose stored columns changed. A firm merely listed again keeps its row, lineage
   * (source_version) included: only its last sighting moved, and that is derived, not stored.
   *
   * <p>Computed as columns, to be persisted with the transitions, not as a filter: a filter on the
   * comparison below a projection of the same columns makes Spark's constraint propagation
   * substitute each alias into it (exponential in the number of columns; the driver ran out of
   * memory planning the write of these rows).
   */
  public static Dataset<Row> withFirmRow(Dataset<Row> transitions, LocalDate snapshotDate, long sourceVersion) {
    List<Column> cols = firmColumns(snapshotDate, sourceVersion);
    String[] names = SilverFirm.schema().fieldNames();
    List<Column> fresh = new ArrayList<>();
    List<Column> kept = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (!names[i].equals(SilverFirm.LAST_SEEN) && !names[i].equals("source_version")) {
        fresh.add(cols.get(i));
        kept.add(col("f." + names[i]).cast(SilverFirm.schema().fields()[i].dataType()).as(names[i]));
      }
    }
    // One null-safe comparison of two structs (fields equal, NULLs equal), not an OR per column.
    Column same = functions.struct(fresh.toArray(Column[]::new)).eqNullSafe(functions.struct(kept.toArray(Column[]::new)));
    Column changed = col("new_firm").or(col("vanished")).or(col("reappeared")).or(col("seen").and(not(same)));
    return transitions.select(col("*"), functions.struct(cols.toArray(Column[]::new)).as("firm_row"), changed.as("firm_changed"));
  }

  /**
   * The bronze columns silver is computed from (besides snapshot_date): a step or the one pass
   * reads only these, so its shuffle and cache carry no other column.
   */
  public static Column[] observedColumns() {
    return OBSERVED_COLUMNS.stream().map(functions::col).toArray(Column[]::new);
  }

  static final List<String> OBSERVED_COLUMNS = List.of(
      "uscc", "uscc_valid", "name", "status_raw", "established_date", "status_date", "cancellation_date", "revocation_date",
      "province", "city", "entity_type", "registered_capital_amount", "registered_capital_currency", "is_ai_related",
      "legal_representative_hash");

  /**
   * The rows of a {@link #join} whose firm row can change in this step: firms that appeared,
   * vanished or reappeared, and listed firms whose status or another observed column differs from
   * the stored one (every other column of the row follows from these and from the stored row, so a
   * row that passes no part of this test keeps its firm row: {@link #withFirmRow}'s
   * {@code firm_changed} is false). A cheap test on the join ahead of the transitions: the
   * transitions' projection is tens of kilobytes of generated code, larger than the JIT compiles,
   * so it should run only for the few percent of firms that change.
   */
  public static Dataset<Row> mayChange(Dataset<Row> joined, LocalDate previousSnapshot) {
    Column seen = col("o.uscc").isNotNull();
    Column known = col("f.uscc").isNotNull();
    Column p = previousSnapshot == null ? lit(null).cast("date") : lit(Date.valueOf(previousSnapshot));
    List<Column> observed = new ArrayList<>();
    List<Column> stored = new ArrayList<>();
    for (StructField field : SilverFirm.schema().fields()) {
      String source =
          switch (field.name()) {
            case "uscc_valid", "name", "established_date", "province", "city", "entity_type", "registered_capital_amount",
                "registered_capital_currency", "is_ai_related", "legal_representative_hash" -> field.name();
            case "current_status" -> "status";
            case "current_status_raw" -> "status_raw";
            default -> null;
          };
      if (source != null) {
        observed.add(col("o." + source).cast(field.dataType()));
        stored.add(col("f." + field.name()));
      }
    }
    Column differs = not(functions.struct(observed.toArray(Column[]::new)).eqNullSafe(functions.struct(stored.toArray(Column[]::new))));
    Column lastSeen = col("f.last_seen_snapshot");
    return joined.where(
        seen.and(not(known))
            .or(known.and(not(seen)).and(lastSeen.equalTo(p)))
            .or(seen.and(known).and(lastSeen.lt(p).or(differs))));
  }

  /**
   * The rows of {@link #withFirmRow} whose firm row changed: they include every row {@link #events},
   * {@link #historyChanges} and {@link #firmChanges} select (a status change or a first sighting
   * changes the row; so do vanishing and reappearing).
   */
  public static Dataset<Row> changedOnly(Dataset<Row> withFirmRow) {
    return withFirmRow.where(col("firm_changed"));
  }

  /**
   * The silver.firm rows an increment writes, as stored ({@link SilverFirm#toStored}): the firm rows
   * of {@link #withFirmRow} that changed.
   */
  public static Dataset<Row> firmChanges(Dataset<Row> withFirmRow, LocalDate snapshotDate) {
    return SilverFirm.toStored(withFirmRow.where(col("firm_changed")).select(col("firm_row.*")), snapshotDate);
  }

  /** The keys (one column, uscc) of the stored firm rows {@link #firmChanges} replaces: changed firms the state listed. */
  public static Dataset<Row> replacedFirms(Dataset<Row> withFirmRow) {
    return withFirmRow.where(col("firm_changed").and(col("known"))).select(col("f.uscc").as("uscc"));
  }

  /** The new state's columns (logical silver.firm), each named after its column. */
  private static List<Column> firmColumns(LocalDate snapshotDate, long sourceVersion) {
    Column s = lit(Date.valueOf(snapshotDate));
    Column firstExit = col("first_exit");
    Column fromInterval = not(col("dump_date_usable"));
    Column established = col("o.established_date");
    Column firstSeen = coalesce(col("f.first_seen_snapshot"), s);
    List<Column> firmCols = new ArrayList<>();
    for (StructField field : SilverFirm.schema().fields()) {
      String name = field.name();
      Column fresh =
          switch (name) {
            // uscc_valid is a function of uscc, the key: it never differs between snapshots.
            case "uscc", "uscc_valid", "name", "established_date", "province", "city", "entity_type",
                "registered_capital_amount", "registered_capital_currency", "is_ai_related",
                "legal_representative_hash" -> col("o." + name);
            case "capital_band" -> capitalBand(col("o.registered_capital_amount"), col("o.registered_capital_currency"));
            case "current_status" -> col("o.status");
            case "current_status_raw" -> col("o.status_raw");
            case "status_since_date" -> col("new_since");
            case "first_seen_snapshot" -> firstSeen;
            case "last_seen_snapshot" -> s;
            case "is_exited" -> col("was_exited").or(firstExit);
            case "exit_date" -> when(firstExit, col("event_date")).otherwise(col("f.exit_date"));
            case "exit_cause" -> when(firstExit, col("o.status")).otherwise(col("f.exit_cause"));
            case "exit_date_source" -> when(firstExit, col("event_date_source")).otherwise(col("f.exit_date_source"));
            case "exit_date_lower" -> when(firstExit, when(fromInterval, col("interval_lower"))).otherwise(col("f.exit_date_lower"));
            case "exit_date_upper" -> when(firstExit, when(fromInterval, s)).otherwise(col("f.exit_date_upper"));
            // Latest establishment date can be corrected after first sight; age at entry never negative.
            case "entry_age_days" -> greatest(lit(0), datediff(firstSeen, established));
            case "source_version" -> lit(sourceVersion);
            default -> throw new IllegalStateException("silver.firm column without a rule: " + name);
          };
      firmCols.add(when(col("seen"), fresh).otherwise(col("f." + name)).cast(field.dataType()).as(name));
    }
    return firmCols;
  }

  /**
   * The new silver.status_event rows: status changes (and a firm first seen already in an exit
   * status), plus vanishings and reappearances, dated within the gap between the two dumps.
   */
  public static Dataset<Row> events(Dataset<Row> transitions, LocalDate snapshotDate, LocalDate previousSnapshot, String imputation) {
    Column s = lit(Date.valueOf(snapshotDate));
    Column p = previousSnapshot == null ? lit(null).cast("date") : lit(Date.valueOf(previousSnapshot));
    Column afterPrevious = date_add(p, 1);
    Dataset<Row> changes =
        statusChanges(transitions.where(col("changed").or(col("new_firm").and(col("exit_status")))),
            col("o.uscc"), col("f.current_status"), col("o.status"), s);
    Dataset<Row> reappearances =
        intervalEvents(transitions.where(col("reappeared")), col("o.uscc"), lit(CanonicalStatus.VANISHED), col("o.status"),
            afterPrevious, s, imputation, TransitionKind.REAPPEAR);
    Dataset<Row> vanishings =
        intervalEvents(transitions.where(col("vanished")), col("f.uscc"), col("f.current_status"), lit(CanonicalStatus.VANISHED),
            afterPrevious, s, imputation, TransitionKind.VANISH);
    return conform(changes.unionByName(reappearances).unionByName(vanishings), Tables.STATUS_EVENT);
  }

  /**
   * The silver.status_history SCD2 changes: close the current period of a firm whose status changed
   * (merge_key = uscc) and open a new one for it or for a new firm (merge_key NULL = insert).
   */
  public static Dataset<Row> historyChanges(Dataset<Row> transitions, LocalDate snapshotDate) {
    Column s = lit(Date.valueOf(snapshotDate));
    Column nullDate = lit(null).cast("date");
    Dataset<Row> closes =
        transitions.where(col("changed"))
            .select(
                col("o.uscc").as("merge_key"),
                col("o.uscc").as("uscc"),
                col("f.current_status").as("status"),
                lit(null).cast("string").as("status_raw"),
                nullDate.as("valid_from"),
                col("new_since").as("valid_to"),
                lit(false).as("is_current"),
                s.as("detected_in_snapshot"));
    Dataset<Row> opens =
        transitions.where(col("changed").or(col("new_firm")))
            .select(
                lit(null).cast("string").as("merge_key"),
                col("o.uscc").as("uscc"),
                col("o.status").as("status"),
                col("o.status_raw").as("status_raw"),
                col("new_since").as("valid_from"),
                nullDate.as("valid_to"),
                lit(true).as("is_current"),
                s.as("detected_in_snapshot"));
    return closes.unionByName(opens);
  }

  /**
   * Status-change events (both the fold and the one pass): dated by the dump where it can, else
   * imputed inside (interval_lower, detecting snapshot], with those bounds kept.
   */
  static Dataset<Row> statusChanges(Dataset<Row> rows, Column uscc, Column from, Column to, Column detectedIn) {
    Column fromInterval = not(col("dump_date_usable"));
    return rows.select(
        uscc.as("uscc"),
        from.as("from_status"),
        to.as("to_status"),
        col("event_date"),
        when(fromInterval, col("interval_lower")).as("event_date_lower"),
        when(fromInterval, detectedIn).as("event_date_upper"),
        col("event_date_source"),
        detectedIn.as("detected_in_snapshot"),
        col("transition_kind"));
  }

  /**
   * Vanish and reappear events: only known to lie in [lower, upper], upper being the snapshot that
   * detected them, so the date is imputed by the configured rule.
   */
  static Dataset<Row> intervalEvents(Dataset<Row> rows, Column uscc, Column from, Column to, Column lower, Column upper,
      String imputation, TransitionKind kind) {
    return rows.select(
        uscc.as("uscc"),
        from.as("from_status"),
        to.as("to_status"),
        impute(lower, upper, imputation).as("event_date"),
        lower.as("event_date_lower"),
        upper.as("event_date_upper"),
        lit(INTERVAL).as("event_date_source"),
        upper.as("detected_in_snapshot"),
        kind(kind).as("transition_kind"));
  }

  private static Column kind(TransitionKind kind) {
    return lit(kind.id());
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
