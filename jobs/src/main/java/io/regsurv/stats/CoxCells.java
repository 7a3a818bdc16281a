package io.regsurv.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Cox model fitted on the driver from collapsed cells held in memory: the same {@link CoxSweep},
 * {@link CoxNewtonRaphson} and {@link CoxConcordance} sweep as the Spark path, without a
 * Spark job per step. For cells few enough to hold (a CSV read without Spark, or a table's subjects
 * grouped by Spark and collected under a limit): each step's sweep over them costs less than
 * scheduling it.
 *
 * <p>Memory: per cell its key and weight, once more as arrays in sweep order; p doubles per
 * distinct design row (cells of one covariate pattern share theirs).
 */
final class CoxCells {
  private CoxCells() {}

  /** Subjects alike in stratum, entry, exit time, event and design row {@code x}, {@code weight} of them. */
  record Cell(String stratum, double entry, double time, int event, double weight, double[] x) {}

  /**
   * Subjects alike in stratum, entry, exit time, event and covariate values: each value as text (a
   * numeric covariate's number in {@link #number} form), NULL where missing, as R's NA.
   */
  record Key(String stratum, double entry, double time, int event, List<String> values) {}

  /** A numeric covariate's value as a {@link Key} holds it. */
  static String number(double v) {
    return Double.toString(v + 0.0);
  }

