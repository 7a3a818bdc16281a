package io.regsurv.stats;

import io.regsurv.core.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.special.Erf;

/**
 * R's Newton–Raphson for the Cox model (coxfit6/agfit4: step halving, convergence rule, R's
 * cholesky2 and the summary statistics), over whatever computes the log partial likelihood, score
 * and information at a β: Spark's sweep of every partition ({@link CoxModel}) or one sweep of cells
 * held on the driver ({@link CoxCells}).
 */
final class CoxNewtonRaphson {
  private CoxNewtonRaphson() {}

  /** R's coxph.control: eps, iter.max, toler.chol = .Machine$double.eps^0.75, toler.inf = sqrt(eps). */
  static final double EPS = 1e-9;
  static final int ITER_MAX = 20;
  static final double TOLER_CHOL = Math.pow(Math.ulp(1.0), 0.75);
  static final double TOLER_INF = Math.sqrt(EPS);

  /** Log partial likelihood, score and information at one β. */
  record Evaluation(double loglik, double[] u, double[][] imat) {}

  /** What Newton–Raphson asks of the data: the log partial likelihood, score and information at β. */
  interface Iteration {
    Evaluation evaluate(double[] beta);
  }

  /** The sums of a sweep's output vector {loglik, u, upper triangle of the information} (or several, summed). */
  static Evaluation evaluation(List<double[]> parts, int p) {
    double loglik = 0;
    double[] u = new double[p];
    double[][] imat = new double[p][p];
    for (double[] part : parts) {
      loglik += part[0];
      int t = 1 + p;
      for (int j = 0; j < p; j++) {
        u[j] += part[1 + j];
        for (int k = j; k < p; k++, t++) {
          imat[j][k] += part[t];
          if (k != j) {
            imat[k][j] += part[t];
          }
        }
      }
    }
    return new Evaluation(loglik, u, imat);
  }

