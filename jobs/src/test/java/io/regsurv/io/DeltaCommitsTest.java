package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.BronzeFixture;
import io.regsurv.BronzeFixture.Firm;
import io.regsurv.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaCommits} on a real partitioned table: which snapshot dates a range of commits
 * touched, that compaction (dataChange = false) does not count, and that a missing commit file
 * says "unknown" (empty) rather than "nothing changed".
 */
class DeltaCommitsTest {

  private static TreeSet<LocalDate> dates(String... iso) {
    TreeSet<LocalDate> out = new TreeSet<>();
    for (String d : iso) {
      out.add(LocalDate.parse(d));
    }
    return out;
  }

  @Test
  void touchedDatesAreThePartitionsWrittenOrReplacedInTheRangeAndCompactionIsNotAChange(@TempDir Path dir) throws Exception {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    BronzeFixture bronze = new BronzeFixture(wh);
    String t = Tables.REGISTRY_SNAPSHOT;
    bronze.snapshot("2024-01-31", Firm.of("A", "存续", "2020-01-01"));
    long v1 = wh.version(t);
    bronze.snapshot("2024-02-29", Firm.of("A", "存续", "2020-01-01"), Firm.of("B", "存续", "2021-01-01"));
    long v2 = wh.version(t);
    bronze.snapshot("2024-01-31", Firm.of("A", "注销", "2020-01-01").cancelled("2024-01-15")); // replaces Jan: remove + add
    long v3 = wh.version(t);

    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v1, v2)).contains(dates("2024-02-29"));
    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v2, v3)).contains(dates("2024-01-31"));
    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v1, v3)).contains(dates("2024-01-31", "2024-02-29"));
    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v3, v3)).contains(new TreeSet<>());
    assertThat(DeltaCommits.dataUnchanged(wh, t, v2, v3)).contains(false);
    assertThat(DeltaCommits.dataUnchanged(wh, t, v3, v3)).contains(true);

    // Two more files in February, then OPTIMIZE compacts them: a commit that changes no row.
    bronze.snapshot("2024-02-29", Firm.of("A", "存续", "2020-01-01"), Firm.of("B", "存续", "2021-01-01"), Firm.of("C", "存续", "2022-01-01"));
    long v4 = wh.version(t);
    wh.spark().read().format("delta").load(wh.location(t)).where("snapshot_date = DATE'2024-02-29'").repartition(3)
        .write().format("delta").mode("overwrite").option("replaceWhere", "snapshot_date = '2024-02-29'").save(wh.location(t));
    long v5 = wh.version(t);
    wh.spark().sql("OPTIMIZE delta.`" + wh.location(t) + "`").collectAsList();
    long v6 = wh.version(t);
    assertThat(v6).as("OPTIMIZE committed a version").isEqualTo(v5 + 1);
    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v5, v6)).contains(new TreeSet<>());
    assertThat(DeltaCommits.dataUnchanged(wh, t, v5, v6)).contains(true);
    assertThat(DeltaCommits.dataUnchanged(wh, t, v3, v6)).contains(false);
    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v3, v6)).contains(dates("2024-02-29"));
    assertThat(v4).isLessThan(v5);
  }

  @Test
  void aMissingCommitFileMeansUnknownNotUnchanged(@TempDir Path dir) throws Exception {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    BronzeFixture bronze = new BronzeFixture(wh);
    String t = Tables.REGISTRY_SNAPSHOT;
    bronze.snapshot("2024-01-31", Firm.of("A", "存续", "2020-01-01"));
    long v1 = wh.version(t);
    bronze.snapshot("2024-02-29", Firm.of("A", "存续", "2020-01-01"));
    bronze.snapshot("2024-03-31", Firm.of("A", "存续", "2020-01-01"));
    long v3 = wh.version(t);
    // As after log clean-up: the commit file of v1 + 1 is gone (the table itself stays readable from later commits' state here).
    Path log = Path.of(java.net.URI.create(wh.location(t))).resolve("_delta_log");
    Files.delete(log.resolve(String.format("%020d.json", v1 + 1)));

    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v1, v3)).isEqualTo(Optional.empty());
    assertThat(DeltaCommits.dataUnchanged(wh, t, v1, v3)).isEqualTo(Optional.empty());
    // The range after the gap is still read.
    assertThat(DeltaCommits.touchedDates(wh, t, "snapshot_date", v1 + 1, v3)).contains(dates("2024-03-31"));
  }
}
