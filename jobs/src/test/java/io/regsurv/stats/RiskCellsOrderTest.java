package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The driver's estimates do not depend on the order Spark returns the cells in (its partitioning:
 * cores, shuffle partitions, plan): the same cells in any order give the same rows, to the last bit;
 * and a cell handed on in several rows is one cell.
 */
class RiskCellsOrderTest {
  @Test
  void theSameCellsInAnyOrderGiveBitIdenticalEstimates() {
    SplittableRandom rng = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (String group : List.of("province\u0001A", "province\u0001B")) {
      for (int t = 1; t <= 400; t++) {
        // Distinct weights at every time, three causes and censorings, some late entries: sums of
        // doubles whose order shows in the last bits.
        rows.add(RowFactory.create(group, 0.0, (double) t, 0, null, 1L + rng.nextInt(5000)));
        for (String cause : List.of("cancellation", "revocation", "suspension")) {
          if (rng.nextInt(3) > 0) {
            rows.add(RowFactory.create(group, 0.0, (double) t, 1, cause, 1L + rng.nextInt(97)));
          }
        }
        if (t % 7 == 0) {
          rows.add(RowFactory.create(group, (double) (t / 2), (double) t, 1, "cancellation", 1L + rng.nextInt(13)));
        }
      }
    }
    RiskCells inOrder = RiskCells.of(rows);
    List<Row> incidence = CellEstimates.cumulativeIncidence(inOrder, 0.95);
    List<Row> km = CellEstimates.kaplanMeier(inOrder, new KmOptions(ConfType.LOG, 0.95));
    var tests = CellEstimates.logRank(inOrder, g -> g.substring(0, g.indexOf('\u0001')));
    for (long seed : new long[] {1, 2, 3}) {
      List<Row> shuffled = new ArrayList<>(rows);
      Collections.shuffle(shuffled, new Random(seed));
      RiskCells other = RiskCells.of(shuffled);
      assertThat(CellEstimates.cumulativeIncidence(other, 0.95)).as("cumulative incidence, order " + seed).isEqualTo(incidence);
      assertThat(CellEstimates.kaplanMeier(other, new KmOptions(ConfType.LOG, 0.95))).as("Kaplan–Meier, order " + seed).isEqualTo(km);
      assertThat(CellEstimates.logRank(other, g -> g.substring(0, g.indexOf('\u0001')))).as("log-rank, order " + seed).isEqualTo(tests);
    }
  }

  @Test
  void aCellSplitOverSeveralRowsIsOneCellWithTheirWeight() {
    // Survival's counting tasks may hand the same cell on twice (a task that emptied its map).
    List<Row> once = List.of(
        RowFactory.create("all", 0.0, 3.0, 1, "revocation", 5L),
        RowFactory.create("all", 0.0, 3.0, 0, null, 2L),
        RowFactory.create("all", 0.0, 4.0, 0, null, 7L));
    List<Row> split = List.of(
        RowFactory.create("all", 0.0, 3.0, 1, "revocation", 2L),
        RowFactory.create("all", 0.0, 4.0, 0, null, 7L),
        RowFactory.create("all", 0.0, 3.0, 0, null, 2L),
        RowFactory.create("all", 0.0, 3.0, 1, "revocation", 3L));
    RiskCells merged = RiskCells.of(split);
    assertThat(merged.size()).isEqualTo(3);
    assertThat(merged.cells("all")).isEqualTo(RiskCells.of(once).cells("all"));
    assertThat(CellEstimates.kaplanMeier(merged, new KmOptions(ConfType.LOG, 0.95)))
        .isEqualTo(CellEstimates.kaplanMeier(RiskCells.of(once), new KmOptions(ConfType.LOG, 0.95)));
  }
}
