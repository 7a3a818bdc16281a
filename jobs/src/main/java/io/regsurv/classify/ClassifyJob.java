package io.regsurv.classify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.ClassifySettings;
import io.regsurv.config.StatusDictionary;
import io.regsurv.core.BadInputException;
import io.regsurv.core.JobRun;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.core.Uscc;
import io.regsurv.io.DeltaCommits;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.SparkSessions;
import io.regsurv.io.SideBySide;
import io.regsurv.io.SilverStatusWriter;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;

/**
 * The classify stage: bronze snapshots to silver.firm, silver.status_history and
 * silver.status_event, folding in only new snapshots when it can and recomputing when it must.
 *
 * <p>silver.classify_watermark records which snapshots silver reflects, the bronze version read,
 * the settings in force and the silver versions written. A run is incremental only when every
 * bronze commit since then touched snapshot dates later than all processed ones; anything else
 * (first run, an older snapshot arriving late, a re-ingested snapshot, a changed dictionary or
 * exit definition, silver written by someone else or an interrupted run) recomputes from all of
 * bronze in one windowed pass ({@link FirmTimeline}: a constant number of Spark jobs however many
 * snapshots there are). An increment folds each new snapshot into silver.firm with
 * {@link FirmStatusStep} and writes only what changed; the two give the same rows (ClassifyPinTest,
 * ClassifyJobTest). Last sightings are not stored per firm but derived ({@link SilverFirm}).
 */
public final class ClassifyJob implements StageJob<ClassifyResult> {
  private final Warehouse warehouse;
  private final ClassifySettings settings;
  private final boolean forceFull;
  private StatusDictionary dictionary;

  public ClassifyJob(Warehouse warehouse, ClassifySettings settings, boolean forceFull) {
    this.warehouse = warehouse;
    this.settings = settings;
    this.forceFull = forceFull;
  }

  @Override
  public Stage stage() {
    return Stage.CLASSIFY;
  }

  /** The silver tables classify writes, each as a whole (no date column). */
  private static Map<String, String> writes() {
    Map<String, String> w = new LinkedHashMap<>();
    for (String t : List.of(Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT)) {
      w.put(t, null);
    }
    return w;
  }

  @Override
  public Inputs resolve() {
    if (!warehouse.exists(Tables.REGISTRY_SNAPSHOT)) {
      throw new BadInputException(
          "Cannot classify: " + Tables.REGISTRY_SNAPSHOT + " does not exist in " + warehouse.root() + " (run regsurv ingest first)");
    }
    dictionary = StatusDictionary.load(settings.statusDictionary());
    return new Inputs(null, List.of(), Map.of(Tables.REGISTRY_SNAPSHOT, warehouse.version(Tables.REGISTRY_SNAPSHOT)), fingerprint(dictionary),
        writes(), true);
  }

  @Override
  public ClassifyResult alreadyDone(String runId, Inputs inputs, JobRun done) {
    long bronzeVersion = inputs.versionsRead().get(Tables.REGISTRY_SNAPSHOT);
    return new ClassifyResult(runId, "unchanged", "bronze unchanged since version " + bronzeVersion + " (run " + done.runId() + ")", List.of(),
        bronzeVersion, 0, 0, 0, 0, 0, 0, Map.of());
  }

  @Override
  public Outcome outcome(ClassifyResult r) {
    Map<String, Long> written = new LinkedHashMap<>();
    for (String t : writes().keySet()) {
      if (warehouse.exists(t)) {
        written.put(t, warehouse.version(t));
      }
    }
    return new Outcome(r.snapshots().isEmpty() ? null : r.snapshots().get(r.snapshots().size() - 1), r.rowsRead(), r.firms(), null,
        written, summary(r), r.mode().equals("unchanged"));
  }

