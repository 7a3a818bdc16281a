package io.regsurv.stats;

import java.util.List;

/** A log-rank test between groups: observed and expected events per group, chi-square, df and p-value. */
public record LogRankResult(List<Group> groups, double chiSquare, int degreesOfFreedom, double pValue) {

  public LogRankResult {
    groups = List.copyOf(groups);
  }

  /** One group's line of R's {@code survdiff} table. */
  public record Group(String group, long n, double observed, double expected) {}
}
