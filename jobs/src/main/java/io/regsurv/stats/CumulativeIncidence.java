package io.regsurv.stats;

import static io.regsurv.stats.RiskSets.N_AT_RISK;
import static io.regsurv.stats.RiskSets.N_EVENTS;
import static io.regsurv.stats.RiskSets.START;
import static io.regsurv.stats.Subjects.CAUSE;
import static io.regsurv.stats.Subjects.ENTRY;
import static io.regsurv.stats.Subjects.EVENT;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Cumulative incidence of each competing cause by the Aalen–Johansen (1978) estimator, equal to the
 * {@code pstate} of R's multi-state {@code survfit} for a single transient state: F_k(t) = Σ_{s ≤ t}
 * S(s−) · d_k(s)/n(s), with S the all-cause Kaplan–Meier curve. Unlike 1 − KM per cause (which
 * treats the other causes as censoring and overstates each one), the F_k add up to 1 − S.
 *
 * <p>Standard errors are R's infinitesimal jackknife: Var F_k(t) = Σ_i U_i(t)², U_i the derivative
 * of F_k(t) with respect to subject i's case weight. With distinct times t_1 < t_2 < …, h_j = d_j/n_j,
 * B_j = Σ_{l≤j} h_l/(n_l(1 − h_l)) and P_j = Σ_{l≤j} S_{l−1} h_kl (B_{l−1} − 1/n_l), a subject at risk
 * on (t_e, t_m] that leaves at t_m (δ an event, δ_k one of cause k) has
 * <pre>
 *   U(J) = 0                                               J ≤ e
 *   U(J) = P_J − P_e − B_e (F_J − F_e)                      e &lt; J &lt; m
 *   U(J) = P_m − P_e − B_e (F_m − F_e) + S_{m−1} δ_k / n_m
 *          + (B_m − δ/(n_m(1 − h_m)) − B_e)(F_J − F_m)       J ≥ m
 * </pre>
 * so Σ_i U_i(J)² expands into running sums over entries and exits: the variance needs one pass over
 * the (group, entry, exit, cause) aggregates, never the subjects themselves. Limits use R's default
 * log transformation, F·exp(±z·se/F), capped at 1.
 *
 * <p>Output columns: {@code group, time, cause, n_at_risk, n_events, cumulative_incidence, std_err,
 * ci_lower, ci_upper}: every group × exit time × cause seen anywhere in the input.
 */
public final class CumulativeIncidence {
  public static final String CUMULATIVE_INCIDENCE = "cumulative_incidence";
  public static final String STD_ERR = "std_err";
  public static final String CI_LOWER = "ci_lower";
  public static final String CI_UPPER = "ci_upper";

  /** Running sums of the variance expansion: pending (entered, not yet left) and left subjects. */
  static final List<String> SUMS = List.of("sn", "sx", "sc", "sxx", "scc", "sxc", "la2", "lag", "lg2");

  // Tie order within a time in the running-sum stream: a subject leaving at t_m counts as left at
  // t_m itself (U(m) already has its jump), a curve point then reads the sums, and a subject entering
  // at t_e joins the pending sums only after it (U(e) = 0, at risk on (t_e, t_m]).
  private static final int ORD_EXIT = 0;
  private static final int ORD_POINT = 1;
  private static final int ORD_ENTRY = 2;

  private CumulativeIncidence() {}

  /** Estimate with R's default 95% limits. */
  public static Dataset<Row> estimate(Dataset<Row> subjects) {
    return estimate(subjects, 0.95);
  }

