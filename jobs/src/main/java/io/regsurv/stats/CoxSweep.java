package io.regsurv.stats;

import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * One partition's share of a Cox Newton–Raphson step, computed on an executor: a sweep over the
 * partition's points in stratum and descending-time order that keeps the running risk-set sums
 * S0 = Σ w·e^η, S1 = Σ w·e^η·x, S2 = Σ w·e^η·xxᵀ and, at each event time, adds that time's terms
 * of the partial log-likelihood, score and information (Efron or Breslow ties). What it returns
 * is bounded by p, never by the points: {loglik, u (p), upper triangle of the information (p(p+1)/2)}.
 *
 * <p>Points: (stratum, time, entry_point, event, weight, x0 … x(p−1)). An exit point (entry_point
 * 0) joins the risk sets of every t ≤ time; an entry point (1, delayed entry) leaves those of every
 * t ≤ entry, so the sums at t are Σ_{time ≥ t} − Σ_{entry ≥ t}, as R's agfit4.
 */
final class CoxSweep {
  private CoxSweep() {}

  /** One point at a time, so that Spark's rows and the driver's arrays go through one loop. */
  interface Points {
    /** Moves to the next point; false after the last. */
    boolean next();

    String stratum();

    double time();

    boolean entryPoint();

    boolean event();

    double weight();

    double x(int j);
  }

  static double[] sweep(Iterator<Row> rows, int p, double[] mean, boolean[] indicator, double[] beta, boolean efron) {
    return sweep(new Points() {
      private Row r;

      @Override
      public boolean next() {
        r = rows.hasNext() ? rows.next() : null;
        return r != null;
      }

      @Override
      public String stratum() {
        return r.getString(0);
      }

      @Override
      public double time() {
        return r.getDouble(1);
      }

      @Override
      public boolean entryPoint() {
        return r.getInt(2) == 1;
      }

      @Override
      public boolean event() {
        return r.getInt(3) == 1;
      }

      @Override
      public double weight() {
        return r.getDouble(4);
      }

      @Override
      public double x(int j) {
        return r.getDouble(5 + j);
      }
    }, p, mean, indicator, beta, efron);
  }

  /**
   * @param indicator which terms are 0/1 indicators of a categorical covariate's level: a point
   *     adds to the running sums only through its numeric terms and the indicators it has set, so
   *     a model of k categorical covariates costs O((k + numeric terms)²) per point, not O(p²).
   *     The sums are kept uncentred on the indicators and centred on their means at each event
   *     time (Σ r(x − m)(x − m)ᵀ = S2 − m S1ᵀ − S1 mᵀ + S0 m mᵀ); numeric terms are centred per
   *     point, as R does. Without indicators every operation is the plain centred sweep's.
   */
  static double[] sweep(Points r, int p, double[] mean, boolean[] indicator, double[] beta, boolean efron) {
    int q = p * (p + 1) / 2;
    double[] out = new double[1 + p + q];
    double[] s1 = new double[p];
    double[] s2 = new double[q];
    double[] ex = new double[p];
    double[] e1 = new double[p];
    double[] e2 = new double[q];
    // Centre per point on numeric terms (a), at event times on indicators (b); shift = Σ b·β.
    double[] a = new double[p];
    double[] b = new double[p];
    double shift = 0;
    boolean anyIndicator = false;
    for (int j = 0; j < p; j++) {
      if (indicator[j]) {
        b[j] = mean[j];
        shift += b[j] * beta[j];
        anyIndicator = true;
      } else {
        a[j] = mean[j];
      }
    }
    Centred centred = anyIndicator ? new Centred(p, b) : null;
    // Index of (j, j) in the packed upper triangle, whose row j holds (j, j) … (j, p − 1).
    int[] diagonal = new int[p];
    for (int j = 0; j < p; j++) {
      diagonal[j] = j * p - j * (j - 1) / 2;
    }
    int[] active = new int[p];
    double[] y = new double[p];
    double s0 = 0;
    double d = 0;
    double eeta = 0;
    double e0 = 0;
    String stratum = null;
    double time = Double.NaN;
    boolean any = false;
    while (r.next()) {
      String s = r.stratum();
      double t = r.time();
      if (any && (!s.equals(stratum) || t != time)) {
        if (d > 0) {
          eventTime(out, p, efron, centred, s0, s1, s2, d, eeta, ex, e0, e1, e2);
        }
        d = 0;
        eeta = 0;
        e0 = 0;
        java.util.Arrays.fill(ex, 0);
        java.util.Arrays.fill(e1, 0);
        java.util.Arrays.fill(e2, 0);
        if (!s.equals(stratum)) {
          s0 = 0;
          java.util.Arrays.fill(s1, 0);
          java.util.Arrays.fill(s2, 0);
        }
      }
      any = true;
      stratum = s;
      time = t;
      boolean entryPoint = r.entryPoint();
      boolean event = r.event();
      double w = r.weight();
      // η centred as R's: Σ (x − mean)·β = Σ y·β − shift.
      int n = 0;
      double eta = 0;
      for (int j = 0; j < p; j++) {
        double v = r.x(j);
        if (indicator[j]) {
          if (v == 0) {
            continue;
          }
        } else {
          v -= a[j];
        }
        active[n] = j;
        y[n++] = v;
        eta += v * beta[j];
      }
      eta -= shift;
      double risk = w * Math.exp(eta);
      double sign = entryPoint ? -1 : 1;
      s0 += sign * risk;
      for (int u = 0; u < n; u++) {
        int j = active[u];
        double rx = risk * y[u];
        s1[j] += sign * rx;
        int row = diagonal[j] - j;
        for (int v = u; v < n; v++) {
          s2[row + active[v]] += sign * rx * y[v];
        }
      }
      if (event && !entryPoint) {
        d += w;
        eeta += w * eta;
        e0 += risk;
        for (int u = 0; u < n; u++) {
          int j = active[u];
          ex[j] += w * y[u];
          double rx = risk * y[u];
          e1[j] += rx;
          int row = diagonal[j] - j;
          for (int v = u; v < n; v++) {
            e2[row + active[v]] += rx * y[v];
          }
        }
      }
    }
    if (any && d > 0) {
      eventTime(out, p, efron, centred, s0, s1, s2, d, eeta, ex, e0, e1, e2);
    }
    return out;
  }

