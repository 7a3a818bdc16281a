package io.regsurv.ingest;

import static io.regsurv.ingest.IngestJobTest.HEADER;
import static io.regsurv.ingest.IngestJobTest.LINES;
import static io.regsurv.ingest.IngestJobTest.csv;
import static io.regsurv.ingest.IngestJobTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad inputs of issue #8 not covered by {@link IngestJobTest} (truncated gzip, GB18030 as
 * UTF-8, missing column, missing path, future date are there; NUL bytes and 10,000-character
 * fields are rows of its happy path), and ingest's skip-if-done rule.
 */
class IngestBadInputTest {
  @TempDir Path whDir;
  private String whPath;
  private Warehouse wh;

  @org.junit.jupiter.api.BeforeEach
  void warehouse() {
    whPath = whDir.resolve("wh").toString();
    wh = new Warehouse(SharedSpark.spark(), whPath);
  }

  private Cli ingest(String date, String... more) {
    List<String> a = new ArrayList<>(List.of("ingest", "--warehouse", whPath, "--snapshot-date", date));
    a.addAll(Arrays.asList(more));
    return Cli.run(a.toArray(String[]::new));
  }

  @Test
  void emptyAndHeaderOnlyFilesExitTwoAndWriteNothing(@TempDir Path dir) throws IOException {
    Path good = write(dir.resolve("good"), "part-00000.csv", csv(LINES, StandardCharsets.UTF_8));
    assertThat(ingest("2024-07-31", good.toString()).exitCode()).isZero();
    long snapshotVersion = wh.version(Tables.REGISTRY_SNAPSHOT);
    long quarantineVersion = wh.version(Tables.QUARANTINE);

    Path empty = write(dir.resolve("empty"), "part-00000.csv", new byte[0]);
    Cli cli = ingest("2024-07-31", empty.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).isEqualTo("regsurv ingest: error: Cannot ingest snapshot 2024-07-31: file part-00000.csv is empty (expected a header row)");

    Path headerOnly = write(dir.resolve("header"), "part-00000.csv", csv(List.of(HEADER), StandardCharsets.UTF_8));
    cli = ingest("2024-07-31", headerOnly.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine())
        .isEqualTo("regsurv ingest: error: Cannot ingest snapshot 2024-07-31: the files hold a header but no data rows; nothing was written");

    // The good snapshot is still whole: a broken dump never replaces a date with nothing.
    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(snapshotVersion);
    assertThat(wh.version(Tables.QUARANTINE)).isEqualTo(quarantineVersion);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).count()).isEqualTo(7);
    assertThat(wh.read(Tables.JOB_RUN).filter("status = 'failed'").count()).isEqualTo(2);
  }

  @Test
  void extraColumnsAreWarnedAndKeptOutAndAnOlderSnapshotIsAccepted(@TempDir Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER + ",备注,联系电话");
    for (int i = 1; i < LINES.size(); i++) {
      // Line 12 opens a quoted field that line 13 closes: the extra fields go after line 13.
      lines.add(i == 11 ? LINES.get(i) : LINES.get(i) + ",备注x,13800000000");
    }
    Path extra = write(dir.resolve("extra"), "part-00000.csv", csv(lines, StandardCharsets.UTF_8));
    Cli cli = ingest("2024-07-31", extra.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err())
        .contains("regsurv ingest: warning: file part-00000.csv: unknown column '备注' ignored")
        .contains("unknown column '联系电话' ignored");
    assertThat(cli.out()).contains("read 14 = accepted 7 + quarantined 7");
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).columns()).doesNotContain("备注", "联系电话");
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("business_scope like '%13800000000%' or name like '%备注%'").count()).isZero();

    // A snapshot older than all others (out of order) is ingested like any other; classify then
    // recomputes (ClassifyJobTest.outOfOrderSnapshotsGiveTheSameTablesAsInOrder).
    Path older = write(dir.resolve("older"), "part-00000.csv", csv(LINES.subList(0, 4), StandardCharsets.UTF_8));
    cli = ingest("2023-12-31", older.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("read 3 = accepted 3 + quarantined 0");
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'2023-12-31'").count()).isEqualTo(3);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'2024-07-31'").count()).isEqualTo(7);
  }

  @Test
  void configWithUnknownKeyOrWrongTypeIsOneLineExitTwo(@TempDir Path dir) throws IOException {
    Path good = write(dir.resolve("good"), "part-00000.csv", csv(LINES, StandardCharsets.UTF_8));
    Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"ingest\": {\"dialekt\": \"generator-csv\"}}");
    Cli cli = Cli.run("ingest", "--config", unknown.toString(), "--warehouse", whPath, "--snapshot-date", "2024-07-31", good.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err().strip().lines().count()).as(cli.err()).isEqualTo(1);
    assertThat(cli.lastErrLine()).startsWith("regsurv ingest: error: ").contains("unknown.json").contains("ingest.dialekt");

    Path wrongType = Files.writeString(dir.resolve("wrong.json"), "{\"ingest\": {\"targetFileRows\": \"lots\"}}");
    cli = Cli.run("ingest", "--config", wrongType.toString(), "--warehouse", whPath, "--snapshot-date", "2024-07-31", good.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err().strip().lines().count()).as(cli.err()).isEqualTo(1);
    assertThat(cli.lastErrLine()).startsWith("regsurv ingest: error: ").contains("wrong.json").contains("ingest.targetFileRows");
    assertThat(wh.exists(Tables.REGISTRY_SNAPSHOT)).isFalse();
  }

  @Test
  void rerunWithTheSameFilesIsSkippedAndChangedOrForcedFilesAreIngested(@TempDir Path dir) throws IOException {
    Path file = write(dir.resolve("snap"), "part-00000.csv", csv(LINES, StandardCharsets.UTF_8));
    assertThat(ingest("2024-07-31", file.toString()).exitCode()).isZero();
    assertThat(ingest("2024-06-30", file.toString()).exitCode()).isZero();
    long snapshotVersion = wh.version(Tables.REGISTRY_SNAPSHOT);
    long quarantineVersion = wh.version(Tables.QUARANTINE);

    Cli again = ingest("2024-07-31", file.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("snapshot 2024-07-31: skipped, already ingested from the same 1 file(s)")
        .contains("read 14 = accepted 7 + quarantined 7");
    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(snapshotVersion);
    assertThat(wh.version(Tables.QUARANTINE)).isEqualTo(quarantineVersion);
    assertThat(wh.read(Tables.JOB_RUN).filter("status = 'skipped' AND stage = 'ingest'").count()).isEqualTo(1);

    // A new dump in the same place (same path, new modification time) is ingested.
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 60_000));
    Cli changed = ingest("2024-07-31", file.toString());
    assertThat(changed.out()).contains("read 14 = accepted 7 + quarantined 7").doesNotContain("skipped");
    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(snapshotVersion + 1);

    Cli forced = ingest("2024-07-31", "--force", file.toString());
    assertThat(forced.out()).doesNotContain("skipped");
    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(snapshotVersion + 2);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'2024-07-31'").count()).isEqualTo(7);
  }
}
