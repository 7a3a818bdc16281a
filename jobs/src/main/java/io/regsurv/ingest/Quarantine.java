package io.regsurv.ingest;

import io.regsurv.core.Uscc;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Decides which normalised rows cannot be used and why: every reason is listed in
 * {@code reasons} (empty = accepted). Bad rows never fail the job.
 *
 * <p>Duplicate rule: among the otherwise acceptable rows of one USCC in a snapshot, the winner is
 * the most complete row (most non-NULL canonical columns), then the lowest source file name,
 * then the lowest line; the others get reason {@code duplicate}.
 */
public final class Quarantine {
  public static final String MISSING_USCC = "missing_uscc";
  public static final String BAD_USCC = "bad_uscc";
  public static final String MISSING_NAME = "missing_name";
  public static final String BAD_ESTABLISHED_DATE = "bad_established_date";
  public static final String DUPLICATE = "duplicate";

  /** The founding of the PRC: the registry's earliest meaningful establishment date. */
  public static final LocalDate EARLIEST = LocalDate.of(1949, 10, 1);

  private static final String[] COMPLETENESS_COLUMNS = {
    "name", "status_raw", "established_date", "approval_date", "status_date", "province", "city", "entity_type",
    "registered_capital_raw", "business_scope", "legal_representative_hash"
  };

  private Quarantine() {}

  /**
   * Adds {@code reasons} (array of strings, empty when the row is accepted). The rows may hold
   * several snapshots (a backfill): dates and duplicates are judged within each snapshot_date.
   */
  public static Dataset<Row> flag(Dataset<Row> normalised) {
    Column parsed = col("parse_error").isNull();
    Column established = col("established_date");
    Column badDate =
        established.isNull()
            .or(established.lt(lit(java.sql.Date.valueOf(EARLIEST))))
            .or(established.gt(col("snapshot_date")));
    Column[] checks = {
      col("parse_error"),
      when(parsed.and(col("uscc").isNull()), lit(MISSING_USCC)),
      when(parsed.and(not(Uscc.hasIdentifierShape(col("uscc")))), lit(BAD_USCC)),
      when(parsed.and(col("name").isNull()), lit(MISSING_NAME)),
      when(parsed.and(badDate), lit(BAD_ESTABLISHED_DATE))
    };
    Column anyReason = lit(false);
    for (Column c : checks) {
      anyReason = anyReason.or(c.isNotNull());
    }
    // array_compact is a lambda that Spark evaluates row by row outside the generated code (5 % of a
    // full-scale ingest's first stage, JFR); most rows have no reason, and their array is empty.
    Column reasons = when(anyReason, array_compact(array(checks))).otherwise(array().cast("array<string>"));
    Dataset<Row> flagged = normalised.withColumn("reasons", reasons);

    Column completeness = lit(0);
    for (String c : COMPLETENESS_COLUMNS) {
      completeness = completeness.plus(when(col(c).isNotNull(), 1).otherwise(0));
    }
    // Partitioned by snapshot and USCC (and cleanliness), so no single task sees the whole snapshot.
    // The sort's 8-byte prefix is made from its first key: the snapshot date is shared by every row
    // and a code's first eight characters by its region, so the full comparator decided most pairs
    // (a quarter of the stage, JFR). Uscc.sortKey leads instead.
    Column clean = size(col("reasons")).equalTo(0);
    Column rank =
        row_number()
            .over(
                Window.partitionBy(col(USCC_SORT_KEY), col("snapshot_date"), col("uscc"), clean)
                    .orderBy(completeness.desc(), col("source_file").asc(), col("source_line").asc()));
    return flagged
        .withColumn(USCC_SORT_KEY, Uscc.sortKey(col("uscc")))
        .withColumn(
            "reasons",
            when(clean.and(col("uscc").isNotNull()).and(rank.gt(1)), array_union(col("reasons"), array(lit(DUPLICATE))))
                .otherwise(col("reasons")))
        .drop(USCC_SORT_KEY);
  }

  private static final String USCC_SORT_KEY = "uscc_sort_key";

  /** Rows with no reason. */
  public static Column accepted() {
    return size(col("reasons")).equalTo(0);
  }
}
