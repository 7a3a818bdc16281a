package io.regsurv.io;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes classify's silver tables: a full recompute by overwrite, an increment by MERGE of only
 * what changed (deletion vectors on silver.firm and silver.status_history, so that an update marks
 * rows deleted instead of rewriting their files).
 */
public final class SilverStatusWriter {
  private final Warehouse warehouse;

  public SilverStatusWriter(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /**
   * Brings the silver tables this stage writes that exist up to their definitions (constraints,
   * properties) and registers them. A missing one is made by its first write, with its rows
   * ({@link Warehouse#createWithRows}): the first classify is a full recompute, which writes all of
   * them, and an increment needs a watermark, which only a full recompute makes.
   */
  public void ensureTables() {
    for (String table : new String[] {Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT, Tables.CLASSIFY_WATERMARK}) {
      if (warehouse.exists(table)) {
        warehouse.ensure(table);
      }
    }
    warehouse.registerViews();
  }

  /**
   * Before a full recompute that overwrites the three silver tables: replaces a table made by an
   * earlier regsurv (without a column its definition now has) by an empty one of the current
   * definition, so that the overwrite keeps the table's constraints, properties and comments. The
   * watermark is replaced at the end of the recompute, not emptied here: until then readers derive
   * last sightings from the snapshots silver last reflected, and a crash leaves a watermark that no
   * longer matches silver's versions (the rerun recomputes).
   */
  public void prepareRecompute() {
    for (String table : new String[] {Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT}) {
      if (!warehouse.missingColumns(table).isEmpty()) {
        warehouse.replaceWithDefinition(table);
      }
    }
    warehouse.registerViews();
  }

  /**
   * Insert-only MERGE on the event's identity, so that repeating a step cannot duplicate events.
   * Every event of the step was detected in {@code detectedIn}: said as a condition on the table
   * alone, it lets Delta skip every file of earlier snapshots (their statistics) instead of reading
   * all past events.
   */
  public void mergeEvents(Dataset<Row> events, LocalDate detectedIn) {
    warehouse
        .delta(Tables.STATUS_EVENT)
        .as("t")
        .merge(
            events.as("s"),
            "t.detected_in_snapshot = DATE'" + detectedIn + "' AND t.uscc = s.uscc AND t.detected_in_snapshot = s.detected_in_snapshot"
                + " AND t.transition_kind = s.transition_kind AND t.to_status = s.to_status")
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /**
   * SCD2 MERGE: rows with a merge_key close the firm's current period, rows without one open the
   * new period (the usual staged-update pattern, so both happen in one atomic commit).
   */
  public void mergeHistory(Dataset<Row> changes) {
    warehouse
        .delta(Tables.STATUS_HISTORY)
        .as("t")
        .merge(changes.as("s"), "t.uscc = s.merge_key AND t.is_current")
        .whenMatched()
        .updateExpr(Map.of("valid_to", "s.valid_to", "is_current", "false"))
        .whenNotMatched("s.merge_key IS NULL")
        .insertExpr(
            Map.of(
                "uscc", "s.uscc",
                "status", "s.status",
                "status_raw", "s.status_raw",
                "valid_from", "s.valid_from",
                "valid_to", "s.valid_to",
                "is_current", "s.is_current",
                "detected_in_snapshot", "s.detected_in_snapshot"))
        .execute();
  }

  /**
   * Replaces silver.firm (a full recompute) with {@code firms} as readers see them (with
   * last_seen_snapshot), stored for {@code latest}, the latest snapshot they reflect.
   */
  public void replaceFirms(Dataset<Row> firms, LocalDate latest) {
    replace(Tables.FIRM, SilverFirm.toStored(firms, latest));
  }

  /** Overwrites {@code table} with {@code rows}, or makes it with them when it does not exist. */
  private void replace(String table, Dataset<Row> rows) {
    if (!warehouse.createWithRows(table, Warehouse.typed(table, rows), null)) {
      rows.write().format("delta").mode("overwrite").save(warehouse.location(table));
    }
  }

  /**
   * An increment's silver.firm rows, as stored: MERGE on uscc, each row replacing the firm's row or
   * inserted. Only firms that changed, appeared, vanished or reappeared are given, and with deletion
   * vectors an update rewrites those rows, not the files that hold them.
   */
  public void mergeFirms(Dataset<Row> changes) {
    warehouse
        .delta(Tables.FIRM)
        .as("t")
        .merge(changes.as("s"), "t.uscc = s.uscc")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /** Replaces silver.status_event (a full recompute). */
  public void replaceEvents(Dataset<Row> events) {
    replace(Tables.STATUS_EVENT, events);
  }

  /** Replaces silver.status_history (a full recompute). */
  public void replaceHistory(Dataset<Row> history) {
    replace(Tables.STATUS_HISTORY, history);
  }

  /**
   * Replaces the watermark with {@code rows} (after a full recompute), or makes it with them; then
   * (re)registers the view of silver.firm, which derives last sightings from it (registered before
   * a first run's watermark existed, it would fall back to the dates the firm rows record).
   */
  public void replaceWatermark(Dataset<Row> rows) {
    replace(Tables.CLASSIFY_WATERMARK, rows);
    warehouse.registerViews();
  }
}
