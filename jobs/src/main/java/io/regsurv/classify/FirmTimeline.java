package io.regsurv.classify;

import static io.regsurv.classify.FirmStatusStep.INTERVAL;
import static io.regsurv.classify.FirmStatusStep.STATUS_DATE;
import static io.regsurv.core.CanonicalStatus.ACTIVE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.ClassifySettings;
import io.regsurv.core.CanonicalStatus;
import io.regsurv.core.TransitionKind;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.sketch.BloomFilter;

/**
 * Every snapshot at once: silver.firm, silver.status_event and silver.status_history from all of a
 * firm's sightings in one windowed pass (gaps and islands per USCC, ordered by snapshot date).
 *
 * <p>It gives the rows the snapshot-by-snapshot {@link FirmStatusStep} fold gives, because each of
 * that fold's state columns is a window function of the sightings: the previous status and sighting
 * are {@code lag}; "already exited" is "an earlier sighting had an exit status" (a run of an exit
 * status starts either at first sight or at a change, both of which set the flag); and the start of
 * the current status, clamped so that periods never run backwards, is the running maximum of the
 * start dates of the runs so far. Gaps come from the series of all snapshot dates: a firm missing
 * from the snapshot after one that listed it vanished there, and one listed again after missing the
 * previous snapshot reappeared. The number of Spark jobs does not depend on the number of snapshots.
 */
public final class FirmTimeline {
  private FirmTimeline() {}

  /** The observed columns the window and silver's event, history and totals rows read (with snapshot_date and status). */
  static final List<String> TIMELINE_COLUMNS =
      List.of("uscc", "uscc_valid", "status_raw", "established_date", "status_date", "cancellation_date", "revocation_date");

  /** The Bloom filter of vanished firms' keys in {@link #firms} holds at most this many bits (1 MiB). */
  static final long MAX_FILTER_BITS = 8L << 20;

  /** Up to this many sightings before the latest snapshot, {@link #firms} joins them all, without a Bloom filter. */
  static final long UNFILTERED_EARLIER_ROWS = 1_000_000L;

  /** The other observed columns: only silver.firm's row, the firm's last sighting, has them. */
  static final List<String> ATTRIBUTE_COLUMNS =
      FirmStatusStep.OBSERVED_COLUMNS.stream().filter(c -> !TIMELINE_COLUMNS.contains(c)).toList();

  /**
   * The timeline rows silver and the run's counts need, with only the columns they read (it is
   * cached): the fold's {@code prev_status}, {@code new_firm}, {@code changed}, {@code exit_status},
   * {@code interval_lower}, {@code dump_date_usable}, {@code event_date}, {@code event_date_source},
   * {@code since}, {@code transition_kind}, {@code reappeared}, {@code prev_snapshot} /
   * {@code next_snapshot} (of the whole series), {@code vanishes_next}, {@code is_last},
   * {@code next_start_since}, and the firm-wide {@code first_seen}, {@code ever_exited} and exit facts.
   *
   * <p>The rows kept are each firm's last sighting (silver.firm and the firm totals), status changes
   * and first sightings (history, events), gaps (vanish and reappear events) and unknown statuses
   * (their counts). On a long series most sightings repeat the one before and are none of these, so
   * only the first window, three offsets (the sightings before and after, the status before), runs
   * over every sighting; the rest is one more window over the kept rows, still partitioned and ordered
   * by the first window's sort. That gives the same values: every later window function reads only
   * start rows (first sightings and changes) or values set on them, and a run of an exit status
   * begins at a start row, so "an earlier sighting had an exit status" is "an earlier start row had
   * one". No window function reads another's result: the first exit is found as the earliest start
   * row in an exit status, and the next period's start from this row's running maximum and the next
   * start row's own start, so one window computes them all (three chained windows over the kept
   * rows, each copying every row, cost a tenth of a full recompute at full scale).
   *
   * @param classified bronze rows of the snapshots {@code dates} with a canonical {@code status}, one per uscc and snapshot
   * @param dates every snapshot date of the series, ascending (small: one per dump)
   */
  public static Dataset<Row> timeline(Dataset<Row> classified, List<LocalDate> dates, ClassifySettings settings) {
    String imputation = settings.intervalImputation();
    List<Column> prevKv = new ArrayList<>();
    List<Column> nextKv = new ArrayList<>();
    for (int i = 0; i < dates.size(); i++) {
      if (i > 0) {
        prevKv.add(lit(Date.valueOf(dates.get(i))));
        prevKv.add(lit(Date.valueOf(dates.get(i - 1))));
      }
      if (i + 1 < dates.size()) {
        nextKv.add(lit(Date.valueOf(dates.get(i))));
        nextKv.add(lit(Date.valueOf(dates.get(i + 1))));
      }
    }
    Column s = col("snapshot_date");
    // The series' neighbours of a snapshot: a map literal of a few dozen dates, no join.
    Column prevSnapshot = prevKv.isEmpty() ? lit(null).cast("date") : try_element_at(functions.map(prevKv.toArray(Column[]::new)), s);
    Column nextSnapshot = nextKv.isEmpty() ? lit(null).cast("date") : try_element_at(functions.map(nextKv.toArray(Column[]::new)), s);

    WindowSpec w = Window.partitionBy("uscc").orderBy("snapshot_date");
    WindowSpec upToHere = w.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec after = w.rowsBetween(1, Window.unboundedFollowing());
    WindowSpec whole = w.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());

