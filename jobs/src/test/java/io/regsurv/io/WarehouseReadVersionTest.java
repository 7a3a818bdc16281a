package io.regsurv.io;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Warehouse#readVersion}: every version reads the rows Delta's own time travel reads
 * (deletion vectors applied, a date as of its version), from the files its commit log lists, without the
 * Spark jobs that reconstruct a table's state.
 */
class WarehouseReadVersionTest {

  @Test
  void everyVersionReadsWhatDeltaReadsWithoutReconstructingTheState(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.spark();
    Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
    String history = Tables.STATUS_HISTORY;
    wh.createWithRows(history, WarehouseReplaceRowsTest.rows(spark, "A", "B", "C", "D", "E", "F").repartition(2), null);
    long v0 = wh.version(history);
    // Deletion vectors: a file is removed with its old vector and added again with a new one.
    long v1 = wh.replaceRows(history, v0, WarehouseReplaceRowsTest.located(wh, v0, "A", "E"), WarehouseReplaceRowsTest.rows(spark, "A2", "G"), "test");
    long v2 = wh.replaceRows(history, v1, WarehouseReplaceRowsTest.located(wh, v1, "B", "F"), WarehouseReplaceRowsTest.rows(spark), "test");

    for (long version = v0; version <= v2; version++) {
      long v = version;
      List<Row> delta = deltaRead(spark, wh, history, v).collectAsList();
      List<String> jobs = jobsOf(spark, () -> assertThat(wh.readVersion(history, v).collectAsList()).containsExactlyInAnyOrderElementsOf(delta));
      assertThat(jobs).as("version " + v + ": no job of Delta's state reconstruction").noneMatch(d -> d != null && d.startsWith("Delta:"));
    }
    assertThat(wh.read(history).select("uscc").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("C", "D", "A2", "G");
  }

  @Test
  void aReplacedDateReadsAsOfEachVersion(@TempDir Path dir) {
    SparkSession spark = SharedSpark.spark();
    Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
    String quarantine = Tables.QUARANTINE;
    long v0 = wh.replaceDates(quarantine, "snapshot_date", List.of(LocalDate.of(2024, 6, 30)), quarantineRows(spark, "2024-06-30", 1, 2));
    long v1 = wh.replaceDates(quarantine, "snapshot_date", List.of(LocalDate.of(2024, 7, 31)), quarantineRows(spark, "2024-07-31", 3));
    long v2 = wh.replaceDates(quarantine, "snapshot_date", List.of(LocalDate.of(2024, 6, 30)), quarantineRows(spark, "2024-06-30", 4));

    for (long v : new long[] {v0, v1, v2}) {
      for (String date : List.of("2024-06-30", "2024-07-31")) {
        Dataset<Row> delta = deltaRead(spark, wh, quarantine, v).where(col("snapshot_date").equalTo(Date.valueOf(date)));
        assertThat(wh.readVersion(quarantine, v).where(col("snapshot_date").equalTo(Date.valueOf(date))).collectAsList())
            .as("version " + v + ", " + date).containsExactlyInAnyOrderElementsOf(delta.collectAsList());
      }
    }
    assertThat(wh.readVersion(quarantine, v2).where(col("snapshot_date").equalTo(Date.valueOf("2024-06-30"))).select("source_line")
        .as(org.apache.spark.sql.Encoders.LONG()).collectAsList()).containsExactly(4L);
  }

  private static Dataset<Row> deltaRead(SparkSession spark, Warehouse wh, String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(wh.location(table));
  }

  /** The descriptions of the Spark jobs {@code body} ran. */
  static List<String> jobsOf(SparkSession spark, Runnable body) throws java.util.concurrent.TimeoutException {
    List<String> descriptions = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        descriptions.add(start.properties() == null ? null : start.properties().getProperty("spark.job.description"));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      body.run();
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    assertThat(descriptions).as("the listener saw the read's own job").isNotEmpty();
    return descriptions;
  }

  private static Dataset<Row> quarantineRows(SparkSession spark, String date, long... lines) {
    List<Row> rows = new ArrayList<>();
    for (long line : lines) {
      rows.add(RowFactory.create(Date.valueOf(date), "f.csv", line, "raw " + line, null, List.of("missing_uscc"), "run"));
    }
    return spark.createDataFrame(rows, Tables.get(Tables.QUARANTINE).schema());
  }
}
