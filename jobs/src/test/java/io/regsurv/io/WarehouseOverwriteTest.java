package io.regsurv.io;

import static io.regsurv.io.WarehouseReplaceRowsTest.located;
import static io.regsurv.io.WarehouseReplaceRowsTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.AddFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link Warehouse#overwrite}: every row replaced in one commit recorded as Delta's overwrite
 * records it, no file of an earlier write left in the table (one with a deletion vector included),
 * the version before still readable, and no Spark job reconstructing the table's state.
 */
class WarehouseOverwriteTest {
  private static final String TABLE = Tables.STATUS_HISTORY;

  @Test
  void replacesEveryRowInOneCommitWithoutTheTablesStateJobs(@TempDir Path dir) throws Exception {
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
    assertThat(wh.read(TABLE).select("uscc").collectAsList().stream().map(r -> r.getString(0)))
        .containsExactlyInAnyOrder("X", "Y");
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
}
