package io.regsurv.stats;

import static io.regsurv.stats.RiskSets.N_AT_RISK;
import static io.regsurv.stats.RiskSets.N_EVENTS;
import static io.regsurv.stats.RiskSets.START;
import static io.regsurv.stats.Subjects.EVENT;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The log-rank test (Mantel 1966; Peto &amp; Peto 1972) between the groups of a set of subjects, as
 * R's {@code survdiff(rho = 0)}: at every pooled event time t, group g expects n_g·d/n events,
 * and the covariance of the observed-minus-expected vector is Σ d(n−d)/(n²(n−1)) ·
 * n_g(δ_gh n − n_h). The statistic uses the groups with positive expectation, dropping the first
 * (R's generalized inverse), so df = groups − 1.
 *
 * <p>Only the (group × event time) counts are computed in Spark; the k×k matrix is collected (one
 * partial matrix per partition of event times, summed).
 * Delayed entry is honoured by the risk sets (R's survdiff accepts right-censored data only).
 */
public final class LogRank {
  private LogRank() {}

  /** Tests {@code subjects} (columns as in {@link Subjects}); groups are ordered by name. */
  public static LogRankResult test(Dataset<Row> subjects) {
    return testEach(subjects, lit("")).getOrDefault("", new LogRankResult(List.of(), 0.0, 0, 1.0));
  }

  /**
   * One test per stratum, all in the same few Spark jobs: {@code stratumOfGroup} is an expression
   * over the {@code group} column naming the stratum a group belongs to (groups are compared only
   * within their stratum). Strata in name order; groups ordered by name within each.
   */
  public static Map<String, LogRankResult> testEach(Dataset<Row> subjects, Column stratumOfGroup) {
    // Event times pooled over all strata: a time without events in a stratum is dropped there (d = 0).
    Dataset<Row> eventTimes = subjects.filter(col(EVENT).equalTo(1)).select(col(TIME)).distinct();
    Dataset<Row> risk = RiskSets.table(subjects, eventTimes).filter(col(TIME).notEqual(lit(START)))
        .withColumn(STRATUM, stratumOfGroup);
    var atTime = Window.partitionBy(col(STRATUM), col(TIME));
    Column n = col(N_AT_RISK).cast("double");
    Column d = col(N_EVENTS).cast("double");
    Dataset<Row> pooled = risk
        .withColumn("n_total", sum(n).over(atTime))
        .withColumn("d_total", sum(d).over(atTime))
        .filter(col("d_total").gt(0));
    Column nt = col("n_total");
    Column dt = col("d_total");
    pooled = pooled
        .withColumn("expected", n.multiply(dt).divide(nt))
        .withColumn("w", when(nt.gt(1), dt.multiply(nt.minus(dt)).divide(nt.multiply(nt).multiply(nt.minus(1)))).otherwise(0.0))
        .cache();
    try {
      // Groups: few by construction (cohorts), so their sizes and the matrices live on the driver.
      Map<String, Long> sizes = new HashMap<>();
      Map<String, String> stratumOf = new HashMap<>();
      for (Row r : subjects.groupBy(col(GROUP)).agg(sum(Subjects.weight(subjects)).as("n"))
          .select(col(GROUP), col("n"), stratumOfGroup.as(STRATUM)).collectAsList()) {
        sizes.put(r.getString(0), r.getLong(1));
        stratumOf.put(r.getString(0), r.getString(2));
      }
      List<String> names = new ArrayList<>(sizes.keySet());
      names.sort(null);
      int k = names.size();
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < k; i++) {
        index.put(names.get(i), i);
      }
      double[] observed = new double[k];
      double[] expected = new double[k];
      for (Row r : pooled.groupBy(col(GROUP)).agg(sum(d).as("o"), sum(col("expected")).as("e")).collectAsList()) {
        int i = index.get(r.getString(0));
        observed[i] = r.getDouble(1);
        expected[i] = r.getDouble(2);
      }
      double[][] variance = new double[k][k];
      // Per event time, every pair of groups adds w·n_g·(δ_gh·n − n_h): summed inside each
      // partition of times into one k×k matrix, not as a self-join with k² rows per time.
      Dataset<Row> byTime = pooled.select(col(STRATUM), col(TIME), col(GROUP), n.as("n_g"), nt.as("n_t"), col("w"))
          .repartition(col(STRATUM), col(TIME)).sortWithinPartitions(col(STRATUM), col(TIME));
      StructType cell = new StructType().add("g", DataTypes.IntegerType).add("h", DataTypes.IntegerType).add("v", DataTypes.DoubleType);
      Dataset<Row> partial = byTime.mapPartitions(new PairSums(names.toArray(String[]::new)), Encoders.row(cell));
      for (Row r : partial.groupBy(col("g"), col("h")).agg(sum(col("v")).as("v")).collectAsList()) {
        variance[r.getInt(0)][r.getInt(1)] = r.getDouble(2);
      }
      Map<String, LogRankResult> results = new java.util.TreeMap<>();
      for (String stratum : new java.util.TreeSet<>(stratumOf.values())) {
        int[] members = java.util.stream.IntStream.range(0, k).filter(i -> stratumOf.get(names.get(i)).equals(stratum)).toArray();
        int m = members.length;
        List<LogRankResult.Group> groups = new ArrayList<>();
        double[] o = new double[m];
        double[] e = new double[m];
        double[][] v = new double[m][m];
        for (int a = 0; a < m; a++) {
          String name = names.get(members[a]);
          groups.add(new LogRankResult.Group(name, sizes.get(name), observed[members[a]], expected[members[a]]));
          o[a] = observed[members[a]];
          e[a] = expected[members[a]];
          for (int b = 0; b < m; b++) {
            v[a][b] = variance[members[a]][members[b]];
          }
        }
        results.put(stratum, statistic(groups, o, e, v));
      }
      return results;
    } finally {
      pooled.unpersist();
    }
  }

  private static final String STRATUM = "stratum";

  /** R's survdiff: groups with positive expectation, the first of them dropped, then (O−E)ᵀ V⁻¹ (O−E). */
  static LogRankResult statistic(List<LogRankResult.Group> groups, double[] observed, double[] expected, double[][] variance) {
    List<Integer> used = new ArrayList<>();
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] > 0) {
        used.add(i);
      }
    }
    if (used.size() < 2) {
      return new LogRankResult(groups, 0.0, 0, 1.0);
    }
    int m = used.size() - 1;
    double[][] v = new double[m][m];
    double[] diff = new double[m];
    for (int i = 0; i < m; i++) {
      int gi = used.get(i + 1);
      diff[i] = observed[gi] - expected[gi];
      for (int j = 0; j < m; j++) {
        v[i][j] = variance[gi][used.get(j + 1)];
      }
    }
    double[] solution = solve(v, diff);
    double chi = 0;
    for (int i = 0; i < m; i++) {
      chi += solution[i] * diff[i];
    }
    return new LogRankResult(groups, chi, m, ChiSquare.upperTail(chi, m));
  }

  /** Gaussian elimination with partial pivoting (the matrix is k−1 square, k the number of groups). */
  static double[] solve(double[][] matrix, double[] rhs) {
    int m = rhs.length;
    double[][] a = new double[m][];
    double[] b = rhs.clone();
    for (int i = 0; i < m; i++) {
      a[i] = matrix[i].clone();
    }
    for (int col = 0; col < m; col++) {
      int pivot = col;
      for (int r = col + 1; r < m; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (Math.abs(a[pivot][col]) < 1e-300) {
        throw new ArithmeticException("log-rank variance matrix is singular");
      }
      double[] rowTmp = a[col];
      a[col] = a[pivot];
      a[pivot] = rowTmp;
      double bTmp = b[col];
      b[col] = b[pivot];
      b[pivot] = bTmp;
      for (int r = col + 1; r < m; r++) {
        double f = a[r][col] / a[col][col];
        for (int c = col; c < m; c++) {
          a[r][c] -= f * a[col][c];
        }
        b[r] -= f * b[col];
      }
    }
    double[] x = new double[m];
    for (int r = m - 1; r >= 0; r--) {
      double s = b[r];
      for (int c = r + 1; c < m; c++) {
        s -= a[r][c] * x[c];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }

  /** The covariance sums of one partition of (stratum, time, group, n_g, n_t, w) rows sorted by stratum and time: (g, h, v) rows. */
  static final class PairSums implements MapPartitionsFunction<Row, Row> {
    private final String[] groups;

    PairSums(String[] groups) {
      this.groups = groups;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      int k = groups.length;
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < k; i++) {
        index.put(groups[i], i);
      }
      double[][] v = new double[k][k];
      int[] g = new int[k];
      double[] ng = new double[k];
      int m = 0;
      String stratum = null;
      double time = Double.NaN;
      double nt = 0;
      double w = 0;
      while (true) {
        Row r = rows.hasNext() ? rows.next() : null;
        if (m > 0 && (r == null || r.getDouble(1) != time || !r.getString(0).equals(stratum))) {
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
              v[g[i]][g[j]] += w * ng[i] * ((g[i] == g[j] ? nt : 0.0) - ng[j]);
            }
          }
          m = 0;
        }
        if (r == null) {
          break;
        }
        stratum = r.getString(0);
        time = r.getDouble(1);
        g[m] = index.get(r.getString(2));
        ng[m] = r.getDouble(3);
        nt = r.getDouble(4);
        w = r.getDouble(5);
        m++;
      }
      List<Row> out = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          if (v[i][j] != 0.0) {
            out.add(RowFactory.create(i, j, v[i][j]));
          }
        }
      }
      return out.iterator();
    }
  }
}
