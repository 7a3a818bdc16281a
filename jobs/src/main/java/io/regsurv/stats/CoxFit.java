package io.regsurv.stats;

import java.util.List;

/**
 * A fitted Cox model: one {@link Term} per model term (R's names: a numeric column by its name,
 * a categorical one as column + level) and the model's statistics, as R's {@code summary(coxph)}.
 *
 * @param n subjects used (rows with a missing covariate or stratum are dropped, as R's na.omit)
 * @param nEvents events among them
 * @param loglikNull partial log-likelihood at β = 0
 * @param loglik partial log-likelihood at the fit
 * @param lrChisq likelihood-ratio statistic 2(loglik − loglikNull), df = number of terms
 * @param waldChisq Wald statistic βᵀIβ (I the information at the fit)
 * @param scoreChisq score (log-rank) statistic UᵀI⁻¹U at β = 0
 * @param concordance Harrell's C as R's coxph computes it (timewt "n"), NaN before it is computed
 * @param iterations Newton–Raphson iterations, counted as R counts them
 * @param converged whether |1 − loglik_old/loglik_new| ≤ 1e-9 was reached within 20 iterations
 * @param warnings what R would warn about (non-convergence, coefficients running to infinity)
 */
public record CoxFit(
    List<Term> terms,
    long n,
    long nEvents,
    double loglikNull,
    double loglik,
    double lrChisq,
    int df,
    double lrP,
    double waldChisq,
    double waldP,
    double scoreChisq,
    double scoreP,
    double concordance,
    int iterations,
    boolean converged,
    double confLevel,
    List<String> warnings) {

  /** One model term: log hazard ratio, its Wald standard error, z, two-sided p and hazard-ratio limits. */
  public record Term(String term, double coef, double hazardRatio, double stdErr, double z, double pValue, double hrLower, double hrUpper) {}

  public CoxFit {
    terms = List.copyOf(terms);
    warnings = List.copyOf(warnings);
  }

  public CoxFit withConcordance(double value) {
    return new CoxFit(terms, n, nEvents, loglikNull, loglik, lrChisq, df, lrP, waldChisq, waldP, scoreChisq, scoreP, value,
        iterations, converged, confLevel, warnings);
  }
}
