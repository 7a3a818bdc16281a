package io.regsurv.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bronze and quarantine rows of a snapshot are pinned: every row (every column but the run id,
 * the file by its name) is compared with a copy made by the ingest of 2026-12-02 (commit deb4857),
 * so a faster ingest must give exactly the same rows, reasons and line numbers.
 *
 * <p>The copies live in {@code src/test/resources/pinned/}; run with {@code -Dregsurv.pin.write=true}
 * to rewrite them (only when a change of the rows is intended, and say so in the commit). The real
 * registry sample is pinned by a SHA-256 only: its text is not the repository's to hold.
 */
class IngestPinnedOutputTest {
  static final String SALT = "pinned-test-salt-not-a-secret";
  static final Path PINNED = Path.of(System.getProperty("regsurv.project.dir", "."), "jobs", "src", "test", "resources", "pinned");
  static final boolean WRITE = Boolean.getBoolean("regsurv.pin.write");

  @TempDir Path dir;

  /** Generated dirt (all kinds), two files per snapshot, two snapshots (a firm's rows repeat across dates). */
  @Test
  void generatedCsvWithDirtGivesThePinnedRows() throws IOException {
    Path data = generate("csv", "UTF-8", false);
    ingest("generator-csv", null, "2024-06-30", data.resolve("dt=2024-06-30"));
    ingest("generator-csv", null, "2024-12-31", data.resolve("dt=2024-12-31"));
    compare("generated-csv");
  }

