package io.regsurv.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * silver.firm as its readers see it: the stored columns with {@code last_seen_snapshot} in place of
 * {@code vanished_after_snapshot}, the way every stage and test reads the firms.
 *
 * <p>A firm's last sighting changes with every snapshot that lists it, so storing it would rewrite
 * every firm row per snapshot (issue #20). silver.firm stores only {@code vanished_after_snapshot}
 * (NULL while the latest classified snapshot lists the firm), which changes when a firm vanishes or
 * reappears; the last sighting is that date, or else the latest snapshot silver reflects
 * (silver.classify_watermark). SQL users get the same rows from the view {@link #VIEW}.
 */
public final class SilverFirm {
  /** The catalog view of silver.firm with last_seen_snapshot (registered with the warehouse's tables). */
  public static final String VIEW = "silver.firm_seen";

  /** The stored column the last sighting is derived from. */
  public static final String VANISHED_AFTER = "vanished_after_snapshot";

  /** The derived column readers see. */
  public static final String LAST_SEEN = "last_seen_snapshot";

  private SilverFirm() {}

  /** The logical column names: silver.firm's, with {@link #LAST_SEEN} where {@link #VANISHED_AFTER} is stored. */
  public static List<String> columnNames() {
    return Tables.get(Tables.FIRM).columnNames().stream().map(c -> c.equals(VANISHED_AFTER) ? LAST_SEEN : c).toList();
  }

  /** The logical schema: silver.firm's, with {@link #LAST_SEEN} (date, not null) where {@link #VANISHED_AFTER} is stored. */
  public static StructType schema() {
    StructField[] fields = Tables.get(Tables.FIRM).schema().fields().clone();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(VANISHED_AFTER)) {
        fields[i] = new StructField(LAST_SEEN, DataTypes.DateType, false,
            new MetadataBuilder().putString("comment", "Last snapshot that listed the firm").build());
      }
    }
    return new StructType(fields);
  }

  /**
   * Logical firm rows (with last_seen_snapshot) as silver.firm stores them when {@code latest} is the
   * latest snapshot: vanished_after_snapshot is the last sighting of a firm that snapshot does not
   * list, NULL for the others. Columns in the table's order and types.
   */
  public static Dataset<Row> toStored(Dataset<Row> logical, LocalDate latest) {
    Column latestDate = lit(Date.valueOf(latest));
    List<Column> cols = new ArrayList<>();
    for (StructField f : Tables.get(Tables.FIRM).schema().fields()) {
      Column c = f.name().equals(VANISHED_AFTER) ? when(col(LAST_SEEN).lt(latestDate), col(LAST_SEEN)) : col(f.name());
      cols.add(c.cast(f.dataType()).as(f.name()));
    }
    return logical.select(cols.toArray(Column[]::new));
  }

  /** The firm rows of silver.firm at {@code version}, with last_seen_snapshot. */
  public static Dataset<Row> read(Warehouse warehouse, long version) {
    Dataset<Row> stored = warehouse.readVersion(Tables.FIRM, version);
    return withLastSeen(stored, latestSnapshot(warehouse, stored, version));
  }

  /** The current firm rows of silver.firm, with last_seen_snapshot. */
  public static Dataset<Row> read(Warehouse warehouse) {
    return read(warehouse, warehouse.version(Tables.FIRM));
  }

  /**
   * Stored firm rows with {@code last_seen_snapshot} = the date the firm vanished after, else
   * {@code latest} (the latest snapshot, which lists it), in the stored column's place.
   */
  public static Dataset<Row> withLastSeen(Dataset<Row> stored, LocalDate latest) {
    Column latestDate = latest == null ? lit(null).cast("date") : lit(Date.valueOf(latest));
    List<Column> cols = new ArrayList<>();
    for (String name : Tables.get(Tables.FIRM).columnNames()) {
      cols.add(name.equals(VANISHED_AFTER) ? coalesce(col(VANISHED_AFTER), latestDate).as(LAST_SEEN) : col(name));
    }
    return stored.select(cols.toArray(Column[]::new));
  }

  /**
   * Table id, location and version (of the watermark, or of silver.firm when there is none) → the
   * latest snapshot silver reflects; the few most recent (a JVM may hold many warehouses: tests).
   */
  private static final VersionMemo<LocalDate> LATEST_BY_VERSION = new VersionMemo<>(64);

  /**
   * The latest snapshot silver reflects: the watermark's latest date. Without one (firm rows written
   * by hand, as tests do, or a first classify that did not finish) the latest date the rows record.
   * One row per classified snapshot: small by construction. Remembered per table version (read
   * from its log, no query): survival and report each read silver.firm two or three times, and the
   * query cost 0.2 to 1.1 s each on a demo; {@code stored} is silver.firm at {@code version}.
   */
  static LocalDate latestSnapshot(Warehouse warehouse, Dataset<Row> stored, long version) {
    if (warehouse.exists(Tables.CLASSIFY_WATERMARK)) {
      long markVersion = warehouse.version(Tables.CLASSIFY_WATERMARK);
      String key = warehouse.versionIdentity(Tables.CLASSIFY_WATERMARK, markVersion);
      LocalDate latest = LATEST_BY_VERSION.computeIfAbsent(key, () -> {
        // From the watermark's file statistics in its log when they answer (no query), else a query.
        return warehouse.maxDate(Tables.CLASSIFY_WATERMARK, markVersion, "snapshot_date").orElseGet(() -> {
          Row mark = warehouse.readVersion(Tables.CLASSIFY_WATERMARK, markVersion).agg(max("snapshot_date")).head();
          return mark.isNullAt(0) ? null : mark.getDate(0).toLocalDate();
        });
      });
      if (latest != null) {
        return latest;
      }
    }
    return LATEST_BY_VERSION.computeIfAbsent(warehouse.versionIdentity(Tables.FIRM, version), () -> {
      Row r = stored.agg(max(VANISHED_AFTER), max("first_seen_snapshot")).head();
      LocalDate vanished = r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
      LocalDate firstSeen = r.isNullAt(1) ? null : r.getDate(1).toLocalDate();
      if (vanished == null) {
        return firstSeen;
      }
      return firstSeen == null || vanished.isAfter(firstSeen) ? vanished : firstSeen;
    });
  }



  /**
   * SQL of the view {@link #VIEW}: the same rows as {@link #read(Warehouse)}, for analysts. Table
   * names are our own constants.
   */
  static String viewSql(boolean withWatermark) {
    String recorded = "(SELECT greatest(max(" + VANISHED_AFTER + "), max(first_seen_snapshot)) FROM " + Tables.FIRM + ")";
    String latest = withWatermark
        ? "coalesce((SELECT max(snapshot_date) FROM " + Tables.CLASSIFY_WATERMARK + "), " + recorded + ")"
        : recorded;
    List<String> cols = new ArrayList<>();
    for (String name : Tables.get(Tables.FIRM).columnNames()) {
      cols.add(name.equals(VANISHED_AFTER) ? "coalesce(" + VANISHED_AFTER + ", " + latest + ") AS " + LAST_SEEN : name);
    }
    return "SELECT " + String.join(", ", cols) + " FROM " + Tables.FIRM;
  }
}
