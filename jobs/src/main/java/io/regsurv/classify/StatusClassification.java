package io.regsurv.classify;

import io.regsurv.core.Text;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_element_at;

import io.regsurv.core.CanonicalStatus;
import io.regsurv.config.StatusDictionary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Raw registration status strings to canonical statuses, with the dictionary as a map literal (no UDF). */
public final class StatusClassification {
  private StatusClassification() {}

  /**
   * The canonical status of a raw status column. The dictionary (a few dozen keys) travels inside
   * the query plan as a map literal, so executors need no side file and Spark does the lookup.
   */
  public static Column canonical(Column statusRaw, StatusDictionary dictionary) {
    List<Column> kv = new ArrayList<>();
    for (Map.Entry<String, CanonicalStatus> e : dictionary.byKey().entrySet()) {
      kv.add(lit(e.getKey()));
      kv.add(lit(e.getValue().name()));
    }
    Column map = functions.map(kv.toArray(Column[]::new));
    // A raw string that is a key already (most are) is its own key: looked up as it is, the key's
    // UDF and its string conversions run only for the others (coalesce stops at the first value).
    return coalesce(try_element_at(map, statusRaw), try_element_at(map, Text.key(statusRaw)), lit(CanonicalStatus.UNKNOWN.name()));
  }

  /** Adds {@code status} (canonical) next to {@code status_raw}. */
  public static Dataset<Row> withCanonical(Dataset<Row> snapshot, StatusDictionary dictionary) {
    return snapshot.withColumn("status", canonical(snapshot.col("status_raw"), dictionary));
  }

  /**
   * Raw strings that classified as UNKNOWN, most frequent first: (status_raw, n, total), total being
   * every unknown row, those of strings beyond the first {@code topN} too (the same on each row;
   * no row when there is none). A missing status appears as a NULL status_raw. Small by
   * construction: limited to {@code topN} rows; the total is summed over one row per distinct
   * string, and both sides share the one scan (Spark reuses the grouping's exchange).
   */
  public static Dataset<Row> unknownCounts(Dataset<Row> classified, int topN) {
    Dataset<Row> byString = classified
        .where(classified.col("status").equalTo(lit(CanonicalStatus.UNKNOWN.name())))
        .groupBy("status_raw")
        .agg(count(lit(1)).as("n"));
    return byString.crossJoin(byString.agg(functions.sum("n").as("total")))
        .orderBy(functions.col("n").desc(), functions.col("status_raw").asc_nulls_first())
        .limit(topN);
  }
}
