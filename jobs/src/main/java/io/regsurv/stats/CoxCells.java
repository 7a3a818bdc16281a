package io.regsurv.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Cox model fitted on the driver from collapsed cells held in memory: the same {@link CoxSweep},
 * {@link CoxNewtonRaphson} and {@link CoxConcordance} sweep as the Spark path, without a
 * Spark job per step. For cells few enough to hold (a CSV read without Spark, or cells collected
 * under a limit): each step's sweep over them costs less than scheduling it.
 *
 * <p>Memory: per cell its key, weight and p doubles, once more as arrays in sweep order.
 */
final class CoxCells {
  private CoxCells() {}

  /** Subjects alike in stratum, entry, exit time, event and design row {@code x}, {@code weight} of them. */
  record Cell(String stratum, double entry, double time, int event, double weight, double[] x) {}

  /**
   * The fit; {@code mean} is the weighted mean of each term, n and events the weighted totals (the
   * caller has checked them: events > 0, no constant term).
   */
  static CoxFit fit(List<Cell> cells, int p, double[] mean, List<String> terms, long n, long events, CoxSpec spec, String prefix) {
    Points points = new Points(cells, p, spec.entry() != null);
    boolean efron = spec.ties() == CoxSpec.Ties.EFRON;
    CoxFit fit = CoxNewtonRaphson.fit(beta -> CoxNewtonRaphson.evaluation(List.of(CoxSweep.sweep(points.cursor(), p, mean, beta, efron)), p),
        terms, n, events, spec.confLevel(), prefix);

    // The concordance, per stratum, on η = Σ (x − mean)·β summed in the Spark path's order.
    Map<String, List<double[]>> byStratum = new TreeMap<>();
    for (Cell c : cells) {
      double eta = 0.0;
      for (int j = 0; j < p; j++) {
        eta = eta + (c.x()[j] - mean[j]) * fit.terms().get(j).coef();
      }
      byStratum.computeIfAbsent(c.stratum(), s -> new ArrayList<>()).add(new double[] {c.entry(), c.time(), c.event(), c.weight(), eta});
    }
    double[] pairs = new double[3];
    for (List<double[]> stratum : byStratum.values()) {
      double[] s = CoxConcordance.sweep(stratum, spec.entry() != null);
      for (int k = 0; k < 3; k++) {
        pairs[k] += s[k];
      }
    }
    return fit.withConcordance(CoxConcordance.of(pairs[0], pairs[1], pairs[2]));
  }

  /**
   * The sweep's points in its order (stratum, then descending time): each cell's exit and, with
   * delayed entry, its entry, laid out once as arrays the cursor walks.
   */
  private static final class Points {
    private final String[] stratum;
    private final double[] time;
    private final boolean[] entryPoint;
    private final boolean[] event;
    private final double[] weight;
    private final int[] offset;
    private final double[] x;

    Points(List<Cell> cells, int p, boolean delayedEntry) {
      int m = cells.size();
      x = new double[m * p];
      for (int i = 0; i < m; i++) {
        System.arraycopy(cells.get(i).x(), 0, x, i * p, p);
      }
      // Point i < m: cell i's exit; i ≥ m: cell (i − m)'s entry.
      Integer[] points = new Integer[delayedEntry ? 2 * m : m];
      for (int i = 0; i < points.length; i++) {
        points[i] = i;
      }
      java.util.function.IntToDoubleFunction timeOf = i -> i < m ? cells.get(i).time() : cells.get(i - m).entry();
      Arrays.sort(points, (a, b) -> {
        int s = cells.get(a % m).stratum().compareTo(cells.get(b % m).stratum());
        return s != 0 ? s : Double.compare(timeOf.applyAsDouble(b), timeOf.applyAsDouble(a));
      });
      int n = points.length;
      stratum = new String[n];
      time = new double[n];
      entryPoint = new boolean[n];
      event = new boolean[n];
      weight = new double[n];
      offset = new int[n];
      for (int i = 0; i < n; i++) {
        int point = points[i];
        Cell cell = cells.get(point % m);
        stratum[i] = cell.stratum();
        time[i] = timeOf.applyAsDouble(point);
        entryPoint[i] = point >= m;
        event[i] = point < m && cell.event() == 1;
        weight[i] = cell.weight();
        offset[i] = (point % m) * p;
      }
    }

    CoxSweep.Points cursor() {
      return new CoxSweep.Points() {
        private int i = -1;

        @Override
        public boolean next() {
          return ++i < time.length;
        }

        @Override
        public String stratum() {
          return stratum[i];
        }

        @Override
        public double time() {
          return time[i];
        }

        @Override
        public boolean entryPoint() {
          return entryPoint[i];
        }

        @Override
        public boolean event() {
          return event[i];
        }

        @Override
        public double weight() {
          return weight[i];
        }

        @Override
        public double x(int j) {
          return x[offset[i] + j];
        }
      };
    }
  }
}
