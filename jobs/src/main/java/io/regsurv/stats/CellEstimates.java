package io.regsurv.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Every estimator of the engine computed on the driver from {@link RiskCells}: the same numbers,
 * formulas and row shapes as the distributed {@link KaplanMeier}, {@link SurvivalSummary},
 * {@link CumulativeIncidence} and {@link LogRank} (their Javadoc cites the formulas), in one pass per
 * group over its distinct times instead of Spark jobs. Arithmetic follows the distributed versions
 * operation for operation (StrictMath, as Spark's functions), so both agree to rounding.
 *
 * <p>Work and memory per group are O(cells + distinct times × causes); nothing here grows with the
 * number of subjects.
 */
public final class CellEstimates {
  /** Columns of {@link #kaplanMeier}, as {@link KaplanMeier#estimate}. */
  public static final StructType KM_SCHEMA = new StructType()
      .add(Subjects.GROUP, DataTypes.StringType).add(Subjects.TIME, DataTypes.DoubleType)
      .add(RiskSets.N_AT_RISK, DataTypes.LongType).add(RiskSets.N_EVENTS, DataTypes.LongType)
      .add(RiskSets.N_CENSORED, DataTypes.LongType).add(RiskSets.N_ENTERED, DataTypes.LongType)
      .add(KaplanMeier.SURVIVAL, DataTypes.DoubleType).add(KaplanMeier.STD_ERR, DataTypes.DoubleType)
      .add(KaplanMeier.CI_LOWER, DataTypes.DoubleType).add(KaplanMeier.CI_UPPER, DataTypes.DoubleType)
      .add(KaplanMeier.CONF_LEVEL, DataTypes.DoubleType).add(KaplanMeier.CONF_TYPE, DataTypes.StringType)
      .add(KaplanMeier.CUMULATIVE_HAZARD, DataTypes.DoubleType).add(KaplanMeier.STD_CHAZ, DataTypes.DoubleType);

  /** Columns of {@link #summary}, as {@link SurvivalSummary#of}. */
  public static final StructType SUMMARY_SCHEMA = new StructType()
      .add(Subjects.GROUP, DataTypes.StringType).add("n", DataTypes.LongType).add("n_subjects", DataTypes.LongType)
      .add("events", DataTypes.LongType).add("median", DataTypes.DoubleType).add("median_lower", DataTypes.DoubleType)
      .add("median_upper", DataTypes.DoubleType).add(KaplanMeier.CONF_LEVEL, DataTypes.DoubleType)
      .add(KaplanMeier.CONF_TYPE, DataTypes.StringType).add("rmst_horizon", DataTypes.DoubleType)
      .add("rmst", DataTypes.DoubleType).add("rmst_std_err", DataTypes.DoubleType);

  /** Columns of {@link #cumulativeIncidence}, as {@link CumulativeIncidence#estimate}. */
  public static final StructType CIF_SCHEMA = new StructType()
      .add(Subjects.GROUP, DataTypes.StringType).add(Subjects.TIME, DataTypes.DoubleType).add(Subjects.CAUSE, DataTypes.StringType)
      .add(RiskSets.N_AT_RISK, DataTypes.LongType).add(RiskSets.N_EVENTS, DataTypes.LongType)
      .add(CumulativeIncidence.CUMULATIVE_INCIDENCE, DataTypes.DoubleType).add(CumulativeIncidence.STD_ERR, DataTypes.DoubleType)
      .add(CumulativeIncidence.CI_LOWER, DataTypes.DoubleType).add(CumulativeIncidence.CI_UPPER, DataTypes.DoubleType);

  private CellEstimates() {}

  /** One group's risk table: the start row (time −∞) and every exit time, ascending, with n, d, c, entries. */
  record Risk(double[] time, long[] n, long[] d, long[] c, long[] e) {
    int size() {
      return time.length;
    }
  }

  private static double entryKey(double entry) {
    return entry <= 0 ? RiskSets.START : entry;
  }

  /**
   * One group's cells as runs, keys ordered as {@link Double#compare}: its distinct exit times with
   * the weights of events and censored there, and its distinct entry keys ({@link #entryKey}: START for none) with the
   * weights entering there. {@code cells} in {@link RiskCells}' order (by time first).
   */
  private record Runs(double[] exitTime, long[] events, long[] censored, double[] entryTime, long[] entered) {
    static Runs of(List<RiskCells.Cell> cells) {
      int q = cells.size();
      double[] exitTime = new double[q];
      long[] events = new long[q];
      long[] censored = new long[q];
      double[] entry = new double[q];
      int x = 0;
      for (int i = 0; i < q; i++) {
        RiskCells.Cell c = cells.get(i);
        int order = x == 0 ? 1 : Double.compare(c.time(), exitTime[x - 1]);
        if (order < 0) {
          throw new IllegalArgumentException("cells are not in time order");
        }
        if (order > 0) {
          exitTime[x++] = c.time();
        }
        if (c.event() == 1) {
          events[x - 1] += c.weight();
        } else {
          censored[x - 1] += c.weight();
        }
        entry[i] = entryKey(c.entry());
      }
      // Distinct entry keys (most often START alone), each with its weight.
      double[] keys = distinctSorted(entry, q);
      int u = keys.length;
      long[] entered = new long[u];
      for (int i = 0; i < q; i++) {
        entered[u == 1 ? 0 : Arrays.binarySearch(keys, 0, u, entry[i])] += cells.get(i).weight();
      }
      return new Runs(Arrays.copyOf(exitTime, x), Arrays.copyOf(events, x), Arrays.copyOf(censored, x), keys, entered);
    }

    /** The weight of events at {@code t} (0 when no cell exits then). */
    long eventsAt(double t) {
      int i = Arrays.binarySearch(exitTime, t);
      return i >= 0 ? events[i] : 0L;
    }
  }

  /**
   * {@link RiskSets#table} of one group: n at risk just before t = entries before t − exits before t.
   * {@code cells} in {@link RiskCells}' order: its {@link Runs} merged, no boxed key per cell (a TreeMap
   * of boxed times was a sixth of the driver's statistics at full scale).
   */
  static Risk risk(List<RiskCells.Cell> cells) {
    Runs runs = Runs.of(cells);
    double[] exitTime = runs.exitTime();
    long[] exitEvents = runs.events();
    long[] exitCensored = runs.censored();
    double[] keys = runs.entryTime();
    long[] entered = runs.entered();
    int x = exitTime.length;
    int u = keys.length;
    // START, the exit times and the entry keys merged in ascending order; a row at START and at each exit time.
    double[] time = new double[x + 1];
    long[] n = new long[x + 1];
    long[] d = new long[x + 1];
    long[] c = new long[x + 1];
    long[] e = new long[x + 1];
    int m = 0;
    long in = 0;
    long out = 0;
    boolean start = true;
    int a = 0;
    int b = 0;
    while (start || a < x || b < u) {
      double t = start ? RiskSets.START : a < x && (b >= u || Double.compare(exitTime[a], keys[b]) <= 0) ? exitTime[a] : keys[b];
      start = false;
      long dt = 0;
      long ct = 0;
      long et = 0;
      if (a < x && Double.compare(exitTime[a], t) == 0) {
        dt = exitEvents[a];
        ct = exitCensored[a];
        a++;
      }
      if (b < u && Double.compare(keys[b], t) == 0) {
        et = entered[b];
        b++;
      }
      if (dt + ct > 0 || t == RiskSets.START) {
        time[m] = t;
        n[m] = in - out;
        d[m] = dt;
        c[m] = ct;
        e[m] = et;
        m++;
      }
      in += et;
      out += dt + ct;
    }
    return new Risk(Arrays.copyOf(time, m), Arrays.copyOf(n, m), Arrays.copyOf(d, m), Arrays.copyOf(c, m), Arrays.copyOf(e, m));
  }

  /** {@link KaplanMeier#estimate} of every group, rows of {@link #KM_SCHEMA} by group and time. */
  public static List<Row> kaplanMeier(RiskCells cells, KmOptions options) {
    List<Row> out = new ArrayList<>();
    for (String g : cells.groups()) {
      out.addAll(kaplanMeier(g, risk(cells.cells(g)), options));
    }
    return out;
  }

  static List<Row> kaplanMeier(String group, Risk r, KmOptions options) {
    List<Row> out = new ArrayList<>();
    boolean reachedZero = false;
    double logS = 0;
    double greenwood = 0;
    double hazard = 0;
    double hazardVar = 0;
    // An exit at time 0 replaces the time-0 row (S = 1), as in KaplanMeier.estimate.
    boolean keepStart = r.size() < 2 || r.time()[1] > 0;
    for (int i = 0; i < r.size(); i++) {
      double d = r.d()[i];
      double n = r.n()[i];
      if (d >= n && d > 0) {
        reachedZero = true;
      }
      boolean partial = d < n;
      logS += partial && d > 0 ? StrictMath.log1p(d / n * -1) : 0.0;
      greenwood += partial && d > 0 ? d / (n * (n - d)) : 0.0;
      hazard += d > 0 ? d / n : 0.0;
      hazardVar += d > 0 ? d / (n * n) : 0.0;
      double s = reachedZero ? 0.0 : StrictMath.exp(logS);
      Double se = reachedZero ? null : StrictMath.sqrt(greenwood);
      boolean start = r.time()[i] == RiskSets.START;
      if (start && !keepStart) {
        continue;
      }
      double[] ci = limits(s, se, options);
      out.add(RowFactory.create(group, start ? 0.0 : r.time()[i], start ? r.e()[i] : r.n()[i], r.d()[i], r.c()[i],
          start ? 0L : r.e()[i], s, se, nullable(ci[0]), nullable(ci[1]), options.confLevel(), options.confType().label(),
          hazard, StrictMath.sqrt(hazardVar)));
    }
    return out;
  }

  private static Double nullable(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** {@link KaplanMeier#withConfidenceLimits}: {lower, upper}, NaN where undefined. */
  static double[] limits(double s, Double se, KmOptions options) {
    double z = options.z();
    boolean undefined = se == null || s <= 0;
    double lower;
    double upper;
    if (undefined) {
      return new double[] {Double.NaN, Double.NaN};
    }
    switch (options.confType()) {
      case LOG -> {
        lower = s * StrictMath.exp(z * se * -1);
        upper = Math.min(1.0, s * StrictMath.exp(z * se));
      }
      case LOG_LOG -> {
        if (s >= 1) {
          return new double[] {Double.NaN, Double.NaN};
        }
        double logS = StrictMath.log(s);
        double center = StrictMath.log(logS * -1);
        double shift = z * se / logS;
        lower = StrictMath.exp(StrictMath.exp(center - shift) * -1);
        upper = StrictMath.exp(StrictMath.exp(center + shift) * -1);
      }
      case PLAIN -> {
        double half = z * s * se;
        lower = Math.max(0.0, s - half);
        upper = Math.min(1.0, s + half);
      }
      default -> throw new IllegalStateException("unknown conf type " + options.confType());
    }
    return new double[] {lower, upper};
  }

  /** The rows of one group in a list of {@link #KM_SCHEMA} rows sorted by group and time. */
  public static Map<String, List<Row>> byGroup(List<Row> curve) {
    Map<String, List<Row>> m = new TreeMap<>();
    for (Row r : curve) {
      m.computeIfAbsent(r.getString(0), g -> new ArrayList<>()).add(r);
    }
    return m;
  }

  /** {@link SurvivalSummary#of} of the curves ({@link #KM_SCHEMA} rows), rows of {@link #SUMMARY_SCHEMA} by group. */
  public static List<Row> summary(List<Row> curve, double rmstHorizon) {
    List<Row> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> g : byGroup(curve).entrySet()) {
      List<Row> rows = g.getValue();
      Long n = null;
      long subjects = 0;
      long events = 0;
      for (Row r : rows) {
        long d = r.getLong(3);
        long c = r.getLong(4);
        if (n == null && d + c > 0) {
          n = r.getLong(2);
        }
        subjects += d + c;
        events += d;
      }
      double[] rmst = restrictedMean(rows, rmstHorizon);
      out.add(RowFactory.create(g.getKey(), n, subjects, events, firstCrossing(rows, 6), firstCrossing(rows, 8), firstCrossing(rows, 9),
          rows.get(0).get(10), rows.get(0).get(11), rmstHorizon, rmst[0], rmst[1]));
    }
    return out;
  }

  /** {@link SurvivalSummary#firstCrossing} of column {@code field} of one curve (rows by time). */
  static Double firstCrossing(List<Row> rows, int field) {
    double x1 = Double.NaN;
    double y1 = Double.NaN;
    Double x2 = null;
    for (Row r : rows) {
      if (r.isNullAt(field) || !(r.getDouble(field) < 0.5 + SurvivalSummary.MEDIAN_TOLERANCE)) {
        continue;
      }
      double y = r.getDouble(field);
      if (Double.isNaN(x1)) {
        x1 = r.getDouble(1);
        y1 = y;
      } else if (y < y1) {
        x2 = r.getDouble(1);
        break;
      }
    }
    if (Double.isNaN(x1)) {
      return null;
    }
    boolean flat = Math.abs(y1 - 0.5) < SurvivalSummary.MEDIAN_TOLERANCE && x2 != null;
    return flat ? (x1 + x2) / 2 : x1;
  }

  /** {@link SurvivalSummary#restrictedMean}: {rmst, its standard error} of one curve (rows by time). */
  static double[] restrictedMean(List<Row> rows, double h) {
    int m = rows.size();
    double[] area = new double[m];
    double rmst = 0;
    for (int i = 0; i < m; i++) {
      double t = rows.get(i).getDouble(1);
      double segmentEnd = Math.min(i + 1 < m ? rows.get(i + 1).getDouble(1) : h, h);
      double width = Math.max(0.0, segmentEnd - t);
      area[i] = rows.get(i).getDouble(6) * width;
      rmst += area[i];
    }
    double after = 0;
    double var = 0;
    for (int i = m - 1; i >= 0; i--) {
      after += area[i];
      Row r = rows.get(i);
      double d = r.getLong(3);
      double n = r.getLong(2);
      double hh = r.getDouble(1) <= h && d > 0 && n > d ? d / (n * (n - d)) : 0.0;
      var += after * after * hh;
    }
    return new double[] {rmst, StrictMath.sqrt(var)};
  }

  /** {@link SurvivalSummary#survivalAt}: per time, the last curve row at or before it (NULL before the curve starts). */
  public static Row[] survivalAt(List<Row> curveOfGroup, double[] times) {
    Row[] at = new Row[times.length];
    for (Row r : curveOfGroup) {
      for (int i = 0; i < times.length; i++) {
        if (r.getDouble(1) <= times[i]) {
          at[i] = r;
        }
      }
    }
    return at;
  }

  /**
   * {@link CumulativeIncidence#estimate} of every group: Aalen–Johansen F_k with R's
   * infinitesimal-jackknife standard errors, from the cells alone. The closed form of the influence
   * U_i(J) (CumulativeIncidence's class comment) depends on a subject only through its entry time,
   * exit time, event and cause: Σ_i U_i(J)² is a sum over cells, which a running sum along the
   * times of each (group, cause) evaluates at every J. Rows of {@link #CIF_SCHEMA}: every group ×
   * exit time × cause seen among the events of any group, by group, time, cause.
   */
  public static List<Row> cumulativeIncidence(RiskCells cells, double confLevel) {
    List<Row> out = new ArrayList<>();
    cumulativeIncidence(cells, confLevel, out::add);
    return out;
  }

  /** {@link #cumulativeIncidence(RiskCells, double)}'s rows handed to {@code sink} one group at a time, none kept. */
  public static void cumulativeIncidence(RiskCells cells, double confLevel, java.util.function.Consumer<Row> sink) {
    double z = new KmOptions(ConfType.LOG, confLevel).z();
    java.util.Set<String> causeSet = new java.util.HashSet<>();
    for (String g : cells.groups()) {
      for (RiskCells.Cell c : cells.cells(g)) {
        if (c.event() == 1) {
          causeSet.add(java.util.Objects.requireNonNull(c.cause(), "an event's cause"));
        }
      }
    }
    List<String> causes = new ArrayList<>(new TreeSet<>(causeSet));
    for (String g : cells.groups()) {
      incidence(g, cells.cells(g), causes, z, sink);
    }
  }

  /**
   * One cause's running sums over a group's cells: weight (n), x, c and their squares and product
   * over the cells still pending, and αα, αg, gg over those that have left.
   */
  private static final class PendingSums {
    double sn;
    double sx;
    double sc;
    double sxx;
    double scc;
    double sxc;
    double la2;
    double lag;
    double lg2;
  }

  /**
   * One group's rows, by time and then cause (the causes are sorted): each cause's running sums
   * advance time by time exactly as a pass over that cause alone would, so the rows come out in
   * their order without a sort.
   */
  private static void incidence(String group, List<RiskCells.Cell> cells, List<String> causes, double z, java.util.function.Consumer<Row> out) {
    Risk r = risk(cells);
    int m = r.size();
    // The timeline (CumulativeIncidence.timeline): h, S(t−), B before and at t.
    double[] h = new double[m];
    double[] sBefore = new double[m];
    double[] bBefore = new double[m];
    double[] bAt = new double[m];
    boolean zero = false;
    double logS = 0;
    double b = 0;
    for (int i = 0; i < m; i++) {
      double d = r.d()[i];
      double n = r.n()[i];
      h[i] = n > 0 ? d / n : 0.0;
      sBefore[i] = zero ? 0.0 : StrictMath.exp(logS);
      bBefore[i] = b;
      double bStep = n > 0 && h[i] < 1 ? h[i] / (n * (1.0 - h[i])) : 0.0;
      b += bStep;
      bAt[i] = b;
      if (d >= n && d > 0) {
        zero = true;
      }
      logS += d < n && d > 0 ? StrictMath.log1p(d / n * -1) : 0.0;
    }
    // Events per cause and time.
    int k = causes.size();
    Map<String, Integer> causeIndex = new HashMap<>();
    for (int j = 0; j < k; j++) {
      causeIndex.put(causes.get(j), j);
    }
    long[][] dk = new long[k][m];
    int[] causeOf = new int[cells.size()];
    for (int q = 0; q < cells.size(); q++) {
      RiskCells.Cell x = cells.get(q);
      causeOf[q] = x.event() == 1 ? causeIndex.get(x.cause()) : -1;
      if (causeOf[q] >= 0) {
        dk[causeOf[q]][Arrays.binarySearch(r.time(), x.time())] += x.weight();
      }
    }
    // Entry time of each cell as the index of the last timeline row at or before it (F, P, B there).
    int[] entryRow = new int[cells.size()];
    int[] exitRow = new int[cells.size()];
    for (int q = 0; q < cells.size(); q++) {
      RiskCells.Cell x = cells.get(q);
      exitRow[q] = Arrays.binarySearch(r.time(), x.time());
      double e = entryKey(x.entry());
      int lo = 0;
      int hi = m - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (r.time()[mid] <= e) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      entryRow[q] = lo;
    }
    // Cells by the row where they enter the pending sums (after it) and leave them (at it).
    List<List<Integer>> enteringAfter = new ArrayList<>();
    List<List<Integer>> leavingAt = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      enteringAfter.add(new ArrayList<>());
      leavingAt.add(new ArrayList<>());
    }
    for (int q = 0; q < cells.size(); q++) {
      // An entry joins the pending sums after the last curve point at or before it (U = 0 up to its entry).
      enteringAfter.get(entryRow[q]).add(q);
      leavingAt.get(exitRow[q]).add(q);
    }
    double[][] f = new double[k][m];
    double[][] p = new double[k][m];
    for (int j = 0; j < k; j++) {
      double fs = 0;
      double ps = 0;
      for (int i = 0; i < m; i++) {
        double n = r.n()[i];
        double hk = n > 0 ? dk[j][i] / n : 0.0;
        double invN = n > 0 ? 1.0 / n : 0.0;
        fs += sBefore[i] * hk;
        ps += sBefore[i] * hk * (bBefore[i] - invN);
        f[j][i] = fs;
        p[j][i] = ps;
      }
    }
    PendingSums[] sums = new PendingSums[k];
    for (int j = 0; j < k; j++) {
      sums[j] = new PendingSums();
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < k; j++) {
        PendingSums sj = sums[j];
        double[] fj = f[j];
        double[] pj = p[j];
        // Exits at t_i first (their U(i) already has its jump), then the curve point, then entries at t_i.
        for (int q : leavingAt.get(i)) {
          RiskCells.Cell x = cells.get(q);
          int e = entryRow[q];
          double w = x.weight();
          double be = bAt[e];
          double xe = be * -1;
          double ce = be * fj[e] - pj[e];
          double delta = x.event() == 1 ? 1.0 : 0.0;
          double deltaK = causeOf[q] == j ? 1.0 : 0.0;
          double nm = r.n()[i];
          double g = h[i] < 1 ? bAt[i] - delta / (nm * (1.0 - h[i])) - be : 0.0;
          double alpha = pj[i] - pj[e] - be * (fj[i] - fj[e]) + sBefore[i] * deltaK / nm - g * fj[i];
          sj.sn -= w;
          sj.sx -= w * xe;
          sj.sc -= w * ce;
          sj.sxx -= w * xe * xe;
          sj.scc -= w * ce * ce;
          sj.sxc -= w * xe * ce;
          sj.la2 += w * alpha * alpha;
          sj.lag += w * alpha * g;
          sj.lg2 += w * g * g;
        }
        if (r.time()[i] != RiskSets.START) {
          double fi = fj[i];
          double pi = pj[i];
          double v = sj.sn * pi * pi + sj.sxx * fi * fi + sj.scc + 2.0 * pi * fi * sj.sx + 2.0 * pi * sj.sc + 2.0 * fi * sj.sxc
              + sj.la2 + 2.0 * fi * sj.lag + sj.lg2 * fi * fi;
          double se = StrictMath.sqrt(Math.max(v, 0.0));
          Double lower = fi > 0 ? fi * StrictMath.exp(se * -z / fi) : null;
          Double upper = fi > 0 ? Math.min(1.0, fi * StrictMath.exp(se * z / fi)) : null;
          out.accept(RowFactory.create(group, r.time()[i], causes.get(j), r.n()[i], dk[j][i], fi, se, lower, upper));
        }
        for (int q : enteringAfter.get(i)) {
          RiskCells.Cell x = cells.get(q);
          double w = x.weight();
          double be = bAt[i];
          double xe = be * -1;
          double ce = be * fj[i] - pj[i];
          sj.sn += w;
          sj.sx += w * xe;
          sj.sc += w * ce;
          sj.sxx += w * xe * xe;
          sj.scc += w * ce * ce;
          sj.sxc += w * xe * ce;
        }
      }
    }
  }

  /**
   * {@link LogRank#testEach}: one test per stratum ({@code stratumOf} maps a group name to its
   * stratum), groups compared within their stratum at the stratum's event times; strata and groups
   * in name order.
   */
  public static Map<String, LogRankResult> logRank(RiskCells cells, Function<String, String> stratumOf) {
    Map<String, List<String>> strata = new TreeMap<>();
    for (String g : cells.groups()) {
      strata.computeIfAbsent(stratumOf.apply(g), s -> new ArrayList<>()).add(g);
    }
    Map<String, LogRankResult> results = new TreeMap<>();
    for (Map.Entry<String, List<String>> s : strata.entrySet()) {
      results.put(s.getKey(), logRank(cells, s.getValue()));
    }
    return results;
  }

  /** The log-rank test between {@code groups} (in name order). */
  static LogRankResult logRank(RiskCells cells, List<String> groups) {
    int k = groups.size();
    // Per group: entry keys and exit times with cumulative weights, for n at risk at any time.
    double[][] entryTimes = new double[k][];
    long[][] entryCum = new long[k][];
    double[][] exitTimes = new double[k][];
    long[][] exitCum = new long[k][];
    Runs[] runs = new Runs[k];
    long[] sizes = new long[k];
    double[] eventTimes = new double[0];
    int distinctEvents = 0;
    for (int g = 0; g < k; g++) {
      Runs r = runs[g] = Runs.of(cells.cells(groups.get(g)));
      entryTimes[g] = r.entryTime();
      entryCum[g] = cumulative(r.entered(), null);
      exitTimes[g] = r.exitTime();
      exitCum[g] = cumulative(r.events(), r.censored());
      sizes[g] = entryCum[g].length == 0 ? 0 : entryCum[g][entryCum[g].length - 1];
      eventTimes = Arrays.copyOf(eventTimes, distinctEvents + r.exitTime().length);
      for (int i = 0; i < r.exitTime().length; i++) {
        if (r.events()[i] > 0) {
          eventTimes[distinctEvents++] = r.exitTime()[i];
        }
      }
    }
    eventTimes = distinctSorted(eventTimes, distinctEvents);
    double[] observed = new double[k];
    double[] expected = new double[k];
    double[][] variance = new double[k][k];
    double[] ng = new double[k];
    for (double t : eventTimes) {
      double nt = 0;
      double dt = 0;
      for (int g = 0; g < k; g++) {
        ng[g] = before(entryTimes[g], entryCum[g], t) - before(exitTimes[g], exitCum[g], t);
        nt += ng[g];
        dt += runs[g].eventsAt(t);
      }
      if (!(dt > 0)) {
        continue;
      }
      double w = nt > 1 ? dt * (nt - dt) / (nt * nt * (nt - 1)) : 0.0;
      for (int g = 0; g < k; g++) {
        observed[g] += runs[g].eventsAt(t);
        expected[g] += ng[g] * dt / nt;
        for (int h2 = 0; h2 < k; h2++) {
          variance[g][h2] += w * ng[g] * ((g == h2 ? nt : 0.0) - ng[h2]);
        }
      }
    }
    List<LogRankResult.Group> out = new ArrayList<>();
    for (int g = 0; g < k; g++) {
      out.add(new LogRankResult.Group(groups.get(g), sizes[g], observed[g], expected[g]));
    }
    return LogRank.statistic(out, observed, expected, variance);
  }

  /** Running sums of {@code a} (plus {@code b}'s, when given). */
  private static long[] cumulative(long[] a, long[] b) {
    long[] cum = new long[a.length];
    long s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] + (b == null ? 0 : b[i]);
      cum[i] = s;
    }
    return cum;
  }

  /** The first {@code n} values of {@code a}, sorted ({@link Double#compare}), each once. */
  private static double[] distinctSorted(double[] a, int n) {
    double[] sorted = Arrays.copyOf(a, n);
    Arrays.sort(sorted);
    int u = 0;
    for (int i = 0; i < n; i++) {
      if (u == 0 || Double.compare(sorted[i], sorted[u - 1]) != 0) {
        sorted[u++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, u);
  }

  /** The total weight of keys strictly before {@code t}. */
  private static long before(double[] keys, long[] cum, double t) {
    int i = Arrays.binarySearch(keys, t);
    int count = i >= 0 ? i : -i - 1;
    // binarySearch finds any equal key; keys are distinct, so i is the first ≥ t.
    return count == 0 ? 0 : cum[count - 1];
  }
}