  /**
   * The same two snapshots ingested in one pass (no --snapshot-date: the dates come from the
   * folders) give the same rows as two ingests, in one commit per table, with a run per snapshot.
   */
  @Test
  void backfillInOnePassGivesThePinnedRowsOfSeparateIngests() throws IOException {
    Path data = generate("csv", "UTF-8", false);
    Cli cli = Cli.run("ingest", "--warehouse", dir.resolve("wh").toString(), "--set", "privacy.salt=" + SALT, "--dialect", "generator-csv",
        data.resolve("dt=2024-06-30").toString(), data.resolve("dt=2024-12-31").toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("snapshot 2024-06-30 (generator-csv)").contains("snapshot 2024-12-31 (generator-csv)");
    compare("generated-csv");
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    for (String table : List.of(Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE)) {
      assertThat(io.delta.tables.DeltaTable.forPath(SharedSpark.spark(), wh.location(table)).history()
          // A new table is made with its first rows in one commit (CREATE TABLE AS SELECT), an existing one written (WRITE).
          .filter("operation IN ('WRITE', 'CREATE TABLE AS SELECT')").count())
          .as("%s: one commit for both snapshots", table).isEqualTo(1);
    }
    List<Row> runs = wh.read(Tables.JOB_RUN).orderBy("snapshot_date").collectAsList();
    assertThat(runs).hasSize(2).allMatch(r -> r.<String>getAs("status").equals("succeeded"));
    for (Row run : runs) {
      String date = run.getAs("snapshot_date").toString();
      long accepted = wh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'" + date + "'").count();
      long quarantined = wh.read(Tables.QUARANTINE).filter("snapshot_date = DATE'" + date + "'").count();
      assertThat(run.<Long>getAs("rows_written")).as(date).isEqualTo(accepted);
      assertThat(run.<Long>getAs("rows_quarantined")).as(date).isEqualTo(quarantined);
      assertThat(run.<Long>getAs("rows_read")).as(date).isEqualTo(accepted + quarantined);
      assertThat(run.getList(run.fieldIndex("input_files"))).as(date).hasSize(2).allMatch(f -> f.toString().contains("dt=" + date));
    }
    // Again: both skipped, nothing written.
    long version = wh.version(Tables.REGISTRY_SNAPSHOT);
    Cli again = Cli.run("ingest", "--warehouse", dir.resolve("wh").toString(), "--set", "privacy.salt=" + SALT, "--dialect", "generator-csv",
        data.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("snapshot 2024-06-30: skipped").contains("snapshot 2024-12-31: skipped");
    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(version);
  }

  @Test
  void generatedGb18030GzipGivesThePinnedRows() throws IOException {
    Path data = generate("csv", "GB18030", true);
    ingest("generator-csv", "GB18030", "2024-12-31", data.resolve("dt=2024-12-31"));
    compare("generated-gb18030-gzip");
  }

  @Test
  void generatedJsonLinesGiveThePinnedRows() throws IOException {
    Path data = generate("jsonl", "UTF-8", true);
    ingest("generator-jsonl", null, "2024-12-31", data.resolve("dt=2024-12-31"));
    compare("generated-jsonl-gzip");
  }

  /** The hand-written edge cases of IngestJobTest (NUL, a field spanning lines, a 10,000-character field …). */
  @Test
  void handWrittenEdgeCasesGiveThePinnedRows() throws IOException {
    IngestJobTest.write(dir.resolve("in/dt=2024-07-31"), "part-00000.csv", IngestJobTest.csv(IngestJobTest.LINES, StandardCharsets.UTF_8));
    ingest("generator-csv", null, "2024-07-31", dir.resolve("in/dt=2024-07-31"));
    compare("hand-written");
  }

  @Test
  void realRegistrySampleGivesThePinnedRows() throws IOException {
    Path sample = IngestRealSampleTest.SAMPLE;
    io.regsurv.Prerequisite.require(Files.isDirectory(sample), "the real registry sample is not present at " + sample + ": its pinned digest is not checked");
    ingest("registry-extract-csv", null, "2019-12-31", sample);
    List<String> rows = rendered();
    Path digest = PINNED.resolve("real-sample.sha256");
    String actual = rows.size() + " " + sha256(rows);
    if (WRITE) {
      Files.createDirectories(PINNED);
      Files.writeString(digest, actual + "\n");
    }
    assertThat(actual).as("rows and SHA-256 of the real sample's bronze and quarantine rows").isEqualTo(Files.readString(digest).strip());
  }

  private Path generate(String format, String encoding, boolean gzip) {
    Path data = dir.resolve("registry");
    List<String> args = new ArrayList<>(List.of("generate", "--out", data.toString(), "--firms", "1200", "--snapshots", "2024-06-30,2024-12-31",
        "--dirt-rate", "0.3", "--seed", "20261202", "--parts", "2", "--format", format, "--encoding", encoding, "--no-truth", "--threads", "1"));
    if (gzip) {
      args.add("--gzip");
    }
    Cli gen = Cli.run(args.toArray(String[]::new));
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    return data;
  }

  private void ingest(String dialect, String encoding, String date, Path input) {
    List<String> args = new ArrayList<>(List.of("ingest", "--warehouse", dir.resolve("wh").toString(), "--set", "privacy.salt=" + SALT,
        "--dialect", dialect, "--snapshot-date", date));
    if (encoding != null) {
      args.addAll(List.of("--encoding", encoding));
    }
    args.add(input.toString());
    Cli cli = Cli.run(args.toArray(String[]::new));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
  }

  /** Every row of both tables as one JSON line, in a fixed order, without what differs between runs (run id, folder). */
  private List<String> rendered() {
    Warehouse wh = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    List<String> out = new ArrayList<>();
    for (String table : List.of(Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE)) {
      Dataset<Row> rows = wh.read(table);
      List<Column> columns = new ArrayList<>();
      for (String c : rows.columns()) {
        if (c.equals("source_file")) {
          columns.add(functions.regexp_extract(functions.col(c), "[^/]+$", 0).alias(c));
        } else if (!c.equals("ingest_run_id")) {
          columns.add(functions.col(c));
        }
      }
      for (String json : rows.select(columns.toArray(Column[]::new)).orderBy("snapshot_date", "source_file", "source_line").toJSON().collectAsList()) {
        out.add(table + " " + json);
      }
    }
    return out;
  }

  private void compare(String name) throws IOException {
    List<String> actual = rendered();
    Path copy = PINNED.resolve(name + ".jsonl.gz");
    if (WRITE) {
      Files.createDirectories(PINNED);
      try (Writer w = new java.io.OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(copy)), StandardCharsets.UTF_8)) {
        for (String line : actual) {
          w.write(line);
          w.write('\n');
        }
      }
    }
    List<String> expected = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(copy)), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        expected.add(line);
      }
    }
    assertThat(actual).as("%s: quarantine rows", name).anyMatch(l -> l.startsWith(Tables.QUARANTINE));
    for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
      assertThat(actual.get(i)).as("%s: row %d of %d", name, i, expected.size()).isEqualTo(expected.get(i));
    }
    assertThat(actual).as(name).hasSameSizeAs(expected);
  }

  static String sha256(List<String> lines) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String l : lines) {
        md.update(l.getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
