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
 * <p>Memory: per cell its stratum, entry, time, event, weight and pattern as primitives (one list
 * of values per distinct pattern), once more as arrays in sweep order; p doubles per distinct
 * design row (cells of one covariate pattern share theirs).
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
   * Collapsed subjects gathered column by column, in any order, a cell possibly more than once (its
   * weights are summed): each with its stratum (NULL where missing), entry, exit time, event, weight
   * and covariate values (as {@link Key#values}), one list per distinct pattern kept.
   */
  static final class Collapsed {
    private final Map<List<String>, Integer> patternIndex = new HashMap<>();
    private final List<List<String>> patterns = new ArrayList<>();
    private final Map<String, Integer> strataIndex = new HashMap<>();
    private final List<String> strata = new ArrayList<>();
    private int size;
    private int[] stratum = new int[16];
    private double[] entry = new double[16];
    private double[] time = new double[16];
    private int[] event = new int[16];
    private double[] weight = new double[16];
    private int[] pattern = new int[16];

    void add(String stratumOrNull, double entryTime, double exitTime, int event01, List<String> values, double w) {
      if (size == time.length) {
        int grown = size * 2;
        stratum = Arrays.copyOf(stratum, grown);
        entry = Arrays.copyOf(entry, grown);
        time = Arrays.copyOf(time, grown);
        event = Arrays.copyOf(event, grown);
        weight = Arrays.copyOf(weight, grown);
        pattern = Arrays.copyOf(pattern, grown);
      }
      stratum[size] = stratumOrNull == null ? -1 : strataIndex.computeIfAbsent(stratumOrNull, s -> {
        strata.add(s);
        return strata.size() - 1;
      });
      entry[size] = entryTime;
      time[size] = exitTime;
      event[size] = event01;
      weight[size] = w;
      pattern[size] = patternIndex.computeIfAbsent(values, v -> {
        patterns.add(v);
        return patterns.size() - 1;
      });
      size++;
    }

    /** The distinct covariate patterns added, each once. */
    List<List<String>> patterns() {
      return java.util.Collections.unmodifiableList(patterns);
    }
  }

  /** {@link #fit(Collapsed, boolean[], CoxSpec, String, long)} of cells keyed by their raw values ({@code weights}: key → {weight}). */
  static Optional<CoxFit> fit(Map<Key, double[]> weights, boolean[] numeric, CoxSpec spec, String prefix, long maxValues) {
    Collapsed cells = new Collapsed();
    weights.forEach((k, w) -> cells.add(k.stratum(), k.entry(), k.time(), k.event(), k.values(), w[0]));
    return fit(cells, numeric, spec, prefix, maxValues);
  }

  /**
   * The fit of subjects collapsed by their raw values, with the terms the Spark path's classify
   * makes ({@link CoxCovariate}): {@code numeric[k]} says covariate k is a number, else its levels
   * are its distinct texts, sorted, the first (or the spec's reference) left out. Rows with a
   * missing value are dropped (R's na.omit). Empty when the model is one the Spark path would reject
   * (a reference that is no level or names a numeric covariate, fewer than 2 or more than
   * maxLevels levels, no events, a constant term) — that path names the problem — or when the
   * distinct design rows would hold more than {@code maxValues} doubles.
   *
   * <p>The cells are put in one order (stratum, descending time, entry, event, covariate values)
   * before any sum, so the same subjects give the same last bits in whatever order they came.
   */
  static Optional<CoxFit> fit(Collapsed in, boolean[] numeric, CoxSpec spec, String prefix, long maxValues) {
    int m = spec.covariates().size();
    // Every categorical covariate's values, from the distinct patterns (not cell by cell).
    List<java.util.Set<String>> distinct = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      distinct.add(new java.util.HashSet<>());
    }
    for (List<String> values : in.patterns) {
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

    // Ranks of the patterns (by their values, NULL first) and strata (by name) for the one order.
    int[] patternRank = ranks(in.patterns.size(), (a, b) -> compareValues(in.patterns.get(a), in.patterns.get(b)));
    int[] stratumRank = ranks(in.strata.size(), (a, b) -> in.strata.get(a).compareTo(in.strata.get(b)));
    boolean[] complete = new boolean[in.patterns.size()];
    for (int k = 0; k < complete.length; k++) {
      complete[k] = in.patterns.get(k).stream().noneMatch(java.util.Objects::isNull); // List.of would throw on contains(null)
    }
    int kept = 0;
    int[] order = new int[in.size];
    for (int i = 0; i < in.size; i++) {
      if (in.stratum[i] >= 0 && complete[in.pattern[i]]) {
        order[kept++] = i;
      }
    }
    order = Arrays.copyOf(order, kept);
    sortCells(order, in, stratumRank, patternRank);

    // The complete cells (equal ones merged), each with its design row: one array per covariate
    // pattern, shared; the pattern's weight and events give the moments.
    Pattern[] patterns = new Pattern[in.patterns.size()];
    int used = 0;
    List<Cell> cells = new ArrayList<>(kept);
    for (int q = 0; q < kept;) {
      int i = order[q];
      double w = 0;
      int end = q;
      while (end < kept && sameCell(in, i, order[end])) {
        w += in.weight[order[end++]];
      }
      q = end;
      Pattern pattern = patterns[in.pattern[i]];
      if (pattern == null) {
        if ((long) ++used * p > maxValues) {
          return Optional.empty();
        }
        pattern = patterns[in.pattern[i]] = new Pattern(designRow(in.patterns.get(in.pattern[i]), covariates, p));
      }
      cells.add(new Cell(in.strata.get(in.stratum[i]), in.entry[i], in.time[i], in.event[i], w, pattern.x));
      pattern.weight += w;
      pattern.events += w * in.event[i];
    }
    double n = 0;
    double events = 0;
    double[] sums = new double[p];
    double[] min = new double[p];
    double[] max = new double[p];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    int[] byRank = new int[patterns.length];
    for (int k = 0; k < patterns.length; k++) {
      byRank[patternRank[k]] = k;
    }
    for (int k : byRank) {
      Pattern pattern = patterns[k];
      if (pattern == null) {
        continue;
      }
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

  /**
   * Sorts {@code order} (indices of cells) by stratum rank, descending time, entry, event and
   * pattern rank, equal cells by index: the merge sort's order exactly (it is stable). Whole-day
   * times and entries (the registry's) are packed with the index into one long per cell and sorted
   * as primitives, several times faster than comparing cells a million times; any other values,
   * or fields too wide for 63 bits, take the merge sort.
   */
  static void sortCells(int[] order, Collapsed in, int[] stratumRank, int[] patternRank) {
    long[] keys = packedKeys(order, in, stratumRank, patternRank);
    if (keys == null) {
      sort(order, (a, b) -> compareCells(in, stratumRank, patternRank, a, b));
      return;
    }
    Arrays.sort(keys);
    long indexMask = (1L << bitsFor(in.size)) - 1;
    for (int q = 0; q < order.length; q++) {
      order[q] = (int) (keys[q] & indexMask);
    }
  }

  /** The merge sort's order of two cells. */
  static int compareCells(Collapsed in, int[] stratumRank, int[] patternRank, int a, int b) {
    int o = Integer.compare(stratumRank[in.stratum[a]], stratumRank[in.stratum[b]]);
    if (o == 0) {
      o = Double.compare(in.time[b], in.time[a]);
    }
    if (o == 0) {
      o = Double.compare(in.entry[a], in.entry[b]);
    }
    if (o == 0) {
      o = Integer.compare(in.event[a], in.event[b]);
    }
    return o != 0 ? o : Integer.compare(patternRank[in.pattern[a]], patternRank[in.pattern[b]]);
  }

  /** Each cell's fields and index packed, high to low, into a key whose order is the cells'; NULL when they do not fit. */
  private static long[] packedKeys(int[] order, Collapsed in, int[] stratumRank, int[] patternRank) {
    if (order.length == 0) {
      return null;
    }
    double minTime = Double.POSITIVE_INFINITY;
    double maxTime = Double.NEGATIVE_INFINITY;
    double minEntry = Double.POSITIVE_INFINITY;
    double maxEntry = Double.NEGATIVE_INFINITY;
    for (int i : order) {
      if (!wholeNumber(in.time[i]) || !wholeNumber(in.entry[i]) || (in.event[i] & ~1) != 0) {
        return null;
      }
      minTime = Math.min(minTime, in.time[i]);
      maxTime = Math.max(maxTime, in.time[i]);
      minEntry = Math.min(minEntry, in.entry[i]);
      maxEntry = Math.max(maxEntry, in.entry[i]);
    }
    if (maxTime - minTime >= 1L << 40 || maxEntry - minEntry >= 1L << 40) {
      return null;
    }
    int stratumBits = bitsFor(stratumRank.length);
    int timeBits = bitsFor((long) (maxTime - minTime) + 1);
    int entryBits = bitsFor((long) (maxEntry - minEntry) + 1);
    int patternBits = bitsFor(patternRank.length);
    int indexBits = bitsFor(in.size);
    if (stratumBits + timeBits + entryBits + 1 + patternBits + indexBits > 63) {
      return null;
    }
    long[] keys = new long[order.length];
    for (int q = 0; q < order.length; q++) {
      int i = order[q];
      long key = stratumRank[in.stratum[i]];
      key = (key << timeBits) | (long) (maxTime - in.time[i]);
      key = (key << entryBits) | (long) (in.entry[i] - minEntry);
      key = (key << 1) | in.event[i];
      key = (key << patternBits) | patternRank[in.pattern[i]];
      keys[q] = (key << indexBits) | i;
    }
    return keys;
  }

  /** Bits that hold 0..n−1. */
  private static int bitsFor(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }

  /** A finite whole number of at most 2^50 in magnitude, not −0.0 (which Double.compare puts before 0.0). */
  private static boolean wholeNumber(double v) {
    return Math.abs(v) <= 0x1p50 && v == Math.rint(v) && Double.doubleToRawLongBits(v) != Long.MIN_VALUE;
  }

  /** Cells i and j are alike in stratum, exit time, entry, event and pattern (times as {@link Double#compare}). */
  private static boolean sameCell(Collapsed in, int i, int j) {
    return in.stratum[i] == in.stratum[j] && Double.compare(in.time[i], in.time[j]) == 0 && Double.compare(in.entry[i], in.entry[j]) == 0
        && in.event[i] == in.event[j] && in.pattern[i] == in.pattern[j];
  }

  /** Lists of covariate values compared value by value, NULL first. */
  private static int compareValues(List<String> a, List<String> b) {
    for (int k = 0; k < a.size(); k++) {
      String x = a.get(k);
      String y = b.get(k);
      int o = x == null ? (y == null ? 0 : -1) : y == null ? 1 : x.compareTo(y);
      if (o != 0) {
        return o;
      }
    }
    return 0;
  }

  /** The rank of each of 0..n−1 in {@code order}. */
  private static int[] ranks(int n, IndexOrder order) {
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = i;
    }
    sort(sorted, order);
    int[] rank = new int[n];
    for (int r = 0; r < n; r++) {
      rank[sorted[r]] = r;
    }
    return rank;
  }

  /** An order of indices into arrays the caller holds. */
  private interface IndexOrder {
    int compare(int a, int b);
  }

  /** Sorts indices stably (a merge sort on primitives: a million boxed Integers sorted by a lambda cost a sixth of the fit). */
  private static void sort(int[] a, IndexOrder order) {
    mergeSort(a, new int[a.length], 0, a.length, order);
  }

  private static void mergeSort(int[] a, int[] buffer, int lo, int hi, IndexOrder order) {
    if (hi - lo < 16) {
      for (int i = lo + 1; i < hi; i++) {
        int v = a[i];
        int j = i;
        while (j > lo && order.compare(v, a[j - 1]) < 0) {
          a[j] = a[j - 1];
          j--;
        }
        a[j] = v;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(a, buffer, lo, mid, order);
    mergeSort(a, buffer, mid, hi, order);
    if (order.compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, lo, buffer, lo, hi - lo);
    int i = lo;
    int j = mid;
    int k = lo;
    while (i < mid && j < hi) {
      a[k++] = order.compare(buffer[j], buffer[i]) < 0 ? buffer[j++] : buffer[i++];
    }
    while (i < mid) {
      a[k++] = buffer[i++];
    }
    while (j < hi) {
      a[k++] = buffer[j++];
    }
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
      int[] points = new int[n];
      for (int i = 0; i < n; i++) {
        points[i] = i;
      }
      sort(points, (a, b) -> {
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
