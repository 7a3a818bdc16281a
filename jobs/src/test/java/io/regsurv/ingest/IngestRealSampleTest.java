package io.regsurv.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.RunConfig;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real registry extract (../shared/data/registry-sample, not in the repository): skipped when absent, but under CI=true it must be there. */
class IngestRealSampleTest {
  static final Path SAMPLE = Path.of(System.getProperty("regsurv.project.dir", "."), "..", "shared", "data", "registry-sample").normalize();

  @Test
  void realExtractIngestsWithStatusUnknownAndReconciles(@TempDir Path dir) {
    io.regsurv.Prerequisite.require(Files.isDirectory(SAMPLE), "the real registry sample is not present at " + SAMPLE);
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    long started = System.nanoTime();
    IngestResult r =
        io.regsurv.pipeline.Pipeline.on(wh, RunConfig.defaults()).ingest(new IngestJob.Request(LocalDate.of(2019, 12, 31), "registry-extract-csv", null, List.of(SAMPLE.toString())));
    System.out.printf("real sample: %s in %.1f s; uscc_valid=false %d; capital parsed %d/%d%n", IngestJob.summary(r), (System.nanoTime() - started) / 1e9,
        r.usccInvalid(), r.capitalParsed(), r.capitalPresent());

    // Expected figures counted independently (Python csv module, same rules) on the 5 files.
    assertThat(r.inputFiles()).hasSize(5);
    assertThat(r.rowsRead()).isEqualTo(28_570);
    assertThat(r.quarantinedByReason()).containsEntry("wrong_column_count", 32L).containsEntry("bad_established_date", 181L)
        .containsEntry("bad_uscc", 181L).doesNotContainKey("duplicate"); // the same 181 shifted rows: an address in the code column
    assertThat(r.rowsAccepted()).isEqualTo(28_357);
    assertThat(r.rowsAccepted() + r.rowsQuarantined()).isEqualTo(r.rowsRead());
    assertThat(r.statusMissing()).isEqualTo(r.rowsAccepted());
    // Mostly pre-2015 registration numbers (注册号, 15 or 13 digits) in the 江苏 file: flagged, not rejected.
    assertThat(r.usccInvalid()).isEqualTo(698);
    assertThat(r.capitalParsedShare()).isGreaterThan(0.99);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("status_raw IS NOT NULL").count()).isZero();
    // Where the extract names a representative, only a 64-hex-digit salted hash is stored.
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("legal_representative_hash IS NOT NULL AND NOT legal_representative_hash RLIKE '^[0-9a-f]{64}$'").count()).isZero();
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).inputFiles()).hasSize(1);
  }
}
