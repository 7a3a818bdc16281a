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
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.AddFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link Warehouse#replaceRows}: the located rows are gone and the given ones added, in one commit,
 * with deletion vectors (files are not rewritten), a file's earlier deletions kept, no Spark job
 * reconstructing the table's state, and a table that moved past the version read refused.
 * {@link Warehouse#overwrite}: every row replaced in one commit recorded as Delta's overwrite records
 * it, no file of an earlier write left in the table (one with a deletion vector included), the
 * version before still readable, and no Spark job reconstructing the table's state either.
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

  @Test
  void overwritesEveryRowInOneCommitWithoutTheTablesStateJobs(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.spark();
    Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
    assertThat(wh.createWithRows(TABLE, rows(spark, "A", "B", "C", "D").repartition(2), null)).isTrue();
    long v0 = wh.version(TABLE);
    // A deletion vector in one file, then another write.
    long v1 = wh.replaceRows(TABLE, v0, located(wh, v0, "A"), rows(spark, "A2"), "test");
    wh.appendRows(TABLE, Warehouse.typed(TABLE, rows(spark, "E")));
    long before = wh.version(TABLE);
    assertThat(before).isEqualTo(v1 + 1);

    long[] committed = new long[1];
    List<String> jobs = WarehouseReadVersionTest.jobsOf(spark, () -> committed[0] = wh.overwrite(TABLE, rows(spark, "X", "Y")));
    assertThat(committed[0]).isEqualTo(before + 1);
    assertThat(jobs).as("Spark jobs of the overwrite").noneMatch(d -> d != null && d.startsWith("Delta:"));
    assertThat(usccs(wh)).containsExactlyInAnyOrder("X", "Y");
    assertThat(wh.readVersion(TABLE, before).count()).as("time travel to the version before").isEqualTo(5);

    // Delta's own state of the table: only the files the overwrite added.
    List<AddFile> added = addedFiles(wh, committed[0]);
    assertThat(added).isNotEmpty();
    assertThat(wh.delta(TABLE).detail().head().<Long>getAs("numFiles")).isEqualTo((long) added.size());

    Row last = wh.delta(TABLE).history(1).head();
    assertThat(last.<String>getAs("operation")).isEqualTo("WRITE");
    assertThat(last.<scala.collection.Map<String, String>>getAs("operationParameters").get("mode").get()).isEqualTo("Overwrite");
  }

  private static List<AddFile> addedFiles(Warehouse wh, long version) {
    List<AddFile> added = new java.util.ArrayList<>();
    CollectionConverters.asJava(DeltaLog.forTable(wh.spark(), wh.location(TABLE)).getChanges(version, version, scala.Option.empty(), true).next()._2())
        .forEach(a -> {
          if (a instanceof AddFile add) {
            added.add(add);
          }
        });
    return added;
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