  /**
   * {@code subjects}: columns as in {@link Subjects}, {@code cause} the exit cause of rows with
   * event 1 (ignored for censored rows).
   */
  public static Dataset<Row> estimate(Dataset<Row> subjects, double confLevel) {
    double z = new KmOptions(ConfType.LOG, confLevel).z();
    // Causes are few by construction (a closed set of exit types), so crossing them with times is cheap.
    Dataset<Row> causes = subjects.filter(col(EVENT).equalTo(1)).select(col(CAUSE)).distinct();
    Dataset<Row> curve = incidence(subjects, timeline(RiskSets.table(subjects, null)), causes)
        // Computed once (one row per group × time × cause, distributed): the variance reads it three
        // times, and without the cut the analyzer works through three copies of its whole plan.
        .localCheckpoint();
    return withStdErr(subjects, causes, curve)
        .filter(col(TIME).notEqual(lit(START)))
        .select(col(GROUP), col(TIME), col(CAUSE), col(N_AT_RISK), col(N_EVENTS), col("f").as(CUMULATIVE_INCIDENCE),
            col(STD_ERR), ciLower(col("f"), col(STD_ERR), z).as(CI_LOWER), ciUpper(col("f"), col(STD_ERR), z).as(CI_UPPER));
  }

  /**
   * Per group and distinct time of a {@link RiskSets#table}: {@code n_at_risk}, h = d/n, the
   * all-cause Kaplan–Meier S(t−) ({@code s_before}), and B = Σ h/(n(1 − h)) before and at t
   * ({@code b_before}, {@code b_at}; the B_j of the class comment).
   */
  static Dataset<Row> timeline(Dataset<Row> risk) {
    WindowSpec byGroup = Window.partitionBy(col(GROUP)).orderBy(col(TIME));
    WindowSpec before = byGroup.rowsBetween(Window.unboundedPreceding(), -1);
    WindowSpec upTo = byGroup.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column d = col(N_EVENTS).cast("double");
    Column n = col(N_AT_RISK).cast("double");
    Column h = when(n.gt(0), d.divide(n)).otherwise(0.0);
    // S(t−) = Π (1 − h) as exp Σ log1p(−h); log(0) is NULL in Spark, so a past h = 1 is a flag instead.
    Column zeroBefore = coalesce(max(when(d.geq(n).and(d.gt(0)), 1).otherwise(0)).over(before), lit(0)).equalTo(1);
    Column logBefore = coalesce(sum(when(d.lt(n).and(d.gt(0)), log1p(d.divide(n).multiply(-1))).otherwise(0.0)).over(before), lit(0.0));
    // A time where everyone at risk leaves (h = 1) sets S to 0 for good; its B term is left out,
    // which only ever multiplies increments that S = 0 makes zero.
    Column bStep = when(n.gt(0).and(h.lt(1)), h.divide(n.multiply(lit(1.0).minus(h)))).otherwise(0.0);
    return risk.select(col(GROUP), col(TIME), col(N_AT_RISK), h.as("h"),
        when(zeroBefore, lit(0.0)).otherwise(exp(logBefore)).as("s_before"),
        coalesce(sum(bStep).over(before), lit(0.0)).as("b_before"),
        sum(bStep).over(upTo).as("b_at"));
  }

  /**
   * The {@link #timeline} × every cause, with the cause's events ({@code n_events} = d_k) and its
   * running sums: the Aalen–Johansen (1978) F_k = Σ S(t−) d_k/n ({@code f}) and P_k = Σ S(t−) (d_k/n)
   * (B_{l−1} − 1/n) ({@code p}), the part of every subject's influence that does not depend on the
   * subject (the infinitesimal jackknife of R's survival package, Therneau's methods notes,
   * "Residuals for survival curves"; closed form in the class comment). The START row carries zeros.
   */
  static Dataset<Row> incidence(Dataset<Row> subjects, Dataset<Row> timeline, Dataset<Row> causes) {
    Dataset<Row> byCause = subjects.filter(col(EVENT).equalTo(1))
        .groupBy(col(GROUP).as("c_group"), col(TIME).as("c_time"), col(CAUSE).as("c_cause"))
        .agg(sum(Subjects.weight(subjects)).as("d_k"));
    Dataset<Row> grid = timeline.crossJoin(causes);
    WindowSpec byCauseUpTo = Window.partitionBy(col(GROUP), col(CAUSE)).orderBy(col(TIME))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column n = col(N_AT_RISK).cast("double");
    Column hk = when(n.gt(0), col(N_EVENTS).cast("double").divide(n)).otherwise(0.0);
    Column invN = when(n.gt(0), lit(1.0).divide(n)).otherwise(0.0);
    return grid.join(byCause,
            grid.col(GROUP).equalTo(byCause.col("c_group"))
                .and(grid.col(TIME).equalTo(byCause.col("c_time")))
                .and(grid.col(CAUSE).equalTo(byCause.col("c_cause"))),
            "left")
        .withColumn(N_EVENTS, coalesce(col("d_k"), lit(0L)))
        .select(col(GROUP), col(TIME), col(CAUSE), col(N_AT_RISK), col(N_EVENTS), col("h"), col("s_before"), col("b_at"),
            sum(col("s_before").multiply(hk)).over(byCauseUpTo).as("f"),
            sum(col("s_before").multiply(hk).multiply(col("b_before").minus(invN))).over(byCauseUpTo).as("p"));
  }

