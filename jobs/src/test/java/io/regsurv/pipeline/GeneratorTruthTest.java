package io.regsurv.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generator → ingest → classify on clean synthetic data: the exits classify detects, per snapshot
 * and per cause, equal the generator's own ground truth of what the dumps show.
 *
 * <p>The truth is {@code visible_exits_by_snapshot.csv}: for each firm the first snapshot that lists
 * an exit status, with that status. (The generator's {@code exits_by_snapshot.csv}, by the true
 * first cause and date, differs where a firm passes through two exit statuses between dumps or a
 * revocation is withdrawn before the next dump; a dump cannot show either.)
 */
class GeneratorTruthTest {
  static final List<String> SNAPSHOTS = List.of("2023-06-30", "2023-12-31", "2024-06-30");

  @Test
  void exitsBySnapshotAndCauseEqualTheGroundTruth(@TempDir Path dir) throws IOException {
    Path data = dir.resolve("registry");
    String wh = dir.resolve("wh").toString();
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "4000", "--snapshots", String.join(",", SNAPSHOTS), "--dirt-rate", "0");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    // Every snapshot in one pass (dates from the dt= folders).
    Cli ingest = Cli.run(Cli.ingestAll(wh, data, SNAPSHOTS));
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    Cli classify = Cli.run("classify", "--warehouse", wh);
    assertThat(classify.exitCode()).as(classify.err()).isZero();

    Map<String, Long> truth = new TreeMap<>();
    List<String> lines = Files.readAllLines(data.resolve("truth/visible_exits_by_snapshot.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      truth.put(f[0] + " " + f[1], Long.parseLong(f[2]));
    }
    Map<String, Long> detected = new TreeMap<>();
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), wh);
    for (Row r :
        warehouse.read(Tables.STATUS_EVENT).filter("transition_kind = 'exit'")
            .groupBy("detected_in_snapshot", "to_status").count().collectAsList()) {
      detected.put(r.getDate(0) + " " + r.getString(1), r.getLong(2));
    }
    assertThat(detected).isEqualTo(truth);
    // Every snapshot and the main causes are exercised, so equality is not vacuous.
    assertThat(truth.keySet()).anyMatch(k -> k.startsWith(SNAPSHOTS.get(0)))
        .anyMatch(k -> k.startsWith(SNAPSHOTS.get(2) + " CANCELLED"))
        .anyMatch(k -> k.startsWith(SNAPSHOTS.get(2) + " REVOKED"));
    // silver.firm agrees with the events: one exit per exited firm, by the same cause.
    Map<String, Long> firmsByCause = new TreeMap<>();
    for (Row r : warehouse.read(Tables.FIRM).filter("is_exited").groupBy("exit_cause").count().collectAsList()) {
      firmsByCause.put(r.getString(0), r.getLong(1));
    }
    Map<String, Long> truthByCause = new TreeMap<>();
    truth.forEach((k, v) -> truthByCause.merge(k.substring(k.indexOf(' ') + 1), v, Long::sum));
    assertThat(firmsByCause).isEqualTo(truthByCause);
  }
}
