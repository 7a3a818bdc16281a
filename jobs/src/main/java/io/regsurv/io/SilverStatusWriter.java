package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Writes classify's silver tables: a full recompute by overwrite, an increment by one commit per
 * table of only what changed (deletion vectors on silver.firm and silver.status_history, so that a
 * replaced row is marked deleted instead of its file rewritten).
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
   * An increment's new events, appended in one commit. No MERGE on the events' identity is needed
   * against repeats: an increment runs only when silver is at the versions the watermark recorded
   * after the last run, so an increment whose events were committed but not its watermark (a
   * crash) is followed by a full recompute, never by the same increment again.
   */
  public void appendEvents(Dataset<Row> events) {
    warehouse.appendRows(Tables.STATUS_EVENT, fewFiles(Warehouse.typed(Tables.STATUS_EVENT, events)));
  }

  /**
   * The SCD2 changes of an increment in one commit of silver.status_history read at
   * {@code readVersion}: rows with a merge_key close that firm's current period (its row is
   * replaced by a copy with valid_to and is_current false), rows without one open a period. What
   * the staged-update MERGE (target uscc = merge_key and is_current) committed, but the current
   * periods are found by one read of the table's narrow columns instead of MERGE's two joins.
   */
  public void changeHistory(Dataset<Row> changes, long readVersion) {
    List<String> columns = Tables.get(Tables.STATUS_HISTORY).columnNames();
    Column[] all = columns.stream().map(functions::col).toArray(Column[]::new);
    Dataset<Row> closes = changes.where(col("merge_key").isNotNull()).select(col("merge_key"), col("valid_to").as("closed_on"));
    Dataset<Row> current = warehouse.readLocated(Tables.STATUS_HISTORY, readVersion, all).where(col("is_current"));
    // Read twice (the deletion vectors, the closed copies): kept once.
    Dataset<Row> closed = current.join(closes, current.col("uscc").equalTo(closes.col("merge_key"))).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Column> copy = new ArrayList<>();
      for (String c : columns) {
        copy.add(switch (c) {
          case "valid_to" -> col("closed_on").as(c);
          case "is_current" -> lit(false).as(c);
          default -> col(c);
        });
      }
      Dataset<Row> rows = closed.select(copy.toArray(Column[]::new))
          .unionByName(changes.where(col("merge_key").isNull()).select(all));
      warehouse.replaceRows(Tables.STATUS_HISTORY, readVersion, closed.select(Warehouse.FILE_PATH, Warehouse.ROW_INDEX),
          fewFiles(Warehouse.typed(Tables.STATUS_HISTORY, rows)), "SCD2: close the current period of the firms whose status changed, open the new ones");
    } finally {
      closed.unpersist();
    }
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
    Dataset<Row> typed = Warehouse.typed(table, rows);
    if (!warehouse.createWithRows(table, typed, null)) {
      warehouse.overwrite(table, typed);
    }
  }

  /**
   * An increment's silver.firm rows, as stored, in one commit of the table read at
   * {@code readVersion}: the rows of the firms in {@code replaced} (one column, uscc) are replaced,
   * the others inserted. What a MERGE on uscc (update all, insert all) committed, but the replaced
   * rows are found by one read of the key column instead of MERGE's two joins. Only firms that
   * changed, appeared, vanished or reappeared are given: with deletion vectors only those rows are
   * written, not the files that hold them.
   */
  public void changeFirms(Dataset<Row> changes, Dataset<Row> replaced, long readVersion) {
    Dataset<Row> located = warehouse.readLocated(Tables.FIRM, readVersion, col("uscc")).join(replaced, "uscc").select(Warehouse.FILE_PATH, Warehouse.ROW_INDEX);
    warehouse.replaceRows(Tables.FIRM, readVersion, located, fewFiles(Warehouse.typed(Tables.FIRM, changes)),
        "the firms that changed, appeared, vanished or reappeared");
  }

  /**
   * An increment's rows (a few percent of the firms) in one file per core at most, not one per
   * partition of the plan that found them: each increment would otherwise leave a dozen small files.
   */
  private Dataset<Row> fewFiles(Dataset<Row> rows) {
    return rows.coalesce(Math.max(1, warehouse.spark().sparkContext().defaultParallelism()));
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
