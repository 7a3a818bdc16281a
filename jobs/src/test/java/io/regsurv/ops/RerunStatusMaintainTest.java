package io.regsurv.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One warehouse through the operator's week: run, rerun (nothing written), status, maintain,
 * rerun after maintain (still nothing written), and no personal name anywhere in the tables.
 */
class RerunStatusMaintainTest {
  static final List<String> SNAPSHOTS = List.of("2024-06-30", "2024-07-31");

  @Test
  void rerunAfterSuccessWritesNothingEvenAfterMaintainAndNoNameReachesATable(@TempDir Path dir) throws IOException {
    Path data = dir.resolve("registry");
    String wh = dir.resolve("wh").toString();
    // Dirty rows on purpose: shifted and malformed lines end up in bronze.quarantine with their raw text.
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "600", "--snapshots", String.join(",", SNAPSHOTS),
        "--dirt-rate", "0.05", "--no-truth");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), wh);

    Cli first = Cli.run("run", "--warehouse", wh, "--backfill", data.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    Map<String, Long> versions = dataVersions(warehouse);
    Map<String, Long> counts = counts(warehouse);
    assertThat(versions).containsKeys(Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE, Tables.FIRM, Tables.SURVIVAL_CURVE, Tables.REGISTRY_KPI);

    Cli status = Cli.run("status", "--warehouse", wh);
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("Latest runs").contains("ingest").contains("2024-06-30").contains("succeeded")
        .contains("nothing: every snapshot is classified and gold is up to date with silver");

    long logVersion = warehouse.version(Tables.JOB_RUN);
    Cli second = Cli.run("run", "--warehouse", wh, "--backfill", data.toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out())
        .contains("snapshot 2024-06-30: skipped").contains("snapshot 2024-07-31: skipped")
        .contains("classify unchanged").contains("survival as of 2024-07-31: skipped").contains("report as of 2024-07-31: skipped");
    // The same version of every table: not one row written (so the counts are those above).
    assertThat(dataVersions(warehouse)).isEqualTo(versions);
    assertThat(warehouse.read(Tables.JOB_RUN).filter("status = 'skipped'").count()).isEqualTo(5);
    assertThat(warehouse.version(Tables.JOB_RUN) - logVersion).as("ops.job_run commits: the backfill's two skipped snapshots in one, "
        + "then classify, survival and report").isEqualTo(4);

    // run --snapshot-date --force redoes every stage though all is done: new commits, the same rows.
    long succeededBefore = warehouse.read(Tables.JOB_RUN).filter("status = 'succeeded'").count();
    Cli forced = Cli.run("run", "--warehouse", wh, "--snapshot-date", "2024-07-31", data.resolve("dt=2024-07-31").toString(), "--force");
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(forced.out()).doesNotContain("skipped").doesNotContain("unchanged");
    Map<String, Long> forcedVersions = dataVersions(warehouse);
    for (String t : List.of(Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE, Tables.FIRM, Tables.SURVIVAL_CURVE, Tables.REGISTRY_KPI)) {
      assertThat(forcedVersions.get(t)).as(t + " rewritten by the forced run").isGreaterThan(versions.get(t));
    }
    assertThat(counts(warehouse)).isEqualTo(counts);
    assertThat(warehouse.read(Tables.JOB_RUN).filter("status = 'succeeded'").count() - succeededBefore)
        .as("ingest, classify, survival and report each recorded as succeeded").isEqualTo(4);
    versions = forcedVersions;

    Cli maintain = Cli.run("maintain", "--warehouse", wh);
    assertThat(maintain.exitCode()).as(maintain.err()).isZero();
    assertThat(maintain.out()).contains("bronze.registry_snapshot").contains("z-ordered by uscc").contains("VACUUM retention 168 h");
    assertThat(warehouse.read(Tables.JOB_RUN).filter("stage = 'maintain' AND status = 'succeeded'").count()).isEqualTo(1);
    Map<String, Long> maintained = dataVersions(warehouse);
    assertThat(maintained.get(Tables.REGISTRY_SNAPSHOT)).isGreaterThan(versions.get(Tables.REGISTRY_SNAPSHOT));

    // OPTIMIZE changes files, not rows: the next run still has nothing to do.
    Cli third = Cli.run("run", "--warehouse", wh, "--backfill", data.toString());
    assertThat(third.exitCode()).as(third.err()).isZero();
    assertThat(third.out()).contains("snapshot 2024-07-31: skipped").contains("classify unchanged")
        .contains("survival as of 2024-07-31: skipped").contains("report as of 2024-07-31: skipped");
    assertThat(dataVersions(warehouse)).isEqualTo(maintained);
    assertThat(counts(warehouse)).as("OPTIMIZE and VACUUM change files, not rows").isEqualTo(counts);

    // A second maintain finds nothing changed and optimizes nothing.
    Cli again = Cli.run("maintain", "--warehouse", wh);
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).doesNotContain("z-ordered").contains("unchanged since last maintain");

    Cli tooShort = Cli.run("maintain", "--warehouse", wh, "--retention-hours", "1");
    assertThat(tooShort.exitCode()).isEqualTo(2);
    assertThat(tooShort.lastErrLine()).startsWith("regsurv maintain: error: Cannot maintain ").contains("retention 1 h is shorter");
    Cli negative = Cli.run("maintain", "--warehouse", wh, "--retention-hours", "-1");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.lastErrLine()).contains("--retention-hours must be >= 0");

    assertNoPersonalName(warehouse, legalRepresentatives(data));
  }

  /** The last CSV column of the generator's files: the legal representatives' names. */
  private static Set<String> legalRepresentatives(Path data) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(data)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        int columns = lines.get(0).split(",", -1).length;
        for (String line : lines.subList(1, lines.size())) {
          if (line.split(",", -1).length != columns) {
            continue; // a dirty (shifted or malformed) line: its last field need not be the person
          }
          String last = line.substring(line.lastIndexOf(',') + 1).replace("\"", "").strip();
          if (last.codePoints().count() >= 2 && last.codePoints().count() <= 4 && last.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
            names.add(last);
          }
        }
      }
    }
    return names;
  }

  /**
   * No string value (nor a comma-, tab- or pipe-separated field of one, as in raw_text) of any
   * table equals a known name. One query per table; only a table with a hit is searched column by
   * column, to name the column.
   */
  private static void assertNoPersonalName(Warehouse warehouse, Set<String> names) {
    assertThat(names).hasSizeGreaterThan(100);
    Object[] known = names.toArray();
    Column knownArray = array(names.stream().map(functions::lit).toArray(Column[]::new));
    Map<String, Map<String, Column>> holdsName = new LinkedHashMap<>();
    Map<String, Dataset<Row>> hits = new LinkedHashMap<>();
    for (String table : Tables.ALL) {
      if (!warehouse.exists(table)) {
        continue;
      }
      Dataset<Row> rows = warehouse.read(table);
      Map<String, Column> columns = new LinkedHashMap<>();
      for (StructField f : rows.schema().fields()) {
        if (f.dataType().equals(DataTypes.StringType)) {
          Column c = col(f.name());
          columns.put(f.name(), c.isin(known).or(arrays_overlap(split(c, "[,\t|\"]"), knownArray)));
        }
      }
      if (!columns.isEmpty()) {
        holdsName.put(table, columns);
        hits.put(table, rows.where(columns.values().stream().reduce(Column::or).orElseThrow()));
      }
    }
    // Only a table with a hit is searched column by column, to name the column.
    countEach(hits).forEach((table, n) -> {
      if (n > 0) {
        holdsName.get(table).forEach((name, hit) -> assertThat(warehouse.read(table).where(hit).count())
            .as(table + "." + name + " holds a legal representative's name").isZero());
      }
    });
    assertThat(warehouse.read(Tables.QUARANTINE).where(col("raw_text").contains("\u2039legal_representative\u203a")).count())
        .as("quarantined rows keep their raw text, with the name redacted").isPositive();
  }

  /** Versions of every table but the log (which records the skipped runs). */
  private static Map<String, Long> dataVersions(Warehouse warehouse) {
    Map<String, Long> v = new LinkedHashMap<>();
    for (String t : Tables.ALL) {
      if (!t.equals(Tables.JOB_RUN) && warehouse.exists(t)) {
        v.put(t, warehouse.version(t));
      }
    }
    return v;
  }

  private static Map<String, Long> counts(Warehouse warehouse) {
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    for (String t : Tables.ALL) {
      if (!t.equals(Tables.JOB_RUN) && warehouse.exists(t)) {
        tables.put(t, warehouse.read(t));
      }
    }
    return countEach(tables);
  }

  /** The row count of each frame, by one query (a union of counts): one query per table cost about 0.3 s each. */
  private static Map<String, Long> countEach(Map<String, Dataset<Row>> frames) {
    Dataset<Row> all = null;
    for (Map.Entry<String, Dataset<Row>> e : frames.entrySet()) {
      Dataset<Row> n = e.getValue().agg(functions.count(functions.lit(1)).as("n")).select(functions.lit(e.getKey()).as("name"), col("n"));
      all = all == null ? n : all.unionAll(n);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    if (all != null) {
      for (Row r : all.collectAsList()) {
        counts.put(r.getString(0), r.getLong(1));
      }
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    frames.keySet().forEach(k -> ordered.put(k, counts.get(k)));
    return ordered;
  }
}