  /** One line for ops.job_run.message: mode, reason, firms with an invalid code and the unknown statuses with counts. */
  static String summary(ClassifyResult r) {
    StringBuilder sb = new StringBuilder(r.mode()).append(" (").append(r.reason()).append("); snapshots ")
        .append(r.snapshots()).append("; exits ").append(r.exits())
        .append("; firms known only by an invalid USCC ").append(r.firmsInvalidUscc());
    if (r.firmsRegistrationNumber() > 0) {
      sb.append("; firms keyed by a pre-2015 registration number ").append(r.firmsRegistrationNumber());
    }
    sb.append("; unknown status rows ").append(r.unknownRows());
    if (!r.unknownStatuses().isEmpty()) {
      sb.append(": ");
      List<String> parts = new ArrayList<>();
      r.unknownStatuses().forEach((k, v) -> parts.add(k + " (" + v + ")"));
      sb.append(String.join(", ", parts));
    }
    return sb.toString();
  }

  /** Up to this many sightings, a full recompute caches its timeline uncompressed. */
  static final long UNCOMPRESSED_TIMELINE_ROWS = 1_000_000L;

  @Override
  public ClassifyResult run(String runId, Inputs inputs) {
    String fingerprint = inputs.fingerprint();
    SilverStatusWriter writer = new SilverStatusWriter(warehouse);
    writer.ensureTables();
    long bronzeVersion = inputs.versionsRead().get(Tables.REGISTRY_SNAPSHOT);
    Dataset<Row> bronze = warehouse.readVersion(Tables.REGISTRY_SNAPSHOT, bronzeVersion);

    // One row per classified snapshot: small by construction. None before the first run.
    List<Row> marks = warehouse.exists(Tables.CLASSIFY_WATERMARK)
        ? warehouse.read(Tables.CLASSIFY_WATERMARK).orderBy("recorded_at", "snapshot_date").collectAsList() : List.of();
    Plan plan = plan(marks, fingerprint, bronzeVersion, bronze);
    if (plan.mode().equals("unchanged")) {
      return new ClassifyResult(runId, "unchanged", plan.reason(), List.of(), bronzeVersion, 0, 0, 0, 0, 0, 0, Map.of());
    }
    Dataset<Row> cached = null;
    try {
      if (plan.mode().equals("full")) {
        // Every snapshot in one windowed pass. The timeline holds only the rows the three writes and
        // the counts read (a firm's last sighting, its changes, its gaps, unknown statuses).
        Dataset<Row> selected = bronze.where(col("snapshot_date").isin(dates(plan.dates())));
        LocalDate latest = plan.dates().get(plan.dates().size() - 1);
        Map<String, Long> rowsByDate = plan.rowsByDate();
        long rowsRead = rowsByDate != null ? rowsByDate.values().stream().mapToLong(Long::longValue).sum() : selected.count();
        long earlierRows = rowsByDate != null ? rowsRead - rowsByDate.get(latest.toString()) : -1;
        Dataset<Row> classified = StatusClassification.withCanonical(selected, dictionary);
        cached = FirmTimeline.timeline(classified, plan.dates(), settings).persist(StorageLevel.MEMORY_AND_DISK());
        writer.prepareRecompute();
        Dataset<Row> timeline = cached;
        java.util.function.Supplier<Void> writeFirms = () -> {
          writer.replaceFirms(FirmTimeline.firms(timeline, selected, latest, bronzeVersion, earlierRows), latest);
          return null;
        };
        // silver.firm's write builds the cache; a short series' uncompressed (the demo's window stage
        // 5.9-6.8 s of task time compressed, 5.7-5.8 s not). A long one's stays compressed: at 18
        // full-scale snapshots, uncompressed, part of it went to disk with the default heap.
        if (rowsRead <= UNCOMPRESSED_TIMELINE_ROWS) {
          SparkSessions.withUncompressedCaches(warehouse.spark(), writeFirms);
        } else {
          writeFirms.get();
        }
        // The run's counts read only the timeline, cached by now: counted while the other tables are
        // written (mostly driver work: planning, Delta's commits), on a core those writes leave idle.
        try (SideBySide side = new SideBySide()) {
          java.util.concurrent.Future<ClassifyResult> counted = side.start(() -> finish(runId, plan, bronzeVersion, rowsRead, timeline, true));
          writer.replaceEvents(FirmTimeline.events(cached, settings.intervalImputation()));
          writer.replaceHistory(FirmTimeline.history(cached));
          writeWatermark(writer, plan.dates(), bronzeVersion, fingerprint, runId, true);
          return SideBySide.result(counted);
        }
      }
      // The increment's caches hold the firms that may change (a few percent), uncompressed: on
      // them the compression statistics gathered for every value cost more than the bytes saved.
      long rowsRead = SparkSessions.withUncompressedCaches(warehouse.spark(), () -> foldEach(plan, bronze, writer, bronzeVersion, fingerprint, runId));
      Dataset<Row> processed = StatusClassification.withCanonical(bronze.where(col("snapshot_date").isin(dates(plan.dates()))), dictionary);
      return finish(runId, plan, bronzeVersion, rowsRead, processed, false);
    } finally {
      if (cached != null) {
        cached.unpersist();
      }
    }
  }