  /**
   * The fit of subjects collapsed by their raw values ({@code weights}: key → {weight}), with the
   * terms the Spark path's classify makes ({@link CoxCovariate}): {@code numeric[k]} says covariate k is a number, else its
   * levels are its distinct texts, sorted, the first (or the spec's reference) left out. Rows with a
   * missing value are dropped (R's na.omit). Empty when the model is one the Spark path would reject
   * (a reference that is no level or names a numeric covariate, fewer than 2 or more than
   * maxLevels levels, no events, a constant term) — that path names the problem — or when the
   * distinct design rows would hold more than {@code maxValues} doubles.
   */
  static Optional<CoxFit> fit(Map<Key, double[]> weights, boolean[] numeric, CoxSpec spec, String prefix, long maxValues) {
    int m = spec.covariates().size();
    // Every categorical covariate's values in one pass over the cells: a pass per covariate over
    // about a million cells was a third of the driver's fit at full scale.
    List<java.util.Set<String>> distinct = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      distinct.add(new java.util.HashSet<>());
    }
    for (Key key : weights.keySet()) {
      List<String> values = key.values();
      for (int k = 0; k < m; k++) {
        if (!numeric[k] && values.get(k) != null) {
          distinct.get(k).add(values.get(k));
        }
      }
    }
    List<CoxCovariate> covariates = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      String name = spec.covariates().get(k);
      if (numeric[k]) {
        if (spec.references().containsKey(name)) {
          return Optional.empty();
        }
        covariates.add(new CoxCovariate(name, false, List.of(), null));
        continue;
      }
      TreeSet<String> levels = new TreeSet<>(distinct.get(k));
      String reference = levels.isEmpty() ? null : spec.references().getOrDefault(name, levels.first());
      if (levels.size() > spec.maxLevels() || levels.size() < 2 || !levels.contains(reference)) {
        return Optional.empty();
      }
      covariates.add(new CoxCovariate(name, true, List.copyOf(levels), reference));
    }
    List<String> terms = covariates.stream().flatMap(c -> c.terms().stream()).toList();
    int p = terms.size();

    // The complete cells, each with its design row: one array per covariate pattern, shared; the
    // pattern's weight and events give the moments.
    Map<List<String>, Pattern> patterns = new HashMap<>();
    List<Cell> cells = new ArrayList<>(weights.size());
    for (Map.Entry<Key, double[]> e : weights.entrySet()) {
      Key key = e.getKey();
      if (key.stratum() == null || key.values().contains(null)) {
        continue;
      }
      Pattern pattern = patterns.computeIfAbsent(key.values(), values -> new Pattern(designRow(values, covariates, p)));
      if ((long) patterns.size() * p > maxValues) {
        return Optional.empty();
      }
      double w = e.getValue()[0];
      cells.add(new Cell(key.stratum(), key.entry(), key.time(), key.event(), w, pattern.x));
      pattern.weight += w;
      pattern.events += w * key.event();
    }
    double n = 0;
    double events = 0;
    double[] sums = new double[p];
    double[] min = new double[p];
    double[] max = new double[p];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    for (Pattern pattern : patterns.values()) {
      n += pattern.weight;
      events += pattern.events;
      for (int j = 0; j < p; j++) {
        sums[j] += pattern.weight * pattern.x[j];
        min[j] = Math.min(min[j], pattern.x[j]);
        max[j] = Math.max(max[j], pattern.x[j]);
      }
    }
    if (cells.isEmpty() || events == 0) {
      return Optional.empty();
    }
    double[] mean = new double[p];
    for (int j = 0; j < p; j++) {
      mean[j] = sums[j] / n;
      if (min[j] == max[j]) {
        return Optional.empty();
      }
    }
    return Optional.of(fit(cells, p, mean, CoxCovariate.indicators(covariates), terms, (long) n, (long) events, spec, prefix));
  }

  /** A covariate pattern's design row and the weight and events of its complete cells. */
  private static final class Pattern {
    final double[] x;
    double weight;
    double events;

    Pattern(double[] x) {
      this.x = x;
    }
  }

  private static double[] designRow(List<String> values, List<CoxCovariate> covariates, int p) {
    double[] x = new double[p];
    int j = 0;
    for (int k = 0; k < covariates.size(); k++) {
      CoxCovariate c = covariates.get(k);
      String v = values.get(k);
      if (!c.categorical()) {
        x[j++] = Double.parseDouble(v);
        continue;
      }
      for (String level : c.levels()) {
        if (!level.equals(c.reference())) {
          x[j++] = v.equals(level) ? 1.0 : 0.0;
        }
      }
    }
    return x;
  }

  /**
   * The fit; {@code mean} is the weighted mean of each term, n and events the weighted totals (the
   * caller has checked them: events > 0, no constant term).
   */
  static CoxFit fit(List<Cell> cells, int p, double[] mean, boolean[] indicator, List<String> terms, long n, long events, CoxSpec spec,
      String prefix) {
    Points points = new Points(cells, p, spec.entry() != null);
    boolean efron = spec.ties() == CoxSpec.Ties.EFRON;
    CoxFit fit = CoxNewtonRaphson.fit(
        beta -> CoxNewtonRaphson.evaluation(List.of(CoxSweep.sweep(points.cursor(), p, mean, indicator, beta, efron)), p),
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
      // Cells that share a design row (one array per covariate pattern) share it here too.
      java.util.IdentityHashMap<double[], Integer> rows = new java.util.IdentityHashMap<>();
      int[] rowOf = new int[m];
      for (int i = 0; i < m; i++) {
        rowOf[i] = rows.computeIfAbsent(cells.get(i).x(), k -> rows.size());
      }
      x = new double[rows.size() * p];
      rows.forEach((row, k) -> System.arraycopy(row, 0, x, k * p, p));
      // Point i < m: cell i's exit; i ≥ m: cell (i − m)'s entry. Sorted (stably) by stratum, then
      // descending time, on primitive keys.
      int n = delayedEntry ? 2 * m : m;
      TreeMap<String, Integer> strata = new TreeMap<>();
      for (Cell c : cells) {
        strata.putIfAbsent(c.stratum(), 0);
      }
      int rank = 0;
      for (Map.Entry<String, Integer> e : strata.entrySet()) {
        e.setValue(rank++);
      }
      int[] stratumOf = new int[m];
      for (int i = 0; i < m; i++) {
        stratumOf[i] = strata.get(cells.get(i).stratum());
      }
      double[] timeOf = new double[n];
      for (int i = 0; i < n; i++) {
        timeOf[i] = i < m ? cells.get(i).time() : cells.get(i - m).entry();
      }
      Integer[] points = new Integer[n];
      for (int i = 0; i < n; i++) {
        points[i] = i;
      }
      Arrays.sort(points, (a, b) -> {
        int s = Integer.compare(stratumOf[a % m], stratumOf[b % m]);
        return s != 0 ? s : Double.compare(timeOf[b], timeOf[a]);
      });
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
        time[i] = timeOf[point];
        entryPoint[i] = point >= m;
        event[i] = point < m && cell.event() == 1;
        weight[i] = cell.weight();
        offset[i] = rowOf[point % m] * p;
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
