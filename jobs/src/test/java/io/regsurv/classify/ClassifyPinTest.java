package io.regsurv.classify;

import static org.apache.spark.sql.functions.col;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.config.RunConfig;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.Tables;
import io.regsurv.pipeline.Pipeline;
import io.regsurv.io.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins every row of silver.firm, silver.status_history and silver.status_event on a small generated
 * registry with dirt (duplicates, bad check digits, unknown statuses, vanishings) to the rows the
 * snapshot-by-snapshot fold produced before classify became one windowed pass (issue #20).
 *
 * <p>The stored digests in {@code classify-pin.properties} were made by the fold of commit deb4857
 * (run with {@code -Dpin.write=true}). The salt is fixed so that legal_representative_hash does not
 * change with the warehouse's random salt; the generator is seeded. On a mismatch the actual sorted
 * rows are written under {@code target/classify-pin/} for a diff. The same snapshots folded in one
 * at a time must give the same silver. silver.firm is compared as its readers see it (with
 * last_seen_snapshot, derived since it stores vanished_after_snapshot instead). Its lineage column
 * source_version is checked to equal the bronze version read instead of pinned: since CHECK
 * constraints are set at table creation rather than one commit each, bronze's version numbers are
 * lower, and the firm digest was re-pinned without that column (the rows were otherwise equal: with
 * the old version number put back they gave the old digest).
 */
class ClassifyPinTest {
  static final List<String> SNAPSHOTS = List.of("2023-03-31", "2023-06-30", "2023-12-31", "2024-03-31", "2024-06-30");
  static final List<String> TABLES = List.of(Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT);

  @Test
  void silverEqualsThePinnedRowsOfTheSnapshotBySnapshotFold(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("registry");
    String wh = dir.resolve("wh").toString();
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "1500", "--snapshots", String.join(",", SNAPSHOTS),
        "--dirt-rate", "0.05", "--seed", "7", "--threads", "1");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    // One pass for all snapshots: the same bronze rows as one ingest each (IngestPinnedOutputTest).
    Cli ingest = Cli.run(Cli.ingestAll(wh, data, SNAPSHOTS, "--set", "privacy.salt=classify-pin-salt"));
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    Cli classify = Cli.run("classify", "--warehouse", wh);
    assertThat(classify.exitCode()).as(classify.err()).isZero();

    Warehouse w = new Warehouse(SharedSpark.spark(), wh);
    Map<String, String> actual = new LinkedHashMap<>();
    for (String table : TABLES) {
      List<String> rows = rows(w, table);
      actual.put(table + ".rows", String.valueOf(rows.size()));
      actual.put(table + ".sha256", sha256(rows));
      Path out = Path.of("target", "classify-pin", table + ".txt");
      Files.createDirectories(out.getParent());
      Files.write(out, rows, StandardCharsets.UTF_8);
    }
    if (Boolean.getBoolean("pin.write")) {
      Properties p = new Properties();
      p.putAll(actual);
      Path file = Path.of("jobs", "src", "test", "resources", "classify-pin.properties");
      try (var writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        p.store(writer, "silver digests of ClassifyPinTest (see its Javadoc)");
      }
      return;
    }
    Properties pinned = new Properties();
    try (InputStream in = ClassifyPinTest.class.getResourceAsStream("/classify-pin.properties")) {
      assertThat(in).as("classify-pin.properties").isNotNull();
      pinned.load(in);
    }
    // Not vacuous: the registry has exits, vanishings and reappearances.
    assertThat(Long.parseLong(actual.get(Tables.STATUS_EVENT + ".rows"))).isGreaterThan(100);
    assertThat(w.read(Tables.STATUS_EVENT).where("transition_kind = 'vanish'").count()).isPositive();
    for (String key : actual.keySet()) {
      assertThat(actual.get(key)).as(key + " (actual rows in target/classify-pin/)").isEqualTo(pinned.getProperty(key));
    }
    // silver.firm's lineage column is checked, not pinned: it names the bronze version read, whose
    // number depends on how many commits made the table (e.g. constraints added one commit each).
    assertThat(w.read(Tables.FIRM).where(col("source_version").notEqual(w.version(Tables.REGISTRY_SNAPSHOT))).count())
        .as("silver.firm rows not computed from the bronze version the classify read").isZero();

    // silver.firm's rows joined to the last sightings through the vanished firms' Bloom filter (as a
    // long series is, -1: rows not known) equal those joined to every sighting (as this short one is).
    io.regsurv.config.ClassifySettings settings = RunConfig.defaults().classify();
    org.apache.spark.sql.Dataset<Row> sightings = w.read(Tables.REGISTRY_SNAPSHOT);
    List<java.time.LocalDate> dates = SNAPSHOTS.stream().map(java.time.LocalDate::parse).toList();
    org.apache.spark.sql.Dataset<Row> timeline = FirmTimeline.timeline(
        StatusClassification.withCanonical(sightings, io.regsurv.config.StatusDictionary.load(settings.statusDictionary())), dates, settings)
        .cache();
    java.time.LocalDate latest = dates.get(dates.size() - 1);
    assertThat(FirmTimeline.firms(timeline, sightings, latest, 0, -1).collectAsList())
        .containsExactlyInAnyOrderElementsOf(FirmTimeline.firms(timeline, sightings, latest, 0, 0).collectAsList())
        .hasSize((int) w.read(Tables.FIRM).count());
    timeline.unpersist();

    // The same bronze arriving one snapshot at a time (each classified: a full first run, then
    // increments) gives the same silver as the one pass over all of it. source_version differs by
    // construction (each run records the bronze version it read), so it is left out.
    Warehouse chain = new Warehouse(SharedSpark.spark(), dir.resolve("chain").toString());
    chain.ensure(Tables.REGISTRY_SNAPSHOT);
    for (String d : SNAPSHOTS) {
      w.read(Tables.REGISTRY_SNAPSHOT).where("snapshot_date = DATE'" + d + "'").write().format("delta").mode("overwrite")
          .option("replaceWhere", "snapshot_date = DATE'" + d + "'").save(chain.location(Tables.REGISTRY_SNAPSHOT));
      ClassifyResult r = Pipeline.on(chain, RunConfig.defaults()).classify(false);
      assertThat(r.mode()).isEqualTo(d.equals(SNAPSHOTS.get(0)) ? "full" : "incremental");
    }
    for (String table : TABLES) {
      assertThat(rowsWithoutLineage(chain, table)).as(table).isEqualTo(rowsWithoutLineage(w, table));
    }
  }

  private static List<String> rowsWithoutLineage(Warehouse w, String table) {
    List<String> rows = new ArrayList<>();
    for (Row r : logical(w, table).drop("source_version").collectAsList()) {
      rows.add(r.toString());
    }
    rows.sort(null);
    return rows;
  }

  /**
   * A table as its readers see it: silver.firm with last_seen_snapshot ({@link SilverFirm}), which
   * it stores as vanished_after_snapshot; the others as stored.
   */
  static org.apache.spark.sql.Dataset<Row> logical(Warehouse w, String table) {
    return table.equals(Tables.FIRM) ? SilverFirm.read(w) : w.read(table);
  }

  /** Every row of the table as readers see it as text, columns in the table's order, sorted. */
  static List<String> rows(Warehouse w, String table) {
    List<String> names = table.equals(Tables.FIRM)
        ? SilverFirm.columnNames().stream().filter(c -> !c.equals("source_version")).toList() : Tables.get(table).columnNames();
    List<String> rows = new ArrayList<>();
    for (Row r : logical(w, table).select(names.stream().map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new)).collectAsList()) {
      rows.add(r.toString());
    }
    rows.sort(null);
    return rows;
  }

  static String sha256(List<String> rows) throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (String r : rows) {
      md.update(r.getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
