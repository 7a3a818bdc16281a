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
import java.util.TreeSet;

/**
 * {@link CoxModel#fit} of a local CSV file without Spark, for {@code regsurv cox --csv}: the file
 * is read once ({@link PlainCsv}) into the same collapsed cells the Spark path makes, one per
 * distinct (stratum, entry, time, event, covariate values) with its weight, and {@link CoxCells}
 * fits them on the driver with the same sweep, Newton–Raphson and concordance. On a 1.8 M-row file with 21 terms the
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
        String trimmed = PlainCsv.trim(raw);
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
        String trimmed = PlainCsv.trim(raw);
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
    List<CoxCells.Cell> cells = new ArrayList<>();
    double n = 0;
    double events = 0;
    double[] sums = new double[p];
    double[] min = new double[p];
    double[] max = new double[p];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
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
      cells.add(new CoxCells.Cell(key.stratum(), key.entry(), key.time(), key.event(), w, x));
      n += w;
      events += w * key.event();
      for (j = 0; j < p; j++) {
        sums[j] += w * x[j];
        min[j] = Math.min(min[j], x[j]);
        max[j] = Math.max(max[j], x[j]);
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
    return Optional.of(CoxCells.fit(cells, p, mean, terms, (long) n, (long) events, spec, prefix));
  }

  /** R's NA as CoxModel reads it: NULL (an empty field), blank, or the text NA. */
  private static boolean isMissing(PlainCsv csv, int k, String trimmed) {
    return csv.isEmpty(k) || trimmed.isEmpty() || trimmed.equals("NA");
  }
}