    Column status = col("status");
    Column prevStatus = col("prev_status");
    Column established = col("established_date");
    // Only what the window and the kept rows need: every sighting goes through the window's shuffle
    // and sort, while the firm's other attributes are needed for its last sighting alone (firms()).
    List<Column> neededColumns = new ArrayList<>(List.of(col("snapshot_date"), status));
    TIMELINE_COLUMNS.forEach(c -> neededColumns.add(col(c)));
    Dataset<Row> needed = classified.select(neededColumns.toArray(Column[]::new));
    Dataset<Row> sightings =
        needed.select(
            col("*"),
            lag(s, 1).over(w).as("prev_seen"),
            lag(status, 1).over(w).as("prev_status"),
            lead(s, 1).over(w).as("next_seen"),
            prevSnapshot.as("prev_snapshot"),
            nextSnapshot.as("next_snapshot"));
    Column newFirm = col("prev_seen").isNull();
    Column changed = not(newFirm).and(status.notEqual(prevStatus));
    Dataset<Row> flagged =
        sightings.select(
            col("*"),
            newFirm.as("new_firm"),
            changed.as("changed"),
            not(newFirm).and(col("prev_snapshot").isNotNull()).and(col("prev_seen").lt(col("prev_snapshot"))).as("reappeared"),
            col("next_snapshot").isNotNull()
                .and(col("next_seen").isNull().or(col("next_seen").gt(col("next_snapshot")))).as("vanishes_next"),
            col("next_seen").isNull().as("is_last"));
    Dataset<Row> kept =
        flagged.where(col("is_last").or(col("new_firm")).or(col("changed")).or(col("reappeared")).or(col("vanishes_next"))
            .or(status.equalTo(CanonicalStatus.UNKNOWN.name())));

    Column isExitStatus = status.isin(settings.exitStatuses().toArray());
    Column isNew = col("new_firm");
    Column isChanged = col("changed");
    Column isStart = isNew.or(isChanged);
    // The earliest day the new status can have begun: the day after the previous sighting, or establishment.
    Column lower = when(isNew, established).otherwise(date_add(col("prev_seen"), 1));
    Column dumpDate =
        FirmStatusStep.dumpDate(status, prevStatus, col("cancellation_date"), col("revocation_date"), col("status_date"));
    // A dump date after the snapshot or before establishment is a data error: fall back to the interval.
    Column dumpDateUsable = dumpDate.isNotNull().and(dumpDate.geq(established)).and(dumpDate.leq(s));
    Column eventDate = when(dumpDateUsable, dumpDate).otherwise(FirmStatusStep.impute(lower, s, imputation));
    Column runStart = when(isNew, when(status.equalTo(ACTIVE.name()), established).otherwise(eventDate)).when(isChanged, eventDate);
    Dataset<Row> dated =
        kept.select(
            col("*"),
            isExitStatus.as("exit_status"),
            lower.as("interval_lower"),
            dumpDateUsable.as("dump_date_usable"),
            eventDate.as("event_date"),
            when(dumpDateUsable, lit(STATUS_DATE)).otherwise(lit(INTERVAL)).as("event_date_source"),
            runStart.as("run_start"));

