package io.regsurv.stats;

import java.util.List;

/**
 * A covariate's model terms: the column's name and, for a categorical one, its non-reference levels
 * (R's dummy coding: term = column + level).
 */
record CoxCovariate(String column, boolean categorical, List<String> levels, String reference) {
  List<String> terms() {
    if (!categorical) {
      return List.of(column);
    }
    return levels.stream().filter(l -> !l.equals(reference)).map(l -> column + l).toList();
  }

  /** Per model term: true for a 0/1 indicator of a categorical covariate's level ({@link CoxSweep} skips its zeros). */
  static boolean[] indicators(List<CoxCovariate> covariates) {
    boolean[] indicator = new boolean[covariates.stream().mapToInt(c -> c.terms().size()).sum()];
    int j = 0;
    for (CoxCovariate c : covariates) {
      for (int t = 0; t < c.terms().size(); t++) {
        indicator[j++] = c.categorical();
      }
    }
    return indicator;
  }
}
