package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.BronzeFixture;
import io.regsurv.BronzeFixture.Firm;
import io.regsurv.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Warehouse#rowsByPartition}: the snapshot dates bronze holds at a version and their rows, from its log, as a query over the rows finds them. */
class WarehousePartitionValuesTest {
  @Test
  void datesFromTheLogEqualTheDatesInTheRowsAtEveryVersion(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    BronzeFixture bronze = new BronzeFixture(wh);
    bronze.snapshot("2024-01-31", Firm.of("A", "存续", "2020-01-01"));
    bronze.snapshot("2024-02-29", Firm.of("A", "存续", "2020-01-01"), Firm.of("B", "存续", "2021-01-01"));
    // A rerun of January replaces its rows: the date is still there once, at a later version.
    bronze.snapshot("2024-01-31", Firm.of("B", "存续", "2021-01-01"));
    // A snapshot replaced by no rows is gone.
    bronze.snapshot("2024-03-31", Firm.of("C", "存续", "2021-01-01"));
    bronze.snapshot("2024-03-31");
    String table = Tables.REGISTRY_SNAPSHOT;
    long latest = wh.version(table);
    for (long v = 0; v <= latest; v++) {
      TreeSet<String> fromRows = new TreeSet<>(wh.readVersion(table, v).select("snapshot_date").distinct().collectAsList().stream()
          .map(r -> r.getDate(0).toLocalDate().toString()).toList());
      assertThat(dates(wh, table, v, "snapshot_date")).as("version " + v).contains(fromRows);
      java.util.TreeMap<String, Long> counted = new java.util.TreeMap<>();
      wh.readVersion(table, v).groupBy("snapshot_date").count().collectAsList()
          .forEach(r -> counted.put(r.getDate(0).toLocalDate().toString(), r.getLong(1)));
      assertThat(wh.rowsByPartition(table, v, "snapshot_date")).as("rows at version " + v).contains(counted);
    }
    assertThat(dates(wh, table, latest, "snapshot_date").orElseThrow()).containsExactly("2024-01-31", "2024-02-29");
    assertThat(dates(wh, table, latest + 1, "snapshot_date")).as("a version not written yet").isEmpty();
    assertThat(dates(wh, table, latest, "no_such_column")).as("not a partition column").isEmpty();
  }

  /** The partition values that hold rows, as {@link Warehouse#rowsByPartition} lists them. */
  private static java.util.Optional<TreeSet<String>> dates(Warehouse wh, String table, long version, String column) {
    return wh.rowsByPartition(table, version, column).map(rows -> new TreeSet<>(rows.keySet()));
  }

  @Test
  void latestDateFromTheLogsStatisticsEqualsAMaxQueryAtEveryVersion(@TempDir Path dir) {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    String table = Tables.CLASSIFY_WATERMARK;
    wh.ensure(table);
    mark(wh, "append", "2024-01-31", "2024-02-29");
    mark(wh, "append", "2024-03-31");
    // A full recompute replaces every row: the latest date can go back.
    mark(wh, "overwrite", "2024-01-31");
    long latest = wh.version(table);
    for (long v = 0; v <= latest; v++) {
      org.apache.spark.sql.Row max = wh.readVersion(table, v).agg(org.apache.spark.sql.functions.max("snapshot_date")).head();
      java.util.Optional<java.time.LocalDate> fromRows = max.isNullAt(0) ? java.util.Optional.empty() : java.util.Optional.of(max.getDate(0).toLocalDate());
      assertThat(wh.maxDate(table, v, "snapshot_date")).as("version " + v).isEqualTo(fromRows);
    }
    assertThat(wh.maxDate(table, latest, "snapshot_date")).contains(java.time.LocalDate.of(2024, 1, 31));
  }

  private static void mark(Warehouse wh, String mode, String... dates) {
    List<org.apache.spark.sql.Row> rows = java.util.Arrays.stream(dates)
        .map(d -> org.apache.spark.sql.RowFactory.create(java.sql.Date.valueOf(d), 1L, "fp", 1L, 1L, 1L, "run",
            java.sql.Timestamp.valueOf("2024-04-01 00:00:00")))
        .toList();
    wh.spark().createDataFrame(rows, Tables.get(Tables.CLASSIFY_WATERMARK).schema())
        .write().format("delta").mode(mode).save(wh.location(Tables.CLASSIFY_WATERMARK));
  }
}