    // The firm's first exit is its earliest start row (first sighting or change) in an exit status;
    // a status entered while already exited (REVOKED → CANCELLED) is not a new exit. A kept row has
    // the status of its run's start row, an earlier kept row, so "no earlier sighting had an exit
    // status" holds exactly there. A minimum of structs led by the (unique) snapshot date
    // picks that row's facts, so every frame below is of this one window, in one pass over the rows.
    Column fromInterval = not(col("dump_date_usable"));
    Column exitCandidate = col("exit_status").and(isStart);
    Column exitFacts =
        struct(s.as("at"), col("event_date").as("date"), status.as("cause"), col("event_date_source").as("source"),
            when(fromInterval, col("interval_lower")).as("lower"), when(fromInterval, s).as("upper"));
    Dataset<Row> windowed =
        dated.select(
            col("*"),
            max(col("exit_status")).over(whole).as("ever_exited"),
            min(s).over(whole).as("first_seen"),
            min(when(exitCandidate, exitFacts)).over(whole).as("first_exit_facts"),
            // Periods never run backwards when a dump date predates the last sighting of the old
            // status (registries publish with a lag): the start of a run is at least the start of the one before.
            max(col("run_start")).over(upToHere).as("since"),
            first(when(isStart, struct(col("run_start").as("run_start"))), true).over(after).as("next_start"),
            first(col("run_start"), true).over(after).as("next_run_start"));

