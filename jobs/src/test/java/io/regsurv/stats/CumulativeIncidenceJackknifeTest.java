package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The Aalen–Johansen standard error with delayed entry, where the R references have no case:
 * checked against its definition — the infinitesimal jackknife Σ_i (∂F/∂w_i)², the derivatives taken
 * numerically on a direct weighted estimator written out here — not against the closed form the
 * engine uses.
 */
class CumulativeIncidenceJackknifeTest {
  record Subject(double entry, double time, int event, String cause) {}

  @Test
  void standardErrorsWithDelayedEntryEqualTheNumericalJackknife() {
    SplittableRandom rng = new SplittableRandom(7);
    List<Subject> subjects = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // Integer times give ties of events, censorings and entries; every third subject enters late,
      // some exactly at another subject's exit time.
      double entry = i % 3 == 0 ? rng.nextInt(8) : 0;
      double time = entry + 1 + rng.nextInt(15);
      int event = rng.nextDouble() < 0.7 ? 1 : 0;
      subjects.add(new Subject(entry, time, event, event == 1 ? (rng.nextBoolean() ? "a" : "b") : null));
    }
    List<Row> rows = new ArrayList<>();
    for (Subject s : subjects) {
      rows.add(RowFactory.create("g", s.entry, s.time, s.event, s.cause));
    }
    List<Row> actual = CumulativeIncidence.estimate(SharedSpark.spark().createDataFrame(rows, EdgeCaseTest.SCHEMA))
        .orderBy("time", "cause").collectAsList();

    TreeSet<Double> times = new TreeSet<>();
    subjects.forEach(s -> times.add(s.time));
    assertThat(actual).hasSize(times.size() * 2);
    double[] w = new double[subjects.size()];
    java.util.Arrays.fill(w, 1.0);
    double eps = 1e-6;
    int checkedPositive = 0;
    for (Row r : actual) {
      double t = r.getAs("time");
      String cause = r.getAs("cause");
      double f = cif(subjects, w, t, cause);
      assertThat((double) r.getAs("cumulative_incidence")).isCloseTo(f, org.assertj.core.data.Offset.offset(1e-12));
      double variance = 0;
      for (int i = 0; i < w.length; i++) {
        w[i] = 1 + eps;
        double up = cif(subjects, w, t, cause);
        w[i] = 1 - eps;
        double down = cif(subjects, w, t, cause);
        w[i] = 1;
        double u = (up - down) / (2 * eps);
        variance += u * u;
      }
      double se = Math.sqrt(variance);
      double got = r.getAs("std_err");
      assertThat(got).as("std_err at %s cause %s", t, cause).isCloseTo(se, org.assertj.core.data.Offset.offset(1e-8 + 1e-6 * se));
      if (f > 0 && se > 0) {
        checkedPositive++;
        double z = KmOptions.DEFAULT.z();
        assertThat((double) r.getAs("ci_lower")).isCloseTo(f * Math.exp(-z * got / f), org.assertj.core.data.Offset.offset(1e-12));
        assertThat((double) r.getAs("ci_upper")).isCloseTo(Math.min(1, f * Math.exp(z * got / f)), org.assertj.core.data.Offset.offset(1e-12));
      }
    }
    assertThat(checkedPositive).isGreaterThan(20);
  }

  /** The weighted Aalen–Johansen estimate of cause k at time t, straight from its definition. */
  static double cif(List<Subject> subjects, double[] w, double t, String k) {
    TreeSet<Double> times = new TreeSet<>();
    subjects.forEach(s -> times.add(s.time));
    double survival = 1;
    double f = 0;
    for (double tj : times) {
      if (tj > t) {
        break;
      }
      double n = 0;
      double d = 0;
      double dk = 0;
      for (int i = 0; i < subjects.size(); i++) {
        Subject s = subjects.get(i);
        if (s.entry < tj && tj <= s.time) {
          n += w[i];
          if (s.time == tj && s.event == 1) {
            d += w[i];
            if (k.equals(s.cause)) {
              dk += w[i];
            }
          }
        }
      }
      if (n > 0) {
        f += survival * dk / n;
        survival *= 1 - d / n;
      }
    }
    return f;
  }
}
