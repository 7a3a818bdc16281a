package io.regsurv.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link CoxModel#fit} of a local CSV file without Spark, for {@code regsurv cox --csv}: the file
 * is read once ({@link PlainCsv}) into the same collapsed cells the Spark path makes, one per
 * distinct (stratum, entry, time, event, covariate values) with its weight, and Newton–Raphson and
 * the concordance sweep the cells on the driver with the same code ({@link CoxSweep},
 * {@link CoxConcordance}, {@link CoxModel#newtonRaphson}). On a 1.8 M-row file with 21 terms the
 * Spark path spent most of its time in Spark's own start-up and passes, not in the model.
 *
 * <p>It fits only where it reads the file as the Spark path would: a {@link PlainCsv} file, every
 * time, entry and event valid as {@link Subjects#from} checks them, every covariate either all
 * numbers in plain notation or all text (R's NA: empty, blank or {@code NA}), and a model the
 * Spark path would fit rather than reject (enough levels and events, no constant term). Otherwise
 * it answers empty and the caller takes the Spark path, which names the problem as always.
 * Collinear terms are named by Newton–Raphson itself, as on the Spark path.
 *
 * <p>Bound: at most {@code maxCells} cells, each p doubles and a key; more answers empty.
 */
public final class CoxCsv {
  private CoxCsv() {}

  /** One distinct row: its stratum and covariate values as text (a number in its canonical form), NULL where missing. */
  private record Key(String stratum, double entry, double time, int event, List<String> values) {}

  /**
   * The fit, or empty when the file or the model is one this reader leaves to the Spark path
   * (see the class comment). The numbers equal the Spark path's up to the order of floating-point sums.
   *
   * @param source how the user named the input, for the messages Newton–Raphson gives
   */
  public static Optional<CoxFit> fit(Path file, CoxSpec spec, String source, long maxCells) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return fit(new PlainCsv(in), spec, "Cannot fit a Cox model to " + source + ": ", maxCells);
    }
  }

  private static Optional<CoxFit> fit(PlainCsv csv, CoxSpec spec, String prefix, long maxCells) throws IOException {
    List<String> header = csv.header();
    if (header == null || !spec.covariates().containsAll(spec.references().keySet())) {
      return Optional.empty();
    }
    CsvCells.Columns columns = CsvCells.Columns.of(header, spec.time(), spec.event(), spec.entry());
    int m = spec.covariates().size();
    int[] covariate = new int[m];
    boolean[] declared = new boolean[m];
    for (int k = 0; k < m; k++) {
      covariate[k] = header.indexOf(spec.covariates().get(k));
      declared[k] = spec.categorical().contains(spec.covariates().get(k));
    }
    int strata = spec.strata() == null ? -2 : header.indexOf(spec.strata());
    if (columns == null || strata == -1 || Arrays.stream(covariate).anyMatch(i -> i < 0)) {
      return Optional.empty();
    }
    boolean[] numbers = new boolean[m];
    boolean[] words = new boolean[m];
    List<Map<String, String>> interned = new ArrayList<>();
    for (int k = 0; k <= m; k++) {
      interned.add(new HashMap<>());
    }
    Map<Key, double[]> weights = new HashMap<>();
    int status;
    while ((status = csv.next()) == 1) {
      double[] entryTime = columns.entryAndTime(csv);
      int event = columns.event01(csv);
      if (entryTime == null || event < 0) {
        return Optional.empty();
      }
      String[] values = new String[m];
      for (int k = 0; k < m; k++) {
        String raw = csv.text(covariate[k]);
        String trimmed = csv.trimmed(covariate[k]);
        if (raw == null || trimmed == null) {
          return Optional.empty();
        }
        if (isMissing(csv, covariate[k], trimmed)) {
          continue;
        }
        String value = raw;
        if (!declared[k]) {
          Double v = PlainCsv.number(trimmed);
          if (v != null) {
            numbers[k] = true;
            value = Double.toString(v + 0.0);
          } else if (PlainCsv.maybeNumber(trimmed)) {
            return Optional.empty();
          } else {
            words[k] = true;
          }
          if (numbers[k] && words[k]) {
            return Optional.empty(); // the Spark path names the non-numeric value
          }
        }
        values[k] = interned.get(k).computeIfAbsent(value, x -> x);
      }
      String stratum = "";
      if (strata >= 0) {
        String raw = csv.text(strata);
        String trimmed = csv.trimmed(strata);
        if (raw == null || trimmed == null) {
          return Optional.empty();
        }
        stratum = isMissing(csv, strata, trimmed) ? null : interned.get(m).computeIfAbsent(raw, x -> x);
      }
      weights.computeIfAbsent(new Key(stratum, entryTime[0], entryTime[1], event, Arrays.asList(values)), x -> new double[1])[0]++;
      if (weights.size() > maxCells) {
        return Optional.empty();
      }
    }
    if (status < 0 || weights.isEmpty()) {
      return Optional.empty();
    }

    // Terms as CoxModel.classify makes them: text columns (every CSV column) are categorical when no value is a number.
    List<CoxModel.Covariate> covariates = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      String name = spec.covariates().get(k);
      if (!declared[k] && numbers[k]) {
        if (spec.references().containsKey(name)) {
          return Optional.empty();
        }
        covariates.add(new CoxModel.Covariate(name, false, List.of(), null));
        continue;
      }
      TreeSet<String> levels = new TreeSet<>();
      for (Key key : weights.keySet()) {
        if (key.values().get(k) != null) {
          levels.add(key.values().get(k));
        }
      }
      String reference = levels.isEmpty() ? null : spec.references().getOrDefault(name, levels.first());
      if (levels.size() > spec.maxLevels() || levels.size() < 2 || !levels.contains(reference)) {
        return Optional.empty();
      }
      covariates.add(new CoxModel.Covariate(name, true, List.copyOf(levels), reference));
    }
    List<String> terms = covariates.stream().flatMap(c -> c.terms().stream()).toList();
    int p = terms.size();

    // The complete cells (R's na.omit), each with its design row.
    List<Key> keys = new ArrayList<>();
    List<double[]> design = new ArrayList<>(); // rows of p, then one flat array for the sweep
    double n = 0;
    double events = 0;
    double[] sums = new double[p];
    double[] min = new double[p];
    double[] max = new double[p];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    Map<String, double[]> levelRows = new HashMap<>();
    for (Map.Entry<Key, double[]> e : weights.entrySet()) {
      Key key = e.getKey();
      if (key.stratum() == null || key.values().contains(null)) {
        continue;
      }
      double[] x = new double[p];
      int j = 0;
      for (int k = 0; k < m; k++) {
        CoxModel.Covariate c = covariates.get(k);
        String v = key.values().get(k);
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
      double w = e.getValue()[0];
      keys.add(key);
      design.add(x);
      n += w;
      events += w * key.event();
      for (j = 0; j < p; j++) {
        sums[j] += w * x[j];
        min[j] = Math.min(min[j], x[j]);
        max[j] = Math.max(max[j], x[j]);
      }
    }
    if (keys.isEmpty() || events == 0) {
      return Optional.empty();
    }
    double[] mean = new double[p];
    for (int j = 0; j < p; j++) {
      mean[j] = sums[j] / n;
      if (min[j] == max[j]) {
        return Optional.empty();
      }
    }
    double[] weight = new double[keys.size()];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = weights.get(keys.get(i))[0];
    }
    double[] x = new double[keys.size() * p];
    for (int i = 0; i < keys.size(); i++) {
      System.arraycopy(design.get(i), 0, x, i * p, p);
    }
    Points points = new Points(keys, x, p, weight, spec.entry() != null);
    CoxFit fit = CoxModel.newtonRaphson(beta -> CoxModel.evaluation(List.of(CoxSweep.sweep(points.cursor(), p, mean, beta,
        spec.ties() == CoxSpec.Ties.EFRON)), p), terms, (long) n, (long) events, spec.confLevel(), prefix);

    // The concordance, per stratum, on η = Σ (x − mean)·β summed in the Spark path's order.
    Map<String, List<double[]>> byStratum = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      double eta = 0.0;
      for (int j = 0; j < p; j++) {
        eta = eta + (design.get(i)[j] - mean[j]) * fit.terms().get(j).coef();
      }
      Key key = keys.get(i);
      byStratum.computeIfAbsent(key.stratum(), s -> new ArrayList<>()).add(new double[] {key.entry(), key.time(), key.event(), weight[i], eta});
    }
    double[] pairs = new double[3];
    for (List<double[]> cells : byStratum.values()) {
      double[] s = CoxConcordance.sweep(cells, spec.entry() != null);
      for (int k = 0; k < 3; k++) {
        pairs[k] += s[k];
      }
    }
    return Optional.of(fit.withConcordance(CoxConcordance.of(pairs[0], pairs[1], pairs[2])));
  }

  /** R's NA as CoxModel reads it: NULL (an empty field), blank, or the text NA. */
  private static boolean isMissing(PlainCsv csv, int k, String trimmed) {
    return csv.isEmpty(k) || trimmed.isEmpty() || trimmed.equals("NA");
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

    Points(List<Key> keys, double[] x, int p, double[] weights, boolean delayedEntry) {
      this.x = x;
      int cells = keys.size();
      // Point i < cells: cell i's exit; i ≥ cells: cell (i − cells)'s entry.
      Integer[] points = new Integer[delayedEntry ? 2 * cells : cells];
      for (int i = 0; i < points.length; i++) {
        points[i] = i;
      }
      java.util.function.IntToDoubleFunction timeOf = i -> i < cells ? keys.get(i).time() : keys.get(i - cells).entry();
      Arrays.sort(points, (a, b) -> {
        int s = keys.get(a % cells).stratum().compareTo(keys.get(b % cells).stratum());
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
        int cell = point % cells;
        stratum[i] = keys.get(cell).stratum();
        time[i] = timeOf.applyAsDouble(point);
        entryPoint[i] = point >= cells;
        event[i] = point < cells && keys.get(cell).event() == 1;
        weight[i] = weights[cell];
        offset[i] = cell * p;
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
