package io.regsurv.stats;

import org.apache.commons.math3.special.Gamma;

/** The chi-square distribution's upper tail, for the p-values of the log-rank test. */
public final class ChiSquare {
  private ChiSquare() {}

  /**
   * P(X ≥ x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2) (series or
   * Lentz continued fraction, relative accuracy ~1e-14). 1 for x ≤ 0.
   */
  public static double upperTail(double x, int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be at least 1, was " + df);
    }
    if (!(x > 0)) {
      return 1.0;
    }
    return Gamma.regularizedGammaQ(df / 2.0, x / 2.0, 1e-15, 100_000);
  }
}