    Column firstExit = exitCandidate.and(s.equalTo(col("first_exit_facts.at")));
    // The next period's start is the since of the next start row: the running maximum up to there,
    // i.e. this row's since and that row's start (the rows between start nothing). Where this since
    // is NULL, the first later start that is not.
    Column since = col("since");
    Column nextStartSince =
        when(since.isNotNull(), when(col("next_start").isNotNull(), greatest(since, col("next_start.run_start"))))
            .otherwise(col("next_run_start"));
    List<Column> out = new ArrayList<>();
    for (String c : List.of("uscc", "snapshot_date", "status", "status_raw", "uscc_valid", "established_date", "prev_status",
        "prev_snapshot", "next_snapshot", "new_firm", "changed", "reappeared", "vanishes_next", "is_last", "exit_status",
        "interval_lower", "dump_date_usable", "event_date", "event_date_source", "since", "first_seen", "ever_exited")) {
      out.add(col(c));
    }
    out.add(FirmStatusStep.transitionKind(status, prevStatus, firstExit).as("transition_kind"));
    out.add(nextStartSince.as("next_start_since"));
    out.add(col("first_exit_facts.date").as("exit_date"));
    out.add(col("first_exit_facts.cause").as("exit_cause"));
    out.add(col("first_exit_facts.source").as("exit_date_source"));
    out.add(col("first_exit_facts.lower").as("exit_date_lower"));
    out.add(col("first_exit_facts.upper").as("exit_date_upper"));
    // Only what silver's writes and the run's counts read: the timeline is cached.
    return windowed.select(out.toArray(Column[]::new));
  }

  /**
   * silver.firm as readers see it ({@link SilverFirm}, with last_seen_snapshot): each firm's last
   * sighting, with the firm-wide first sighting and exit facts, and its attributes as listed in that
   * sighting, joined from {@code sightings} (the bronze rows the timeline was made of).
   *
   * <p>Every row of the latest snapshot {@code latest} is a last sighting; of the earlier snapshots
   * only the last sightings of firms that vanished are, a few percent of their rows. A Bloom filter
   * of those firms' (uscc, snapshot) keys, made from the kept timeline rows, drops the other earlier
   * rows before the join's shuffle (its false positives find no partner in the join), so the
   * attributes of a long series are shuffled for about one snapshot's rows, never sorted. The filter
   * holds about 10 bits per vanished firm, at most {@link #MAX_FILTER_BITS}: it is made on the driver
   * and shipped with every task, so it must not grow with the registry; past the bound only its
   * false positives grow (more rows shuffled, the same result). With at most
   * {@link #UNFILTERED_EARLIER_ROWS} earlier rows ({@code earlierRows}; -1: not known) every
   * sighting goes to the join unfiltered: the filter's two jobs over the timeline cost more than
   * shuffling those few rows (a demo's registry), and the join gives the same rows.
   */
  public static Dataset<Row> firms(Dataset<Row> timeline, Dataset<Row> sightings, LocalDate latest, long sourceVersion, long earlierRows) {
    Column snapshot = col("snapshot_date");
    Column inLatest = snapshot.equalTo(lit(Date.valueOf(latest)));
    Column key = xxhash64(col("uscc"), snapshot);
    Dataset<Row> last = timeline.where(col("is_last"));
    Column wanted = lit(true);
    if (earlierRows < 0 || earlierRows > UNFILTERED_EARLIER_ROWS) {
      wanted = bloomFiltered(last.where(not(inLatest)).select(key.as("key")), inLatest, key);
    }
    List<Column> attributeColumns = new ArrayList<>(List.of(col("uscc"), snapshot));
    ATTRIBUTE_COLUMNS.forEach(c -> attributeColumns.add(col(c)));
    Dataset<Row> attributes = sightings.where(wanted).select(attributeColumns.toArray(Column[]::new));
    // A hash join on the narrow side: the attribute rows are shuffled but not sorted.
    Dataset<Row> joined = last.hint("shuffle_hash").join(attributes, new String[] {"uscc", "snapshot_date"});
    List<Column> cols = new ArrayList<>();
    for (StructField field : SilverFirm.schema().fields()) {
      String name = field.name();
      Column c =
          switch (name) {
            case "uscc", "uscc_valid", "name", "established_date", "province", "city", "entity_type",
                "registered_capital_amount", "registered_capital_currency", "is_ai_related",
                "legal_representative_hash", "exit_date", "exit_cause", "exit_date_source", "exit_date_lower",
                "exit_date_upper" -> col(name);
            case "capital_band" -> FirmStatusStep.capitalBand(col("registered_capital_amount"), col("registered_capital_currency"));
            case "current_status" -> col("status");
            case "current_status_raw" -> col("status_raw");
            case "status_since_date" -> col("since");
            case "first_seen_snapshot" -> col("first_seen");
            case "last_seen_snapshot" -> col("snapshot_date");
            case "is_exited" -> col("ever_exited");
            // The latest establishment date (it can be corrected after first sight); never negative.
            case "entry_age_days" -> greatest(lit(0), datediff(col("first_seen"), col("established_date")));
            case "source_version" -> lit(sourceVersion);
            default -> throw new IllegalStateException("silver.firm column without a rule: " + name);
          };
      cols.add(c.cast(field.dataType()).as(name));
    }
    return joined.select(cols.toArray(Column[]::new));
  }

  /**
   * The sightings {@link #firms} joins: those of the latest snapshot ({@code inLatest}) and the
   * earlier ones whose {@code key} a Bloom filter of {@code earlierLast}'s keys (the vanished firms'
   * last sightings) holds.
   */
  private static Column bloomFiltered(Dataset<Row> earlierLast, Column inLatest, Column key) {
    long vanished = earlierLast.count();
    if (vanished == 0) {
      return inLatest;
    }
    long bits = Math.min(BloomFilter.optimalNumOfBits(vanished, 0.01), MAX_FILTER_BITS);
    BloomFilter keys = earlierLast.stat().bloomFilter("key", vanished, bits);
    return inLatest.or(udf((UDF1<Long, Boolean>) keys::mightContainLong, DataTypes.BooleanType).apply(key));
  }

  /** silver.status_event: status changes (and a firm first seen in an exit status), vanishings and reappearances. */
  public static Dataset<Row> events(Dataset<Row> timeline, String imputation) {
    Column s = col("snapshot_date");
    Dataset<Row> changes =
        FirmStatusStep.statusChanges(timeline.where(col("changed").or(col("new_firm").and(col("exit_status")))),
            col("uscc"), col("prev_status"), col("status"), s);
    Dataset<Row> reappearances =
        FirmStatusStep.intervalEvents(timeline.where(col("reappeared")), col("uscc"), lit(CanonicalStatus.VANISHED), col("status"),
            date_add(col("prev_snapshot"), 1), s, imputation, TransitionKind.REAPPEAR);
    Dataset<Row> vanishings =
        FirmStatusStep.intervalEvents(timeline.where(col("vanishes_next")), col("uscc"), col("status"), lit(CanonicalStatus.VANISHED),
            date_add(s, 1), col("next_snapshot"), imputation, TransitionKind.VANISH);
    return FirmStatusStep.conform(changes.unionByName(reappearances).unionByName(vanishings), Tables.STATUS_EVENT);
  }

  /** silver.status_history: one SCD2 period per run of equal status, closed by the start of the next run. */
  public static Dataset<Row> history(Dataset<Row> timeline) {
    Dataset<Row> periods =
        timeline.where(col("new_firm").or(col("changed")))
            .select(
                col("uscc"),
                col("status"),
                col("status_raw"),
                col("since").as("valid_from"),
                col("next_start_since").as("valid_to"),
                col("next_start_since").isNull().as("is_current"),
                col("snapshot_date").as("detected_in_snapshot"));
    return FirmStatusStep.conform(periods, Tables.STATUS_HISTORY);
  }
}
