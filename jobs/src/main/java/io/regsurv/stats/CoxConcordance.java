package io.regsurv.stats;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Harrell's concordance of a fitted Cox model as R's coxph reports it (survival 3.x
 * {@code concordancefit(..., timewt = "n", reverse = TRUE)}): over pairs where one subject has an
 * event at t while the other is at risk at t (entry < t ≤ time, and not itself an event at t),
 * the share where the subject with the event has the higher linear predictor, ties in the linear
 * predictor counting ½; pairs only within a stratum.
 *
 * <p>Computed on the executors, one task per stratum: R's own O(n log n) sweep over descending
 * event times with a Fenwick tree over the ranks of the linear predictor, on the collapsed cells
 * (not the subjects). Only three sums per stratum reach the driver. A stratum's cells must fit in
 * one task's memory (about 40 bytes per cell).
 */
final class CoxConcordance {
  private static final StructType OUT = new StructType()
      .add("concordant", DataTypes.DoubleType).add("discordant", DataTypes.DoubleType).add("tied", DataTypes.DoubleType);

  private CoxConcordance() {}

  /**
   * @param cells collapsed cells with s, entry, time, event, w and the linear predictor column {@code eta}
   */
  static double of(Dataset<Row> cells, Column eta, boolean delayedEntry) {
    Dataset<Row> input = cells.select(col("s"), col("entry"), col("time"), col("event"), col("w"), eta.as("eta"));
    List<Row> sums = input
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (stratum, rows) -> List.of(sweep(rows, delayedEntry)).iterator(),
            Encoders.row(OUT))
        .agg(org.apache.spark.sql.functions.sum("concordant"), org.apache.spark.sql.functions.sum("discordant"),
            org.apache.spark.sql.functions.sum("tied"))
        .collectAsList();
    Row r = sums.get(0);
    double concordant = r.isNullAt(0) ? 0 : r.getDouble(0);
    double discordant = r.isNullAt(1) ? 0 : r.getDouble(1);
    double tied = r.isNullAt(2) ? 0 : r.getDouble(2);
    return of(concordant, discordant, tied);
  }

  /** The concordance of the pair counts summed over strata. */
  static double of(double concordant, double discordant, double tied) {
    double comparable = concordant + discordant + tied;
    return comparable == 0 ? Double.NaN : (concordant + tied / 2) / comparable;
  }

  /** One stratum: pair counts (weighted) concordant, discordant and tied on the linear predictor. */
  static Row sweep(Iterator<Row> rows, boolean delayedEntry) {
    List<double[]> cells = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      cells.add(new double[] {r.getDouble(1), r.getDouble(2), r.getInt(3), r.getDouble(4), r.getDouble(5)});
    }
    double[] sums = sweep(cells, delayedEntry);
    return RowFactory.create(sums[0], sums[1], sums[2]);
  }

  /** As {@link #sweep(Iterator, boolean)} on cells {entry, time, event, weight, eta}: {concordant, discordant, tied}. */
  static double[] sweep(List<double[]> cells, boolean delayedEntry) {
    int n = cells.size();
    double[] etas = cells.stream().mapToDouble(c -> c[4]).sorted().distinct().toArray();
    Fenwick tree = new Fenwick(etas.length);
    double[][] byTime = cells.toArray(double[][]::new);
    Arrays.sort(byTime, (a, b) -> Double.compare(b[1], a[1]));
    double[][] byEntry = cells.toArray(double[][]::new);
    Arrays.sort(byEntry, (a, b) -> Double.compare(b[0], a[0]));
    double concordant = 0;
    double discordant = 0;
    double tied = 0;
    int added = 0;
    int removed = 0;
    int i = 0;
    while (i < n) {
      double t = byTime[i][1];
      int end = i;
      while (end < n && byTime[end][1] == t) {
        end++;
      }
      // The risk set at t: everyone with time ≥ t, less (delayed entry) those entering at or after t.
      while (added < end) {
        tree.add(rank(etas, byTime[added][4]), byTime[added][3]);
        added++;
      }
      while (delayedEntry && removed < n && byEntry[removed][0] >= t) {
        tree.add(rank(etas, byEntry[removed][4]), -byEntry[removed][3]);
        removed++;
      }
      // Events at t, by linear predictor: pairs of them are tied in time and not comparable.
      List<double[]> events = new ArrayList<>();
      for (int k = i; k < end; k++) {
        if (byTime[k][2] == 1) {
          events.add(byTime[k]);
        }
      }
      if (!events.isEmpty()) {
        events.sort((a, b) -> Double.compare(a[4], b[4]));
        double total = tree.prefix(etas.length - 1);
        double deadTotal = events.stream().mapToDouble(e -> e[3]).sum();
        double deadBelow = 0;
        int k = 0;
        while (k < events.size()) {
          double eta = events.get(k)[4];
          double deadEqual = 0;
          int m = k;
          while (m < events.size() && events.get(m)[4] == eta) {
            deadEqual += events.get(m)[3];
            m++;
          }
          int r = rank(etas, eta);
          double below = (r > 0 ? tree.prefix(r - 1) : 0) - deadBelow;
          double equal = tree.prefix(r) - (r > 0 ? tree.prefix(r - 1) : 0) - deadEqual;
          double above = total - tree.prefix(r) - (deadTotal - deadBelow - deadEqual);
          // reverse = TRUE: a higher risk score for the earlier event is concordant.
          concordant += deadEqual * below;
          discordant += deadEqual * above;
          tied += deadEqual * equal;
          deadBelow += deadEqual;
          k = m;
        }
      }
      i = end;
    }
    return new double[] {concordant, discordant, tied};
  }

  private static int rank(double[] sorted, double value) {
    return Arrays.binarySearch(sorted, value);
  }

  /** Sums of weights by rank of the linear predictor (Fenwick 1994). */
  private static final class Fenwick {
    private final double[] tree;

    Fenwick(int n) {
      tree = new double[n + 1];
    }

    void add(int index, double value) {
      for (int i = index + 1; i < tree.length; i += i & -i) {
        tree[i] += value;
      }
    }

    /** Sum over ranks 0..index. */
    double prefix(int index) {
      double s = 0;
      for (int i = index + 1; i > 0; i -= i & -i) {
        s += tree[i];
      }
      return s;
    }
  }
}
