package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a Delta table's commit files (the public Delta log protocol) to learn which partitions a
 * range of versions touched, without scanning the data.
 */
public final class DeltaCommits {
  private DeltaCommits() {}

  /**
   * The values of a date partition column that files added or removed in versions (after, upTo]
   * belong to; empty when a commit file is missing (log cleaned up) and the caller must rescan.
   * Actions with {@code dataChange = false} (OPTIMIZE's compaction and Z-ordering) change no
   * row and do not count.
   */
  public static Optional<TreeSet<LocalDate>> touchedDates(
      Warehouse warehouse, String table, String partitionColumn, long after, long upTo) {
    if (upTo <= after) {
      return Optional.of(new TreeSet<>());
    }
    List<Row> rows;
    try {
      rows =
          commits(warehouse, table, after, upTo)
              .select(
                  explode(
                          array(
                              when(col("add.dataChange"), col("add.partitionValues").getItem(partitionColumn)),
                              when(col("remove.dataChange"), col("remove.partitionValues").getItem(partitionColumn))))
                      .as("d"))
              .where(col("d").isNotNull())
              .distinct()
              .collectAsList(); // one row per touched partition: small by construction
    } catch (Exception e) { // a missing commit file: Spark's AnalysisException (PATH_NOT_FOUND), a checked exception to Java
      return Optional.empty();
    }
    TreeSet<LocalDate> dates = new TreeSet<>();
    for (Row r : rows) {
      dates.add(LocalDate.parse(r.getString(0)));
    }
    return Optional.of(dates);
  }

  /**
   * True when versions (after, upTo] of a table hold no action that changes data (only OPTIMIZE,
   * VACUUM, property or constraint commits); empty when a commit file is missing.
   */
  public static Optional<Boolean> dataUnchanged(Warehouse warehouse, String table, long after, long upTo) {
    if (upTo <= after) {
      return Optional.of(true);
    }
    try {
      boolean changed =
          !commits(warehouse, table, after, upTo)
              .where(col("add.dataChange").or(col("remove.dataChange")).or(col("metaData").isNotNull()))
              .isEmpty();
      return Optional.of(!changed);
    } catch (Exception e) { // a missing commit file: Spark's AnalysisException (PATH_NOT_FOUND), a checked exception to Java
      return Optional.empty();
    }
  }

  /** The add, remove and metaData actions of commits (after, upTo] (the public Delta log protocol: one JSON file per version). */
  private static Dataset<Row> commits(Warehouse warehouse, String table, long after, long upTo) {
    List<String> files = new ArrayList<>();
    for (long v = after + 1; v <= upTo; v++) {
      files.add(warehouse.location(table) + "/_delta_log/" + String.format("%020d", v) + ".json");
    }
    StructType action =
        new StructType()
            .add("partitionValues", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
            .add("dataChange", DataTypes.BooleanType);
    StructType schema =
        new StructType().add("add", action).add("remove", action).add("metaData", new StructType().add("id", DataTypes.StringType));
    return warehouse.spark().read().schema(schema).json(files.toArray(String[]::new));
  }
}
