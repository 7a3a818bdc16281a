package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.array;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
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
   */
  public static Optional<TreeSet<LocalDate>> touchedDates(
      Warehouse warehouse, String table, String partitionColumn, long after, long upTo) {
    if (upTo <= after) {
      return Optional.of(new TreeSet<>());
    }
    List<String> files = new ArrayList<>();
    for (long v = after + 1; v <= upTo; v++) {
      files.add(warehouse.location(table) + "/_delta_log/" + String.format("%020d", v) + ".json");
    }
    StructType partitioned =
        new StructType().add("partitionValues", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    StructType schema = new StructType().add("add", partitioned).add("remove", partitioned);
    List<Row> rows;
    try {
      rows =
          warehouse
              .spark()
              .read()
              .schema(schema)
              .json(files.toArray(String[]::new))
              .select(
                  explode(
                          array(
                              col("add.partitionValues").getItem(partitionColumn),
                              col("remove.partitionValues").getItem(partitionColumn)))
                      .as("d"))
              .where(col("d").isNotNull())
              .distinct()
              .collectAsList(); // one row per touched partition: small by construction
    } catch (RuntimeException e) { // a missing commit file (Spark's AnalysisException: PATH_NOT_FOUND)
      return Optional.empty();
    }
    TreeSet<LocalDate> dates = new TreeSet<>();
    for (Row r : rows) {
      dates.add(LocalDate.parse(r.getString(0)));
    }
    return Optional.of(dates);
  }
}
