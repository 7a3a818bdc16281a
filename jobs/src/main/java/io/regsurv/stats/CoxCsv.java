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
 * <p>Bound: at most {@code maxCells} cells, each a key and a weight, and p doubles per distinct
 * covariate pattern; more cells answer empty.
 */
public final class CoxCsv {
  private CoxCsv() {}

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
    Map<CoxCells.Key, double[]> weights = new HashMap<>();
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
            value = CoxCells.number(v);
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
      weights.computeIfAbsent(new CoxCells.Key(stratum, entryTime[0], entryTime[1], event, Arrays.asList(values)), x -> new double[1])[0]++;
      if (weights.size() > maxCells) {
        return Optional.empty();
      }
    }
    if (status < 0 || weights.isEmpty()) {
      return Optional.empty();
    }

    // Terms as CoxModel.classify makes them: text columns (every CSV column) are categorical when no value is a number.
    boolean[] numeric = new boolean[m];
    for (int k = 0; k < m; k++) {
      numeric[k] = !declared[k] && numbers[k];
    }
    return CoxCells.fit(weights, numeric, spec, prefix, Long.MAX_VALUE);
  }

  /** R's NA as CoxModel reads it: NULL (an empty field), blank, or the text NA. */
  private static boolean isMissing(PlainCsv csv, int k, String trimmed) {
    return csv.isEmpty(k) || trimmed.isEmpty() || trimmed.equals("NA");
  }
}
