package io.regsurv.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.SilverFixtures;
import io.regsurv.config.RunConfig;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import io.regsurv.pipeline.Pipeline;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VACUUM through maintain: it deletes exactly the unreferenced files older than the retention, and
 * a table with no file older than the retention is not vacuumed at all (no VACUUM commits), since
 * VACUUM could delete nothing there.
 */
class MaintenanceTest {

  @Test
  void vacuumDeletesOnlyUnreferencedFilesOlderThanTheRetentionAndATableWithNoneIsNotVacuumed(@TempDir Path dir) throws IOException {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    Pipeline pipeline = Pipeline.on(wh, RunConfig.defaults());
    wh.ensure(Tables.FIRM);
    append(wh, "91110000000000001A");
    append(wh, "91110000000000002B");
    Path table = Path.of(URI.create(wh.location(Tables.FIRM)));
    // Unreferenced files, as an interrupted writer leaves them: one written now, one (below) 10 days ago.
    Path young = Files.copy(dataFiles(table).get(0), table.resolve("part-99999-orphan-young.snappy.parquet"));

    // Every file is younger than the 168 h retention: nothing VACUUM could delete, so it does not run.
    Maintenance.TableResult first = firm(pipeline.maintain(168, false));
    assertThat(first.optimized()).isEqualTo("z-ordered by uscc");
    assertThat(first.filesVacuumed()).isZero();
    assertThat(young).exists();
    assertThat(wh.delta(Tables.FIRM).history().filter("operation LIKE 'VACUUM%'").count()).as("VACUUM commits").isZero();
    assertThat(first.versionAfter()).isEqualTo(wh.version(Tables.FIRM));

    // Ten days later (every file aged, the young orphan written again now): the old orphan goes; the
    // referenced files stay, and so do the files OPTIMIZE removed (their removal is within the retention).
    Path old = Files.copy(dataFiles(table).get(0), table.resolve("part-99998-orphan-old.snappy.parquet"));
    FileTime tenDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(10)));
    for (Path f : dataFiles(table)) {
      Files.setLastModifiedTime(f, tenDaysAgo);
    }
    Files.setLastModifiedTime(young, FileTime.from(Instant.now()));
    int before = dataFiles(table).size();

    Maintenance.TableResult second = firm(pipeline.maintain(168, false));
    assertThat(second.optimized()).isEqualTo("unchanged since last maintain");
    assertThat(second.filesVacuumed()).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(young).exists();
    assertThat(dataFiles(table)).hasSize(before - 1);
    assertThat(wh.delta(Tables.FIRM).history().filter("operation = 'VACUUM END'").count()).isEqualTo(1);
    assertThat(wh.read(Tables.FIRM).count()).isEqualTo(2);
    assertThat(wh.readVersion(Tables.FIRM, 2).count()).as("the version before OPTIMIZE, within the retention").isEqualTo(2);
  }

  /** silver.firm's result (ops.job_run, where maintain records itself, is maintained too from the second run). */
  private static Maintenance.TableResult firm(List<Maintenance.TableResult> results) {
    return results.stream().filter(r -> r.table().equals(Tables.FIRM)).findFirst().orElseThrow();
  }

  private static void append(Warehouse wh, String uscc) {
    SilverFixtures.firms(SilverFixtures.firm(uscc, "2020-01-01", "ACTIVE", null, null, "2024-01-31", "2024-01-31", "广东"))
        .write().format("delta").mode("append").save(wh.location(Tables.FIRM));
  }

  /** Parquet files of the table, outside its log. */
  private static List<Path> dataFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet") && !f.toString().contains("_delta_log")).sorted().toList();
    }
  }
}
