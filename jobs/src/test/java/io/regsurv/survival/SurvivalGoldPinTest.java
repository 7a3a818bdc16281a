package io.regsurv.survival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.config.ConfigLoader;
import io.regsurv.config.RunConfig;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import io.regsurv.pipeline.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every gold table the survival stage writes for a small generated warehouse, row for row, equals a
 * stored copy made by the engine of 2026-12-02 (before the survival stage was rebuilt on one
 * aggregation, issue #21): all default cohort dimensions, suppression, cumulative incidence with its
 * jackknife errors, log-rank, monthly grid and status transitions; once without and once with
 * delayed entry. Doubles are compared to 1e-12 relative, everything else exactly but for the lineage
 * column source_version, which must equal the silver.firm version read.
 *
 * <p>To regenerate the copy deliberately (a changed contract, said so in the commit):
 * {@code -Dregsurv.pin.write=<repo>/jobs/src/test/resources/pinned-gold}.
 */
class SurvivalGoldPinTest {
  static final List<String> SNAPSHOTS = List.of("2023-12-31", "2024-06-30");
  static final LocalDate AS_OF = LocalDate.of(2024, 6, 30);
  static final List<String> TABLES = List.of(Tables.SURVIVAL_CURVE, Tables.SURVIVAL_CURVE_MONTHLY, Tables.COHORT_SUMMARY,
      Tables.CUMULATIVE_INCIDENCE, Tables.COHORT_COMPARISON, Tables.STATUS_TRANSITION_MONTHLY);

  @Test
  void everyGoldTableEqualsTheStoredCopy(@TempDir Path dir) {
    Path data = dir.resolve("registry");
    String wh = dir.resolve("wh").toString();
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "3000", "--snapshots", String.join(",", SNAPSHOTS), "--no-truth");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    // Every snapshot in one pass (bronze rows as snapshot by snapshot: IngestPinnedOutputTest).
    Cli ingest = Cli.run(Cli.ingestAll(wh, data, SNAPSHOTS, "--set", "privacy.salt=pinned-test-salt"));
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    Cli classify = Cli.run("classify", "--warehouse", wh, "--set", "privacy.salt=pinned-test-salt");
    assertThat(classify.exitCode()).as(classify.err()).isZero();
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), wh);
    // Small cohorts are suppressed at 30 (the default); 10 publishes most and still suppresses some.
    for (String variant : List.of("auto", "on")) {
      RunConfig config = ConfigLoader.load(null, Map.of("survival.minCohortSize", "10", "survival.delayedEntry", variant));
      Pipeline.on(warehouse, config).survival(AS_OF, true);
      long silverVersion = warehouse.version(Tables.FIRM);
      for (String table : TABLES) {
        // Lineage, not a statistic: the silver.firm version read, which depends on how many commits
        // classify makes (fewer since it became one pass), so it is checked here, not pinned.
        assertThat(warehouse.read(table).select("source_version").distinct().as(Encoders.LONG()).collectAsList())
            .as(table + ".source_version").containsExactly(silverVersion);
        compare(variant + "-" + table, lines(warehouse, table));
      }
    }
  }

  /** The table's rows as tab-separated text, sorted (keys come before the measures in every gold schema). */
  static List<String> lines(Warehouse warehouse, String table) {
    List<String> out = new ArrayList<>();
    for (Row r : warehouse.read(table).collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        if (i > 0) {
          b.append('\t');
        }
        Object v = r.get(i);
        b.append(v == null ? "\\N" : v instanceof Double d ? "d" + Double.toString(d) : v.toString());
      }
      out.add(b.toString());
    }
    out.sort(null);
    out.add(0, String.join("\t", warehouse.read(table).columns()));
    return out;
  }

  static void compare(String name, List<String> actual) {
    String write = System.getProperty("regsurv.pin.write");
    if (write != null && !write.isBlank()) {
      try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(Path.of(write).resolve(name + ".tsv.gz")))) {
        o.write((String.join("\n", actual) + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    List<String> expected;
    try (InputStream in = SurvivalGoldPinTest.class.getResourceAsStream("/pinned-gold/" + name + ".tsv.gz")) {
      assertThat(in).as("stored copy " + name).isNotNull();
      expected = new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(expected.size()).as(name + ": a pin of no rows proves nothing").isGreaterThan(1);
    assertSameLines(name, expected, actual);
  }

  /** {@link #lines} equal but for doubles, which may differ by 1e-12 relative. */
  static void assertSameLines(String name, List<String> expected, List<String> actual) {
    assertThat(actual.get(0)).as(name + " columns").isEqualTo(expected.get(0));
    assertThat(actual).as(name + " rows").hasSameSizeAs(expected);
    int lineage = List.of(expected.get(0).split("\t")).indexOf("source_version");
    for (int i = 1; i < expected.size(); i++) {
      String[] e = expected.get(i).split("\t", -1);
      String[] a = actual.get(i).split("\t", -1);
      assertThat(a.length).as(name + " row " + i).isEqualTo(e.length);
      for (int f = 0; f < e.length; f++) {
        if (e[f].equals(a[f]) || f == lineage) {
          continue;
        }
        String where = name + " row " + i + " column " + expected.get(0).split("\t")[f];
        double[] xy = doubles(e[f], a[f]);
        boolean same = xy != null && (xy[0] == xy[1] || Math.abs(xy[0] - xy[1]) <= 1e-12 * Math.max(Math.abs(xy[0]), Math.abs(xy[1])));
        if (!same) {
          fail(where + ": expected '" + e[f] + "', was '" + a[f] + "'\n expected row: " + expected.get(i) + "\n actual row:   " + actual.get(i));
        }
      }
    }
  }

  /** Both fields as doubles ({@link #lines} writes a double as "d" + its value), or null when either is not one. */
  private static double[] doubles(String e, String a) {
    if (!e.startsWith("d") || !a.startsWith("d")) {
      return null;
    }
    try {
      return new double[] {Double.parseDouble(e.substring(1)), Double.parseDouble(a.substring(1))};
    } catch (NumberFormatException notADouble) {
      return null;
    }
  }
}