  /**
   * Adds {@code std_err} to every {@link #incidence} row: √ of the {@link #variance} of the
   * {@link #runningSums} of the subjects' {@link #influenceTerms}.
   */
  static Dataset<Row> withStdErr(Dataset<Row> subjects, Dataset<Row> causes, Dataset<Row> curve) {
    Dataset<Row> terms = influenceTerms(subjectKinds(subjects, causes), atEntry(subjects, causes, curve), curve);
    return runningSums(terms, curve).select(col(GROUP), col(TIME), col(CAUSE), col(N_AT_RISK), col(N_EVENTS), col("f"),
        sqrt(greatest(variance(), lit(0.0))).as(STD_ERR));
  }

  /** A subject's entry as a time key: entry ≤ 0 is the START row, as in {@link RiskSets}. */
  private static Column entryKey() {
    return when(col(ENTRY).leq(0), lit(START)).otherwise(col(ENTRY));
  }

  /** The stream the running sums accumulate along: per group and cause, by time, then tie order. */
  private static WindowSpec stream() {
    return Window.partitionBy(col(GROUP), col(CAUSE)).orderBy(col("t"), col("ord"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
  }

  /**
   * F, P and B at each distinct entry time per group and cause ({@code e_group, e_cause, e_time,
   * f_e, p_e, b_e}): those of the last curve time not after it, as a subject entering at t_j is at
   * risk only after t_j (the F_e, P_e, B_e of the class comment). On ties the curve row sorts first.
   */
  static Dataset<Row> atEntry(Dataset<Row> subjects, Dataset<Row> causes, Dataset<Row> curve) {
    WindowSpec stream = stream();
    Dataset<Row> entryTimes = subjects.select(col(GROUP), entryKey().as("t")).distinct().crossJoin(causes);
    return curve.select(col(GROUP), col(CAUSE), col(TIME).as("t"), lit(0).as("ord"), col("f"), col("p"), col("b_at"))
        .unionByName(entryTimes.select(col(GROUP), col(CAUSE), col("t"), lit(1).as("ord"),
            lit(null).cast("double").as("f"), lit(null).cast("double").as("p"), lit(null).cast("double").as("b_at")))
        .select(col(GROUP).as("e_group"), col(CAUSE).as("e_cause"), col("t").as("e_time"), col("ord"),
            last(col("f"), true).over(stream).as("f_e"),
            last(col("p"), true).over(stream).as("p_e"),
            last(col("b_at"), true).over(stream).as("b_e"))
        .filter(col("ord").equalTo(1))
        .drop("ord");
  }

  /**
   * Subjects that share group, entry, exit time, event and cause have the same influence U: one row
   * per such kind with its weight {@code w} ({@code s_group, e_key, m_time, s_event, s_cause, w}),
   * crossed with every cause whose F the kind influences.
   */
  static Dataset<Row> subjectKinds(Dataset<Row> subjects, Dataset<Row> causes) {
    return subjects
        .groupBy(col(GROUP).as("s_group"), entryKey().as("e_key"), col(TIME).as("m_time"), col(EVENT).as("s_event"),
            when(col(EVENT).equalTo(1), col(CAUSE)).as("s_cause"))
        .agg(sum(Subjects.weight(subjects)).cast("double").as("w"))
        .crossJoin(causes);
  }

  /**
   * Each kind's U of the class comment written as U(J) = P_J + x F_J + c while pending (e &lt; J &lt; m)
   * and U(J) = α + g F_J once left (J ≥ m): x = −B_e, c = B_e F_e − P_e,
   * g = B_m − δ/(n_m(1 − h_m)) − B_e and α = P_m − P_e − B_e (F_m − F_e) + S_{m−1} δ_k/n_m − g F_m.
   * Columns {@code group, cause, e_key, m_time, w, x, c, g, alpha}.
   */
  static Dataset<Row> influenceTerms(Dataset<Row> kinds, Dataset<Row> atEntry, Dataset<Row> curve) {
    Dataset<Row> atExit = curve.select(col(GROUP).as("x_group"), col(CAUSE).as("x_cause"), col(TIME).as("x_time"),
        col(N_AT_RISK).cast("double").as("n_m"), col("h").as("h_m"), col("s_before").as("s_m"), col("b_at").as("b_m"),
        col("f").as("f_m"), col("p").as("p_m"));
    Dataset<Row> terms = kinds
        .join(atEntry, kinds.col("s_group").equalTo(atEntry.col("e_group"))
            .and(kinds.col(CAUSE).equalTo(atEntry.col("e_cause"))).and(kinds.col("e_key").equalTo(atEntry.col("e_time"))))
        .join(atExit, col("s_group").equalTo(col("x_group"))
            .and(col(CAUSE).equalTo(col("x_cause"))).and(col("m_time").equalTo(col("x_time"))));
    Column delta = col("s_event").equalTo(1).cast("double");
    Column deltaK = col("s_event").equalTo(1).and(col("s_cause").equalTo(col(CAUSE))).cast("double");
    // After a time with h = 1 the curve no longer moves, so G's factor F_J − F_m is 0: G = 0.
    Column g = when(col("h_m").lt(1), col("b_m").minus(delta.divide(col("n_m").multiply(lit(1.0).minus(col("h_m"))))).minus(col("b_e")))
        .otherwise(0.0);
    Column x = col("b_e").multiply(-1);
    Column c = col("b_e").multiply(col("f_e")).minus(col("p_e"));
    Column alpha = col("p_m").minus(col("p_e")).minus(col("b_e").multiply(col("f_m").minus(col("f_e"))))
        .plus(col("s_m").multiply(deltaK).divide(col("n_m"))).minus(g.multiply(col("f_m")));
    return terms.select(col("s_group").as(GROUP), col(CAUSE), col("e_key"), col("m_time"), col("w"),
        x.as("x"), c.as("c"), g.as("g"), alpha.as("alpha"));
  }

  /**
   * Every curve row ({@code group, time, cause, n_at_risk, n_events, f, p}) with the {@link #SUMS}
   * over the kinds at that time: w, w·x, w·c, w·x², w·c², w·x·c over kinds pending (entered before,
   * not yet left) and w·α², w·α·g, w·g² over kinds left at or before it. Each kind adds to the
   * pending sums after its entry and moves to the left sums at its exit, so one running sum per
   * group and cause replaces a sum over subjects at every time.
   */
  static Dataset<Row> runningSums(Dataset<Row> terms, Dataset<Row> curve) {
    Column w = col("w");
    Dataset<Row> exits = terms.select(col(GROUP), col(CAUSE), col("m_time").as("t"), lit(ORD_EXIT).as("ord"),
        w.multiply(-1).as("sn"), w.multiply(col("x")).multiply(-1).as("sx"), w.multiply(col("c")).multiply(-1).as("sc"),
        w.multiply(col("x")).multiply(col("x")).multiply(-1).as("sxx"), w.multiply(col("c")).multiply(col("c")).multiply(-1).as("scc"),
        w.multiply(col("x")).multiply(col("c")).multiply(-1).as("sxc"),
        w.multiply(col("alpha")).multiply(col("alpha")).as("la2"), w.multiply(col("alpha")).multiply(col("g")).as("lag"),
        w.multiply(col("g")).multiply(col("g")).as("lg2"));
    Dataset<Row> entries = terms.select(col(GROUP), col(CAUSE), col("e_key").as("t"), lit(ORD_ENTRY).as("ord"),
        w.as("sn"), w.multiply(col("x")).as("sx"), w.multiply(col("c")).as("sc"),
        w.multiply(col("x")).multiply(col("x")).as("sxx"), w.multiply(col("c")).multiply(col("c")).as("scc"),
        w.multiply(col("x")).multiply(col("c")).as("sxc"), lit(0.0).as("la2"), lit(0.0).as("lag"), lit(0.0).as("lg2"));
    // Curve rows carry their own fields (v_*) through the stream; entries and exits carry NULLs there.
    List<String> curveFields = List.of(TIME, N_AT_RISK, N_EVENTS, "f", "p");
    List<Column> pointCols = new ArrayList<>(List.of(col(GROUP), col(CAUSE), col(TIME).as("t"), lit(ORD_POINT).as("ord")));
    for (String s : SUMS) {
      pointCols.add(lit(0.0).as(s));
    }
    for (String f : curveFields) {
      pointCols.add(col(f).as("v_" + f));
    }
    Dataset<Row> points = curve.select(pointCols.toArray(Column[]::new));
    List<Column> nulls = new ArrayList<>();
    for (String f : curveFields) {
      nulls.add(lit(null).cast(points.schema().apply("v_" + f).dataType()).as("v_" + f));
    }
    Dataset<Row> all = points
        .unionByName(withNulls(exits, nulls))
        .unionByName(withNulls(entries, nulls));
    WindowSpec stream = stream();
    List<Column> out = new ArrayList<>(List.of(col(GROUP), col(CAUSE), col("ord")));
    for (String f : curveFields) {
      out.add(col("v_" + f).as(f));
    }
    for (String s : SUMS) {
      out.add(sum(col(s)).over(stream).as(s));
    }
    return all.select(out.toArray(Column[]::new)).filter(col("ord").equalTo(ORD_POINT)).drop("ord");
  }

  /**
   * Var F_k(J) = Σ_i U_i(J)² from the {@link #runningSums} row of J: Σ_pending (P + xF + c)² +
   * Σ_left (α + gF)², expanded in the sums (columns {@code f, p} and {@link #SUMS}).
   */
  static Column variance() {
    Column f = col("f");
    Column p = col("p");
    return col("sn").multiply(p).multiply(p)
        .plus(col("sxx").multiply(f).multiply(f)).plus(col("scc"))
        .plus(lit(2.0).multiply(p).multiply(f).multiply(col("sx")))
        .plus(lit(2.0).multiply(p).multiply(col("sc")))
        .plus(lit(2.0).multiply(f).multiply(col("sxc")))
        .plus(col("la2")).plus(lit(2.0).multiply(f).multiply(col("lag"))).plus(col("lg2").multiply(f).multiply(f));
  }

  /** R survfit's default log-transformed lower limit, F·exp(−z·se/F); NULL where F = 0. */
  static Column ciLower(Column f, Column se, double z) {
    return when(f.gt(0), f.multiply(exp(se.multiply(-z).divide(f))));
  }

  /** R survfit's default log-transformed upper limit, F·exp(z·se/F), capped at 1; NULL where F = 0. */
  static Column ciUpper(Column f, Column se, double z) {
    return when(f.gt(0), least(lit(1.0), f.multiply(exp(se.multiply(z).divide(f)))));
  }

  private static Dataset<Row> withNulls(Dataset<Row> df, List<Column> nulls) {
    List<Column> cols = new ArrayList<>(List.of(df.columns()).stream().map(org.apache.spark.sql.functions::col).toList());
    cols.addAll(nulls);
    return df.select(cols.toArray(Column[]::new));
  }
}