  /** One event time's terms, from sums centred on every term. */
  private static void eventTime(double[] out, int p, boolean efron, Centred centred, double s0, double[] s1, double[] s2, double d,
      double eeta, double[] ex, double e0, double[] e1, double[] e2) {
    if (centred == null) {
      addEventTime(out, p, efron, s0, s1, s2, d, eeta, ex, e0, e1, e2);
      return;
    }
    centred.centre(s0, s1, s2, centred.s1, centred.s2);
    centred.centre(e0, e1, e2, centred.e1, centred.e2);
    for (int j = 0; j < p; j++) {
      centred.ex[j] = ex[j] - centred.b[j] * d;
    }
    addEventTime(out, p, efron, s0, centred.s1, centred.s2, d, eeta, centred.ex, e0, centred.e1, centred.e2);
  }

  /** Scratch for sums centred on the indicators' means {@code b} at an event time. */
  private static final class Centred {
    final double[] b;
    final double[] s1;
    final double[] s2;
    final double[] e1;
    final double[] e2;
    final double[] ex;

    Centred(int p, double[] b) {
      this.b = b;
      int q = p * (p + 1) / 2;
      s1 = new double[p];
      s2 = new double[q];
      e1 = new double[p];
      e2 = new double[q];
      ex = new double[p];
    }

    /** (c1, c2) = sums of (x − b) and (x − b)(x − b)ᵀ from the sums w0, w1, w2 of 1, x, xxᵀ. */
    void centre(double w0, double[] w1, double[] w2, double[] c1, double[] c2) {
      int p = b.length;
      for (int j = 0; j < p; j++) {
        c1[j] = w1[j] - b[j] * w0;
      }
      int t = 0;
      for (int j = 0; j < p; j++) {
        for (int k = j; k < p; k++, t++) {
          c2[t] = w2[t] - b[j] * w1[k] - w1[j] * b[k] + w0 * b[j] * b[k];
        }
      }
    }
  }

  /**
   * One event time's terms. Efron (1977): the k-th of d tied events sees the risk set less k/d of
   * the tied events. The p×p sums factor through five scalars, so a day with many ties costs O(d + p²).
   */
  private static void addEventTime(double[] out, int p, boolean efron, double s0, double[] s1, double[] s2, double d, double eeta,
      double[] ex, double e0, double[] e1, double[] e2) {
    long dead = Math.round(d);
    double a1 = 0;
    double af = 0;
    double b1 = 0;
    double bf = 0;
    double bff = 0;
    for (long k = 0; k < dead; k++) {
      double f = efron ? (double) k / dead : 0.0;
      double den = s0 - f * e0;
      out[0] -= Math.log(den);
      a1 += 1 / den;
      af += f / den;
      b1 += 1 / (den * den);
      bf += f / (den * den);
      bff += f * f / (den * den);
    }
    out[0] += eeta;
    int t = 0;
    for (int j = 0; j < p; j++) {
      out[1 + j] += ex[j] - (s1[j] * a1 - e1[j] * af);
      for (int k = j; k < p; k++, t++) {
        out[1 + p + t] += s2[t] * a1 - e2[t] * af
            - (s1[j] * s1[k] * b1 - (s1[j] * e1[k] + e1[j] * s1[k]) * bf + e1[j] * e1[k] * bff);
      }
    }
  }
}