  private static Object[] dates(List<LocalDate> dates) {
    return dates.stream().map(Date::valueOf).toArray();
  }

  /**
   * The incremental path: each new snapshot folded into the current silver.firm, in date order,
   * writing only what changed: new events, the SCD2 changes, and the firms that changed, appeared,
   * vanished or reappeared (a firm merely listed again is not rewritten: its last sighting is derived).
   */
  private long foldEach(Plan plan, Dataset<Row> bronze, SilverStatusWriter writer, long bronzeVersion, String fingerprint, String runId) {
    LocalDate previous = plan.previous();
    long read = 0;
    for (LocalDate date : plan.dates()) {
      // Only the columns silver reads: the join shuffles every column it is given.
      Dataset<Row> snapshot = StatusClassification.withCanonical(
          bronze.where(col("snapshot_date").equalTo(lit(Date.valueOf(date)))).select(FirmStatusStep.observedColumns()), dictionary);
      // Rows read from bronze's commit log, else counted; unknown statuses are counted with their
      // strings after the fold (finish).
      Long logged = plan.rowsByDate() == null ? null : plan.rowsByDate().get(date.toString());
      read += logged != null ? logged : snapshot.count();
      // The stored state reflects `previous`: a firm it lists was last seen then. Each table is
      // read at one version, the one its commit below replaces rows of.
      long firmVersion = warehouse.version(Tables.FIRM);
      long historyVersion = warehouse.version(Tables.STATUS_HISTORY);
      Dataset<Row> state = SilverFirm.withLastSeen(warehouse.readVersion(Tables.FIRM, firmVersion), previous);
      // Every event, history change and firm row an increment writes belongs to a firm whose row
      // changed (appeared, vanished, reappeared or a stored column differs), a few percent of the
      // join. Those rows are kept first, by a cheap test: the cache is also a barrier, so that the
      // transitions (large generated code) run over them alone, in a stage of their own, and not
      // over every firm in the join's stage. Their transitions are cached next, then each firm's new
      // row with its comparison to the stored one, for the three writes: as one stage that code was
      // too large for both JIT compilers (C1: out of virtual registers; C2: out of nodes) and ran
      // interpreted: 3.8-3.9 s of task time for 60,721 firms at full scale (warm JVM); as two, 2.5-2.8 s.
      Dataset<Row> joined =
          FirmStatusStep.mayChange(FirmStatusStep.join(state, snapshot), previous).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> moved = FirmStatusStep.transitions(joined, date, previous, settings).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> t = FirmStatusStep.changedOnly(FirmStatusStep.withFirmRow(moved, date, bronzeVersion))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        // A snapshot that changes no firm (every firm listed again as it was) writes nothing: its
        // events, SCD2 changes and firm rows all belong to changed firms, and a commit of nothing
        // would still leave empty data files behind.
        if (t.count() > 0) {
          LocalDate from = previous;
          SideBySide.run(List.of(
              () -> writer.appendEvents(FirmStatusStep.events(t, date, from, settings.intervalImputation())),
              () -> writer.changeHistory(FirmStatusStep.historyChanges(t, date), historyVersion),
              () -> writer.changeFirms(FirmStatusStep.firmChanges(t, date), FirmStatusStep.replacedFirms(t), firmVersion)));
        }
      } finally {
        t.unpersist();
        moved.unpersist();
        joined.unpersist();
      }
      writeWatermark(writer, List.of(date), bronzeVersion, fingerprint, runId, false);
      previous = date;
    }
    return read;
  }

  /**
   * The run's counts: unknown statuses (when not known yet), firms and exits. After a full recompute
   * they come from the cached timeline rows (its last sightings are the rows just written to
   * silver.firm; every unknown status is kept) in one aggregation: no read of silver.firm.
   */
  private ClassifyResult finish(String runId, Plan plan, long bronzeVersion, long rowsRead, Dataset<Row> processed,
      boolean timeline) {
    Column mistyped = Uscc.isMistyped(col("uscc"), col("uscc_valid"));
    Column firm = timeline ? col("is_last") : lit(true);
    Column exited = timeline ? col("ever_exited") : col("is_exited");
    List<Column> firmTotals = List.of(count(when(firm, 1)), count(when(firm.and(exited), 1)), count(when(firm.and(mistyped), 1)),
        count(when(firm.and(not(col("uscc_valid"))).and(not(mistyped)), 1)));
    long[] totals;
    // Unknown statuses: counted here after a full recompute; after an increment, with their strings below (-1 until then).
    long unknownRows = -1;
    if (timeline) {
      List<Column> all = new ArrayList<>(List.of(unknownCount()));
      all.addAll(firmTotals);
      long[] both = counts(processed, all);
      unknownRows = both[0];
      totals = java.util.Arrays.copyOfRange(both, 1, both.length);
    } else {
      totals = counts(warehouse.read(Tables.FIRM), firmTotals);
    }
    Map<String, Long> unknown = new LinkedHashMap<>();
    // The strings behind the unknown statuses, when there are any or they are not counted yet (an
    // increment): one query gives both.
    if (unknownRows != 0) {
      List<Row> top = StatusClassification.unknownCounts(processed, settings.unknownTopN()).collectAsList();
      if (unknownRows < 0) {
        unknownRows = top.isEmpty() ? 0 : top.get(0).getLong(2);
      }
      for (Row r : top) {
        unknown.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
      }
    }
    return new ClassifyResult(
        runId, plan.mode(), plan.reason(), plan.dates(), bronzeVersion, rowsRead,
        totals[0], totals[1], totals[2], totals[3], unknownRows, unknown);
  }

  private static Column unknownCount() {
    return count(when(col("status").equalTo(io.regsurv.core.CanonicalStatus.UNKNOWN.name()), 1));
  }

  /** One aggregation of counts (never NULL) over {@code rows}, as longs in the given order. */
  private static long[] counts(Dataset<Row> rows, List<Column> countColumns) {
    Row r = rows.agg(countColumns.get(0), countColumns.subList(1, countColumns.size()).toArray(Column[]::new)).head();
    long[] counts = new long[countColumns.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = r.getLong(i);
    }
    return counts;
  }

  /**
   * What to fold in, from which previous snapshot, and why; the rows of each of bronze's dates (ISO
   * text) from its log, NULL when the log cannot answer (or nothing is to be done).
   */
  record Plan(String mode, String reason, List<LocalDate> dates, LocalDate previous, Map<String, Long> rowsByDate) {}

  private Plan plan(List<Row> marks, String fingerprint, long bronzeVersion, Dataset<Row> bronze) {
    String fullReason = null;
    if (forceFull) {
      fullReason = "--full";
    } else if (marks.isEmpty()) {
      fullReason = "first run";
    } else if (!warehouse.missingColumns(Tables.FIRM).isEmpty()) {
      fullReason = "silver.firm lacks column(s) " + warehouse.missingColumns(Tables.FIRM) + " (made by an earlier regsurv)";
    } else {
      Row last = marks.get(marks.size() - 1);
      if (!last.getAs("settings_fingerprint").equals(fingerprint)) {
        fullReason = "status dictionary, exit definition or silver.firm columns changed";
      } else if (silverChangedSince(last.getAs("firm_version"), Tables.FIRM)
          || silverChangedSince(last.getAs("status_history_version"), Tables.STATUS_HISTORY)
          || silverChangedSince(last.getAs("status_event_version"), Tables.STATUS_EVENT)) {
        fullReason = "silver changed since the last classify run (interrupted run or outside write)";
      } else {
        long seenVersion = last.getAs("bronze_version");
        if (seenVersion == bronzeVersion) {
          return new Plan("unchanged", "bronze unchanged since version " + bronzeVersion, List.of(), null, null);
        }
        LocalDate maxDone =
            marks.stream().map(r -> ((Date) r.getAs("snapshot_date")).toLocalDate()).max(Comparator.naturalOrder()).orElseThrow();
        Optional<TreeSet<LocalDate>> touched =
            DeltaCommits.touchedDates(warehouse, Tables.REGISTRY_SNAPSHOT, "snapshot_date", seenVersion, bronzeVersion);
        if (touched.isEmpty()) {
          fullReason = "bronze commit log since version " + seenVersion + " is no longer available";
        } else if (!touched.get().isEmpty() && !touched.get().first().isAfter(maxDone)) {
          fullReason = "snapshot " + touched.get().first() + " changed, not later than classified " + maxDone;
        } else {
          // The touched dates that hold rows, and their rows, from bronze's commit log; else a query.
          Optional<java.util.TreeMap<String, Long>> logged = warehouse.rowsByPartition(Tables.REGISTRY_SNAPSHOT, bronzeVersion, "snapshot_date");
          List<LocalDate> present = logged
              .map(rows -> touched.get().stream().filter(d -> rows.getOrDefault(d.toString(), 0L) > 0).toList())
              .orElseGet(() -> snapshotDates(bronze.where(col("snapshot_date").isin(touched.get().stream().map(Date::valueOf).toArray()))));
          if (present.isEmpty()) {
            return new Plan("unchanged", "no new snapshot in bronze versions " + (seenVersion + 1) + ".." + bronzeVersion, List.of(), null, null);
          }
          return new Plan("incremental", "new snapshots after " + maxDone, present, maxDone, logged.orElse(null));
        }
      }
    }
    // Every snapshot date in bronze, ascending, with its rows: from its commit log when it can answer, else a query.
    Optional<java.util.TreeMap<String, Long>> rows = warehouse.rowsByPartition(Tables.REGISTRY_SNAPSHOT, bronzeVersion, "snapshot_date");
    List<LocalDate> dates = rows.map(r -> r.keySet().stream().map(LocalDate::parse).toList()).orElseGet(() -> snapshotDates(bronze));
    return new Plan("full", fullReason, dates, null, rows.orElse(null));
  }

  /** True when a silver table has data commits after the version the watermark recorded (OPTIMIZE/VACUUM by `maintain` do not count). */
  private boolean silverChangedSince(long recorded, String table) {
    long current = warehouse.version(table);
    return current < recorded || !DeltaCommits.dataUnchanged(warehouse, table, recorded, current).orElse(false);
  }

  /** Distinct snapshot dates, ascending: one per dump, small by construction. */
  private static List<LocalDate> snapshotDates(Dataset<Row> bronze) {
    return bronze.select("snapshot_date").distinct().orderBy("snapshot_date").collectAsList().stream()
        .map(r -> r.getDate(0).toLocalDate())
        .toList();
  }

  /**
   * One watermark row per snapshot now reflected in silver, in one commit: appended by an increment,
   * replacing every row after a full recompute.
   */
  private void writeWatermark(SilverStatusWriter writer, List<LocalDate> dates, long bronzeVersion, String fingerprint, String runId,
      boolean replace) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    long firm = warehouse.version(Tables.FIRM);
    long history = warehouse.version(Tables.STATUS_HISTORY);
    long event = warehouse.version(Tables.STATUS_EVENT);
    for (LocalDate date : dates) {
      rows.add(RowFactory.create(Date.valueOf(date), bronzeVersion, fingerprint, firm, history, event, runId, now));
    }
    Dataset<Row> frame = warehouse.spark().createDataFrame(rows, Tables.get(Tables.CLASSIFY_WATERMARK).schema());
    if (replace) {
      writer.replaceWatermark(frame);
    } else {
      frame.write().format("delta").mode("append").save(warehouse.location(Tables.CLASSIFY_WATERMARK));
    }
  }

  /**
   * What silver depends on besides bronze. silver.firm's columns are part of it: a warehouse whose
   * silver was made before a column was added is recomputed in full (not skipped, not folded into).
   */
  private String fingerprint(StatusDictionary dictionary) {
    return dictionary.fingerprint() + "/" + String.join(",", settings.exitStatuses()) + "/" + settings.intervalImputation()
        + "/firm:" + JobRunLog.fingerprint(Tables.get(Tables.FIRM).columnNames()).substring(0, 12);
  }
}
