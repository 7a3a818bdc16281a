package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Warehouse#replaceRows}: the located rows are gone and the given ones added, in one commit,
 * with deletion vectors (files are not rewritten), a file's earlier deletions kept, no Spark job
 * reconstructing the table's state, and a table that moved past the version read refused.
 */
class WarehouseReplaceRowsTest {
  private static final String TABLE = Tables.STATUS_HISTORY;

  @Test
  void replacesTheLocatedRowsByDeletionVectorsAndKeepsEarlierDeletions(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.spark();
    Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
    // Two files of three rows each.
    assertThat(wh.createWithRows(TABLE, rows(spark, "A", "B", "C", "D", "E", "F").repartition(2), null)).isTrue();
    long v0 = wh.version(TABLE);
    List<String> filesBefore = dataFiles(wh);

    long[] committed = new long[1];
    List<String> jobs = WarehouseReadVersionTest.jobsOf(spark,
        () -> committed[0] = wh.replaceRows(TABLE, v0, located(wh, v0, "A", "E"), rows(spark, "A2", "G"), "test"));
    long v1 = committed[0];
    assertThat(v1).isEqualTo(v0 + 1);
    // The rows' files come from the commit log, as readLocated found them: no job rebuilds the table's state.
    assertThat(jobs).as("Spark jobs of the replacement").noneMatch(d -> d != null && d.startsWith("Delta:"));
    assertThat(usccs(wh)).containsExactlyInAnyOrder("B", "C", "D", "F", "A2", "G");
    assertThat(dataFiles(wh)).as("the old files stay, with deletion vectors").containsAll(filesBefore);

    // A second replacement in a file that already has a deletion vector: both deletions hold.
    long v2 = wh.replaceRows(TABLE, v1, located(wh, v1, "B", "F"), rows(spark), "test");
    assertThat(usccs(wh)).containsExactlyInAnyOrder("C", "D", "A2", "G");
    assertThat(wh.readVersion(TABLE, v1).count()).as("time travel to the version before").isEqualTo(6);

    // Every row of a file deleted: the file is removed, not given a vector.
    wh.replaceRows(TABLE, v2, located(wh, v2, "C", "D", "A2", "G"), rows(spark, "H"), "test");
    assertThat(usccs(wh)).containsExactly("H");
  }

  @Test
  void refusesATableThatMovedPastTheVersionRead(@TempDir Path dir) {
    SparkSession spark = SharedSpark.spark();
    Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
    wh.createWithRows(TABLE, rows(spark, "A", "B"), null);
    long v0 = wh.version(TABLE);
    Dataset<Row> staleLocation = located(wh, v0, "A");
    wh.replaceRows(TABLE, v0, located(wh, v0, "B"), rows(spark, "B2"), "test");

    assertThatThrownBy(() -> wh.replaceRows(TABLE, v0, staleLocation, rows(spark, "A2"), "test"))
        .isInstanceOf(java.util.ConcurrentModificationException.class)
        .hasMessageContaining("not " + v0);
    assertThat(wh.version(TABLE)).isEqualTo(v0 + 1);
    assertThat(usccs(wh)).containsExactlyInAnyOrder("A", "B2");
  }

  /** Where the current rows of {@code usccs} live at {@code version}. */
  static Dataset<Row> located(Warehouse wh, long version, String... usccs) {
    return wh.readLocated(TABLE, version, col("uscc")).where(col("uscc").isin((Object[]) usccs))
        .select(Warehouse.FILE_PATH, Warehouse.ROW_INDEX);
  }

  /** silver.status_history rows, one current ACTIVE period per code. */
  static Dataset<Row> rows(SparkSession spark, String... usccs) {
    List<Row> rows = new ArrayList<>();
    for (String uscc : usccs) {
      rows.add(RowFactory.create(uscc, "ACTIVE", "存续", Date.valueOf("2024-01-01"), null, true, Date.valueOf("2024-01-31")));
    }
    return spark.createDataFrame(rows, Tables.get(TABLE).schema());
  }

  private static List<String> usccs(Warehouse wh) {
    return wh.read(TABLE).select("uscc").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static List<String> dataFiles(Warehouse wh) {
    return wh.read(TABLE).select(col("_metadata.file_path")).distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
  }
}