  /** R's coxfit6/agfit4 Newton–Raphson loop, step halving and convergence rule, then R's summary statistics. */
  static CoxFit fit(Iteration iteration, List<String> terms, long n, long events, double confLevel, String prefix) {
    int p = terms.size();
    double[] beta = new double[p];
    Evaluation start = iteration.evaluate(beta);
    double loglikNull = start.loglik();
    Cholesky chol0 = Cholesky.of(start.imat());
    if (chol0.firstSingular() >= 0) {
      throw new BadInputException(prefix + "covariate term '" + terms.get(chol0.firstSingular())
          + "' is collinear with the terms before it (or constant within every stratum); remove it");
    }
    double[] step0 = chol0.solve(start.u());
    double score = dot(start.u(), step0);
    double loglik = loglikNull;
    double[] newBeta = add(beta, step0);
    int halving = 0;
    boolean converged = false;
    int iter;
    Evaluation current = start;
    double[] coef = null;
    for (iter = 1; iter <= ITER_MAX; iter++) {
      current = iteration.evaluate(newBeta);
      double newLoglik = current.loglik();
      boolean finite = Double.isFinite(newLoglik) && Arrays.stream(current.u()).allMatch(Double::isFinite)
          && Arrays.stream(current.imat()).flatMapToDouble(Arrays::stream).allMatch(Double::isFinite);
      if (finite && Math.abs(1 - loglik / newLoglik) <= EPS) {
        loglik = newLoglik;
        coef = newBeta;
        converged = true;
        break;
      }
      if (!finite || newLoglik < loglik) {
        // Not converging: back towards the last good β, more each time (coxfit6/agfit4).
        halving++;
        for (int j = 0; j < p; j++) {
          newBeta[j] = (newBeta[j] + halving * beta[j]) / (halving + 1.0);
        }
      } else {
        halving = 0;
        loglik = newLoglik;
        double[] step = Cholesky.of(current.imat()).solve(current.u());
        beta = newBeta.clone();
        newBeta = add(newBeta, step);
      }
    }
    if (!converged) {
      // Out of iterations: R returns the last good β, with its likelihood and information.
      iter = ITER_MAX;
      coef = beta;
      current = iteration.evaluate(beta);
      loglik = current.loglik();
    }
    int iterations = iter;
    Cholesky cholFinal = Cholesky.of(current.imat());
    double[][] var = cholFinal.inverse();
    List<String> warnings = new ArrayList<>();
    if (!converged) {
      warnings.add("Ran out of iterations and did not converge");
    } else {
      // R's coxph.fit: a score that is not small relative to the step at convergence means the
      // likelihood flattened out while the coefficient still runs (e.g. a level with no events).
      List<String> infinite = new ArrayList<>();
      for (int j = 0; j < p; j++) {
        double inf = 0;
        for (int k = 0; k < p; k++) {
          inf += current.u()[k] * var[k][j];
        }
        inf = Math.abs(inf);
        if (inf > EPS && inf > TOLER_INF * Math.abs(coef[j])) {
          infinite.add(terms.get(j));
        }
      }
      if (!infinite.isEmpty()) {
        warnings.add("Loglik converged before variable " + String.join(",", infinite) + "; coefficient may be infinite.");
      }
    }
    double z = Math.sqrt(2.0) * Erf.erfInv(confLevel);
    List<CoxFit.Term> rows = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      double se = Math.sqrt(var[j][j]);
      double zj = coef[j] / se;
      rows.add(new CoxFit.Term(terms.get(j), coef[j], Math.exp(coef[j]), se, zj, ChiSquare.upperTail(zj * zj, 1),
          Math.exp(coef[j] - z * se), Math.exp(coef[j] + z * se)));
    }
    // R's coxph: the Wald statistic βᵀ V⁻¹ β with V the inverse information at the fit.
    double[] informationTimesCoef = new double[p];
    for (int j = 0; j < p; j++) {
      informationTimesCoef[j] = dot(current.imat()[j], coef);
    }
    double wald = dot(coef, informationTimesCoef);
    double lr = 2 * (loglik - loglikNull);
    return new CoxFit(rows, n, events, loglikNull, loglik, lr, p, ChiSquare.upperTail(lr, p), wald, ChiSquare.upperTail(wald, p),
        score, ChiSquare.upperTail(score, p), Double.NaN, iterations, converged, confLevel, warnings);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] add(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] + b[i];
    }
    return c;
  }

  /** R's cholesky2: LDLᵀ of a symmetric matrix, a pivot below toler.chol × the largest diagonal marks a singular column. */
  static final class Cholesky {
    private final double[][] a;
    private final int firstSingular;

    private Cholesky(double[][] a, int firstSingular) {
      this.a = a;
      this.firstSingular = firstSingular;
    }

    static Cholesky of(double[][] matrix) {
      int n = matrix.length;
      double[][] a = new double[n][];
      double largest = 0;
      for (int i = 0; i < n; i++) {
        a[i] = matrix[i].clone();
        largest = Math.max(largest, Math.abs(a[i][i]));
      }
      double eps = largest * TOLER_CHOL;
      int singular = -1;
      for (int i = 0; i < n; i++) {
        double pivot = a[i][i];
        if (!Double.isFinite(pivot) || pivot < eps) {
          a[i][i] = 0;
          if (singular < 0) {
            singular = i;
          }
          continue;
        }
        for (int j = i + 1; j < n; j++) {
          double temp = a[j][i] / pivot;
          a[j][i] = temp;
          a[j][j] -= temp * temp * pivot;
          for (int k = j + 1; k < n; k++) {
            a[k][j] -= temp * a[k][i];
          }
        }
      }
      return new Cholesky(a, singular);
    }

    int firstSingular() {
      return firstSingular;
    }

    /** x with Ax = b (singular columns get 0, as R's chsolve2). */
    double[] solve(double[] b) {
      int n = a.length;
      double[] y = b.clone();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++) {
          y[i] -= y[j] * a[i][j];
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (a[i][i] == 0) {
          y[i] = 0;
        } else {
          y[i] /= a[i][i];
          for (int j = i + 1; j < n; j++) {
            y[i] -= y[j] * a[j][i];
          }
        }
      }
      return y;
    }

    double[][] inverse() {
      int n = a.length;
      double[][] inv = new double[n][n];
      for (int c = 0; c < n; c++) {
        double[] e = new double[n];
        e[c] = 1;
        double[] col = solve(e);
        for (int r = 0; r < n; r++) {
          inv[r][c] = col[r];
        }
      }
      return inv;
    }
  }
}
