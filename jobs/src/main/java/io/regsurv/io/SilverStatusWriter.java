package io.regsurv.io;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes classify's silver tables: a full recompute by overwrite, an increment's events and history
 * by MERGE and its firm table by overwrite.
 */
public final class SilverStatusWriter {
  private final Warehouse warehouse;

  public SilverStatusWriter(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Creates the silver tables this stage writes. */
  public void ensureTables() {
    warehouse.ensure(Tables.FIRM);
    warehouse.ensure(Tables.STATUS_HISTORY);
    warehouse.ensure(Tables.STATUS_EVENT);
    warehouse.ensure(Tables.CLASSIFY_WATERMARK);
  }

  /**
   * Before a full recompute that overwrites the three silver tables: empties the watermark, and
   * replaces a table made by an earlier regsurv (without a column its definition now has) by an empty
   * one of the current definition, so that the overwrite keeps the table's constraints and comments.
   */
  public void prepareRecompute() {
    for (String table : new String[] {Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT}) {
      if (!warehouse.missingColumns(table).isEmpty()) {
        warehouse.replaceWithDefinition(table);
      }
    }
    warehouse.delta(Tables.CLASSIFY_WATERMARK).delete();
  }

  /**
   * Insert-only MERGE on the event's identity, so that repeating a step cannot duplicate events.
   */
  public void mergeEvents(Dataset<Row> events) {
    warehouse
        .delta(Tables.STATUS_EVENT)
        .as("t")
        .merge(
            events.as("s"),
            "t.uscc = s.uscc AND t.detected_in_snapshot = s.detected_in_snapshot"
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
   * Replaces silver.firm. Nearly every row changes with each snapshot (last_seen_snapshot moves),
   * so a rewrite is cheaper than a MERGE that would rewrite the same files after a join.
   */
  public void replaceFirms(Dataset<Row> firms) {
    firms.write().format("delta").mode("overwrite").save(warehouse.location(Tables.FIRM));
  }

  /** Replaces silver.status_event (a full recompute). */
  public void replaceEvents(Dataset<Row> events) {
    events.write().format("delta").mode("overwrite").save(warehouse.location(Tables.STATUS_EVENT));
  }

  /** Replaces silver.status_history (a full recompute). */
  public void replaceHistory(Dataset<Row> history) {
    history.write().format("delta").mode("overwrite").save(warehouse.location(Tables.STATUS_HISTORY));
  }
}
