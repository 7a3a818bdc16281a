package io.regsurv.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.regsurv.core.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.storage.StorageLevel;

/**
 * Cox proportional-hazards regression equal to R's {@code survival::coxph} (3.5-3): Newton–Raphson
 * with step halving from β = 0, R's convergence rule, Efron or Breslow ties, delayed entry and
 * strata, with the per-iteration risk-set sums computed by Spark, or on the driver when the
 * collapsed cells are few ({@link #fit(Dataset, CoxSpec, String, long)}, {@link CoxCells}).
 *
 * <p>Few cells (up to maxDriverCells, the default): one Spark aggregation of the subjects by their
 * raw values, collected, and everything else on the driver ({@link CoxCells}). Otherwise, Spark: the covariate checks, the dummy coding, the collapse of
 * subjects with the same (stratum, covariate pattern, entry, time, event) into one weighted cell,
 * and per iteration the risk-set sums S0 = Σ w·e^η, S1 = Σ w·e^η·x, S2 = Σ w·e^η·xxᵀ over
 * {entry < t ≤ time} for each distinct event time t of each stratum, with the same sums over the
 * events tied at t (Efron), swept over descending time on the executors ({@link CoxSweep}, one
 * pass per partition of the cells laid out by stratum and time). The driver: per partition one
 * vector of 1 + p + p(p+1)/2 doubles, whatever the number of subjects, and the p-vectors and p×p
 * matrices of Newton–Raphson.
 */
public final class CoxModel {
  private static final String S = "s";
  private static final String T = "t";
  private static final String W = "w";
  private static final String ENTRY = "entry";
  private static final String TIME = "time";
  private static final String EVENT = "event";

  private CoxModel() {}

  /**
   * Fits the model to an arbitrary table (one row per subject).
   *
   * @param source how the user named the input, for messages
   * @throws BadInputException naming the column or term: no events, a constant or collinear term,
   *     too many levels, a non-numeric value in a numeric column, a missing column
   */
  public static CoxFit fit(Dataset<Row> table, CoxSpec spec, String source) {
    return fit(table, spec, source, RiskCells.DEFAULT_MAX_CELLS);
  }

  /**
   * Most design values (distinct covariate patterns × terms) held on the driver: 8 M doubles, 64 MiB.
   * Cells of one pattern share its row, so a model of categorical covariates stays far below.
   */
  static final long DRIVER_VALUES = 8_000_000L;

  /**
   * As {@link #fit(Dataset, CoxSpec, String)}; up to {@code maxDriverCells} groups of subjects alike
   * in every raw value (and {@link #DRIVER_VALUES} distinct design values) are collected and fitted
   * on the driver ({@link CoxCells}: the same sweep, no Spark job per Newton–Raphson step), more are
   * swept by Spark every step.
   * 0: always Spark.
   */
  public static CoxFit fit(Dataset<Row> table, CoxSpec spec, String source, long maxDriverCells) {
    String prefix = "Cannot fit a Cox model to " + source + ": ";
    List<String> present = Arrays.asList(table.columns());
    List<String> needed = new ArrayList<>(spec.covariates());
    if (spec.strata() != null) {
      needed.add(spec.strata());
    }
    for (String name : needed) {
      if (!present.contains(name)) {
        throw new BadInputException(prefix + "column '" + name + "' not found (columns: " + String.join(", ", present) + ")");
      }
    }
    for (String name : spec.references().keySet()) {
      if (!spec.covariates().contains(name)) {
        throw new BadInputException(prefix + "--reference names '" + name + "', which is not a covariate (covariates: "
            + String.join(", ", spec.covariates()) + ")");
      }
    }
    boolean timeColumns = present.contains(spec.time()) && present.contains(spec.event()) && (spec.entry() == null || present.contains(spec.entry()));
    if (maxDriverCells > 0 && timeColumns) {
      java.util.Optional<CoxFit> onDriver = fitOnDriver(table, spec, prefix, maxDriverCells);
      if (onDriver.isPresent()) {
        return onDriver.get();
      }
    }
    // The Spark path reads the subjects several times (checks, levels, the collapse into cells): once from the source.
    boolean persisted = table.storageLevel().equals(StorageLevel.NONE());
    Dataset<Row> subjects = persisted ? table.persist(StorageLevel.MEMORY_AND_DISK()) : table;
    try {
      return fitOnSpark(subjects, spec, source, prefix);
    } finally {
      if (persisted) {
        subjects.unpersist();
      }
    }
  }

  /** Subjects alike in entry, exit time, event and every covariate's value (text), {@code weight} of them. */
  public record CollapsedCell(double entry, double time, int event, List<String> values, long weight) {}

  /**
   * The model fitted on the driver from subjects a caller has already collapsed by their values, as
   * {@link #fit(Dataset, CoxSpec, String, long)} collapses them before its driver fit (survival
   * counts them in the pass that counts its risk-set cells): every covariate categorical, its
   * levels its values' texts, none missing, no strata. The same fit as that path's for such
   * covariates. Empty when it must run instead: a time, entry or event it would check, or a model it
   * rejects (a constant covariate, too many levels, no events), which it names.
   */
  public static java.util.Optional<CoxFit> fitCollapsed(List<CollapsedCell> cells, CoxSpec spec, String source) {
    if (spec.strata() != null || cells.isEmpty()) {
      return java.util.Optional.empty();
    }
    CoxCells.Collapsed collapsed = new CoxCells.Collapsed();
    for (CollapsedCell c : cells) {
      if (!validDuration(c.entry()) || !validDuration(c.time()) || (spec.entry() != null && c.entry() >= c.time())
          || (c.event() != 0 && c.event() != 1)) {
        return java.util.Optional.empty();
      }
      collapsed.add("", c.entry(), c.time(), c.event(), c.values(), c.weight());
    }
    // The values, once per distinct pattern rather than per cell.
    for (List<String> values : collapsed.patterns()) {
      if (values.size() != spec.covariates().size() || values.stream().anyMatch(java.util.Objects::isNull)) {
        return java.util.Optional.empty();
      }
    }
    return CoxCells.fit(collapsed, new boolean[spec.covariates().size()], spec, "Cannot fit a Cox model to " + source + ": ", DRIVER_VALUES);
  }

  /** The model with Spark's passes: the checks that name every problem, the cells, and a Spark job per Newton–Raphson step. */
  private static CoxFit fitOnSpark(Dataset<Row> table, CoxSpec spec, String source, String prefix) {
    // Time, entry and event: the same checks and messages as km.
    Subjects.from(table, new SubjectSpec(spec.time(), spec.event(), spec.entry(), null, null, null, false, null), source);

    List<CoxCovariate> covariates = classify(table, spec, prefix);
    List<String> terms = covariates.stream().flatMap(c -> c.terms().stream()).toList();
    int p = terms.size();

    // Rows with a missing covariate or stratum are dropped, as R's default na.action (na.omit).
    Column complete = lit(true);
    List<Column> design = new ArrayList<>();
    for (CoxCovariate c : covariates) {
      complete = complete.and(org.apache.spark.sql.functions.not(missing(column(c.column()))));
      Column v = column(c.column());
      if (c.categorical()) {
        Column text = v.cast("string");
        for (String level : c.levels()) {
          if (!level.equals(c.reference())) {
            design.add(when(text.equalTo(lit(level)), 1.0).otherwise(0.0));
          }
        }
      } else {
        design.add(number(v));
      }
    }
    Column stratum = lit("");
    if (spec.strata() != null) {
      complete = complete.and(org.apache.spark.sql.functions.not(missing(column(spec.strata()))));
      stratum = column(spec.strata()).cast("string");
    }
    List<Column> cellKey = new ArrayList<>();
    cellKey.add(stratum.as(S));
    cellKey.add((spec.entry() == null ? lit(0.0) : number(column(spec.entry()))).as(ENTRY));
    cellKey.add(number(column(spec.time())).as(TIME));
    cellKey.add(when(number(column(spec.event())).equalTo(1.0), 1).otherwise(0).as(EVENT));
    for (int j = 0; j < p; j++) {
      cellKey.add(design.get(j).as(x(j)));
    }
    // The collapse: the cost of every iteration follows the distinct cells, not the subjects.
    Dataset<Row> cells = table.where(complete).groupBy(cellKey.toArray(Column[]::new))
        .agg(count(lit(1)).cast("double").as(W)).cache();
    try {
      List<Column> moments = new ArrayList<>(List.of(sum(W), sum(col(W).multiply(col(EVENT)))));
      for (int j = 0; j < p; j++) {
        moments.add(sum(col(W).multiply(col(x(j)))));
        moments.add(min(x(j)));
        moments.add(max(x(j)));
      }
      Row m = cells.agg(moments.get(0), moments.subList(1, moments.size()).toArray(Column[]::new)).head();
      if (m.isNullAt(0)) {
        throw new BadInputException(prefix + "no rows with every covariate present");
      }
      double n = m.getDouble(0);
      double events = m.getDouble(1);
      if (events == 0) {
        throw new BadInputException(prefix + "no events (event column '" + spec.event() + "' is never 1 among the "
            + (long) n + " subjects with every covariate present)");
      }
      double[] mean = new double[p];
      for (int j = 0; j < p; j++) {
        mean[j] = m.getDouble(2 + 3 * j) / n;
        if (m.getDouble(3 + 3 * j) == m.getDouble(4 + 3 * j)) {
          throw new BadInputException(prefix + "covariate term '" + terms.get(j) + "' is constant (every subject has "
              + m.getDouble(3 + 3 * j) + "); remove it");
        }
      }
      CoxFit fit;
      try (SparkIteration iteration = new SparkIteration(cells, p, mean, CoxCovariate.indicators(covariates), spec.entry() != null, spec.ties())) {
        fit = CoxNewtonRaphson.fit(iteration, terms, (long) n, (long) events, spec.confLevel(), prefix);
      }
      Column eta = lit(0.0);
      for (int j = 0; j < p; j++) {
        eta = eta.plus(col(x(j)).minus(lit(mean[j])).multiply(lit(fit.terms().get(j).coef())));
      }
      return fit.withConcordance(CoxConcordance.of(cells, eta, spec.entry() != null));
    } finally {
      cells.unpersist();
    }
  }

  /**
   * The model fitted on the driver from one aggregation: the subjects grouped by their raw values
   * (stratum, entry, time, event and each covariate as text, or as the number Spark reads in it),
   * at most {@code maxCells} groups collected, then {@link CoxCells#fit(Map, boolean[], CoxSpec,
   * String, long)}: the same terms, design and sums as the Spark path below, which takes over when
   * there are more groups, more than {@link #DRIVER_VALUES} distinct design values, or a model to
   * reject (it names the problem). What reaches the driver is bounded by maxCells, never by subjects.
   */
  private static java.util.Optional<CoxFit> fitOnDriver(Dataset<Row> table, CoxSpec spec, String prefix, long maxCells) {
    int m = spec.covariates().size();
    List<Column> key = new ArrayList<>();
    key.add(spec.strata() == null ? lit("")
        : when(missing(column(spec.strata())), lit(null).cast("string")).otherwise(column(spec.strata()).cast("string")));
    key.add(spec.entry() == null ? lit(0.0) : number(column(spec.entry())));
    key.add(number(column(spec.time())));
    key.add(number(column(spec.event())));
    // Per covariate: 0 categorical (its text), 1 numeric (its number), 2 text that may hold numbers (both).
    int[] kind = new int[m];
    for (int k = 0; k < m; k++) {
      String c = spec.covariates().get(k);
      DataType type = typeOf(table, c);
      Column v = column(c);
      kind[k] = spec.categorical().contains(c) ? 0 : type instanceof NumericType ? 1 : type instanceof StringType ? 2 : 0;
      Column present = org.apache.spark.sql.functions.not(missing(v));
      key.add(when(present, kind[k] == 1 ? number(v) : v.cast("string")));
      if (kind[k] == 2) {
        key.add(when(present, number(v)));
      }
    }
    List<Row> rows = table.groupBy(key.toArray(Column[]::new)).agg(count(lit(1)))
        .limit((int) Math.min(Integer.MAX_VALUE - 1L, maxCells + 1)).collectAsList();
    if (rows.size() > maxCells) {
      return java.util.Optional.empty();
    }
    boolean[] numbers = new boolean[m];
    boolean[] words = new boolean[m];
    java.util.Map<String, String> interned = new java.util.HashMap<>();
    java.util.Map<CoxCells.Key, double[]> weights = new java.util.HashMap<>();
    for (Row r : rows) {
      // Every distinct (entry, time, event) is in some group: a value Subjects.from would reject sends
      // the model to the Spark path, which runs those checks and names it.
      if (r.isNullAt(1) || r.isNullAt(2) || r.isNullAt(3)) {
        return java.util.Optional.empty();
      }
      double entry = r.getDouble(1);
      double time = r.getDouble(2);
      double event = r.getDouble(3);
      if (!validDuration(entry) || !validDuration(time) || (spec.entry() != null && entry >= time) || (event != 0.0 && event != 1.0)) {
        return java.util.Optional.empty();
      }
      String[] values = new String[m];
      int f = 4;
      for (int k = 0; k < m; k++) {
        String value = null;
        if (!r.isNullAt(f)) {
          if (kind[k] == 1) {
            value = CoxCells.number(r.getDouble(f));
          } else if (kind[k] == 2 && !r.isNullAt(f + 1)) {
            numbers[k] = true;
            value = CoxCells.number(r.getDouble(f + 1));
          } else {
            words[k] |= kind[k] == 2;
            value = r.getString(f);
          }
        }
        values[k] = value == null ? null : interned.computeIfAbsent(value, x -> x);
        f += kind[k] == 2 ? 2 : 1;
      }
      String stratum = r.isNullAt(0) ? null : interned.computeIfAbsent(r.getString(0), x -> x);
      weights.computeIfAbsent(new CoxCells.Key(stratum, entry, time, event == 1.0 ? 1 : 0, Arrays.asList(values)),
          x -> new double[1])[0] += r.getLong(f);
    }
    boolean[] numeric = new boolean[m];
    for (int k = 0; k < m; k++) {
      if (numbers[k] && words[k]) {
        return java.util.Optional.empty(); // the Spark path names the non-numeric value
      }
      numeric[k] = kind[k] == 1 || numbers[k];
    }
    return weights.isEmpty() ? java.util.Optional.empty() : CoxCells.fit(weights, numeric, spec, prefix, DRIVER_VALUES);
  }

  /** A time or entry {@link Subjects#from} accepts: a number, not NaN, not +∞, not negative. */
  private static boolean validDuration(double v) {
    return !Double.isNaN(v) && v != Double.POSITIVE_INFINITY && !(v < 0);
  }

  /** A value as the Spark path reads a number: its text, trimmed, as a double (NULL when not a number). */
  private static Column number(Column c) {
    return parsed(trim(c.cast("string")));
  }

  /**
   * Spark's cast of a text to double (NULL when it is no number), attempted only on text that can
   * start a number as Java's parser or Spark's special literals (inf, nan) read it: a word's failed
   * parse costs an exception, most of the time of a pass over text covariates.
   */
  static Column parsed(Column text) {
    return when(text.rlike("^[\\x00-\\x20]*[+-]?[0-9.iInN]"), text.try_cast("double"));
  }

  /** Which covariates are numeric, and the sorted levels of the categorical ones (one pass over the text covariates, one bounded distinct for every categorical). */
  static List<CoxCovariate> classify(Dataset<Row> table, CoxSpec spec, String prefix) {
    List<String> text = new ArrayList<>();
    for (String c : spec.covariates()) {
      if (typeOf(table, c) instanceof StringType && !spec.categorical().contains(c)) {
        text.add(c);
      }
    }
    Row checks = null;
    if (!text.isEmpty()) {
      List<Column> aggs = new ArrayList<>();
      for (String c : text) {
        Column v = trim(column(c));
        Column present = org.apache.spark.sql.functions.not(missing(column(c)));
        Column parsed = parsed(v);
        aggs.add(sum(when(present.and(parsed.isNull()), 1L).otherwise(0L)));
        aggs.add(first(when(present.and(parsed.isNull()), column(c)), true));
        aggs.add(sum(when(present.and(parsed.isNotNull()), 1L).otherwise(0L)));
      }
      checks = table.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    }
    // Which covariates are categorical, before any is judged: their levels then come from one query.
    List<String> categoricalColumns = new ArrayList<>();
    java.util.Map<String, String> kindErrors = new java.util.HashMap<>();
    for (String c : spec.covariates()) {
      DataType type = typeOf(table, c);
      boolean categorical;
      if (spec.categorical().contains(c)) {
        categorical = true;
      } else if (type instanceof NumericType) {
        categorical = false;
      } else if (type instanceof StringType) {
        int i = text.indexOf(c);
        long bad = checks.isNullAt(3 * i) ? 0 : checks.getLong(3 * i);
        long good = checks.isNullAt(3 * i + 2) ? 0 : checks.getLong(3 * i + 2);
        if (bad > 0 && good > 0) {
          kindErrors.put(c, prefix + "numeric covariate '" + c + "' has " + bad + " non-numeric value(s), e.g. '"
              + checks.get(3 * i + 1) + "' (use --categorical " + c + " to treat it as categorical)");
        }
        categorical = good == 0;
      } else {
        categorical = true; // boolean, date …: levels of their text form, as R's factor()
      }
      if (categorical && !categoricalColumns.contains(c)) {
        categoricalColumns.add(c);
      }
    }
    java.util.Map<String, List<String>> levelsOf = levels(table, categoricalColumns, spec.maxLevels());
    List<CoxCovariate> result = new ArrayList<>();
    for (String c : spec.covariates()) {
      if (kindErrors.containsKey(c)) {
        throw new BadInputException(kindErrors.get(c));
      }
      DataType type = typeOf(table, c);
      if (!categoricalColumns.contains(c)) {
        if (spec.references().containsKey(c)) {
          throw new BadInputException(prefix + "--reference " + c + "=" + spec.references().get(c) + ": '" + c
              + "' is numeric, not categorical (use --categorical " + c + ")");
        }
        result.add(new CoxCovariate(c, false, List.of(), null));
        continue;
      }
      List<String> levels = new ArrayList<>(levelsOf.getOrDefault(c, List.of()));
      if (levels.size() > spec.maxLevels()) {
        throw new BadInputException(prefix + "categorical covariate '" + c + "' has more than " + spec.maxLevels()
            + " levels (raise --max-levels, or leave it out)");
      }
      levels.sort(null);
      if (levels.size() < 2) {
        throw new BadInputException(prefix + "categorical covariate '" + c + "' is constant ("
            + (levels.isEmpty() ? "no values" : "every subject has '" + levels.get(0) + "'") + "); remove it");
      }
      String reference = spec.references().getOrDefault(c, levels.get(0));
      if (!levels.contains(reference)) {
        throw new BadInputException(prefix + "--reference " + c + "=" + reference + ": no such level (levels: "
            + String.join(", ", levels.subList(0, Math.min(levels.size(), 20))) + (levels.size() > 20 ? ", …" : "") + ")");
      }
      if (type instanceof BooleanType) {
        // Spark's text of a boolean; R names the term colTRUE, regsurv coltrue.
        levels = List.copyOf(levels);
      }
      result.add(new CoxCovariate(c, true, List.copyOf(levels), reference));
    }
    return result;
  }

  /**
   * The distinct non-missing values (as text) of each of {@code columns}, from one query: at most
   * {@code maxLevels} + 1 per column reach the driver, enough to tell "too many".
   */
  private static java.util.Map<String, List<String>> levels(Dataset<Row> table, List<String> columns, int maxLevels) {
    java.util.Map<String, List<String>> levels = new java.util.LinkedHashMap<>();
    if (columns.isEmpty()) {
      return levels;
    }
    List<Column> pairs = new ArrayList<>();
    for (int k = 0; k < columns.size(); k++) {
      Column v = column(columns.get(k));
      pairs.add(when(org.apache.spark.sql.functions.not(missing(v)), org.apache.spark.sql.functions.struct(lit(k).as("k"), v.cast("string").as("level"))));
    }
    Column firstLevels = org.apache.spark.sql.functions.row_number().over(
        org.apache.spark.sql.expressions.Window.partitionBy(col("k")).orderBy(col("level")));
    for (Row r : table.select(org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.array(pairs.toArray(Column[]::new))).as("p"))
        .where(col("p").isNotNull()).select(col("p.k").as("k"), col("p.level").as("level")).distinct()
        .withColumn("n", firstLevels).where(col("n").leq(maxLevels + 1))
        .collectAsList()) {
      levels.computeIfAbsent(columns.get(r.getInt(0)), x -> new ArrayList<>()).add(r.getString(1));
    }
    return levels;
  }

  private static DataType typeOf(Dataset<Row> table, String column) {
    return table.schema().apply(column).dataType();
  }

  /** R's NA: NULL, empty text or the text NA. */
  private static Column missing(Column c) {
    Column t = trim(c.cast("string"));
    return c.isNull().or(t.equalTo("")).or(t.equalTo("NA"));
  }

  /** A column by its exact name (dots and spaces are part of the name, not a path). */
  private static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  static String x(int j) {
    return "x" + j;
  }

  /**
   * The Spark side of one Newton–Raphson step: the risk-set sums at a given β, swept on the
   * executors. The cells (and, with delayed entry, their entry points) are laid out once by
   * stratum and descending time and cached; each step is then one pass of {@link CoxSweep} per
   * partition, which returns only its p-vector and p×p matrix (no per-time rows, no per-cell rows)
   * to the driver. An earlier version summed S0, S1 and S2 per time with Spark SQL aggregates and
   * a window: with p terms that is 2 + 3p + p(p+1) aggregate columns, beyond whole-stage codegen
   * for p ≳ 15 and slow at p = 43 (the survival stage's default model: over 12 minutes for 20,000
   * rows on the shared 2-core machine, against seconds for this sweep).
   */
  static final class SparkIteration implements CoxNewtonRaphson.Iteration, AutoCloseable {
    private final Dataset<Row> points;
    private final int p;
    private final double[] mean;
    private final boolean[] indicator;
    private final CoxSpec.Ties ties;

    SparkIteration(Dataset<Row> cells, int p, double[] mean, boolean[] indicator, boolean delayedEntry, CoxSpec.Ties ties) {
      this.p = p;
      this.mean = mean;
      this.indicator = indicator;
      this.ties = ties;
      List<Column> exits = new ArrayList<>(List.of(col(S), col(TIME).as(T), lit(0).as("entry_point"), col(EVENT), col(W)));
      List<Column> entries = new ArrayList<>(List.of(col(S), col(ENTRY).as(T), lit(1).as("entry_point"), lit(0).as(EVENT), col(W)));
      for (int j = 0; j < p; j++) {
        exits.add(col(x(j)));
        entries.add(col(x(j)));
      }
      Dataset<Row> all = cells.select(exits.toArray(Column[]::new));
      if (delayedEntry) {
        // A subject enters the risk set after its entry: subtracting it at point = entry removes it
        // from every risk set at t ≤ entry, so the running sum at t is Σ_{time ≥ t} − Σ_{entry ≥ t}.
        all = all.unionByName(cells.select(entries.toArray(Column[]::new)));
      }
      // One stratum's points in one partition, by descending time: the sweep's order. Cached, so
      // each step reads them in that order without a shuffle (the cache keeps the sort).
      points = all.repartition(col(S)).sortWithinPartitions(col(S), col(T).desc()).persist(StorageLevel.MEMORY_AND_DISK());
    }

    @Override
    public CoxNewtonRaphson.Evaluation evaluate(double[] beta) {
      int p = this.p;
      double[] mean = this.mean;
      boolean[] indicator = this.indicator;
      boolean efron = ties == CoxSpec.Ties.EFRON;
      List<double[]> parts = points.javaRDD()
          .mapPartitions((FlatMapFunction<java.util.Iterator<Row>, double[]>) rows -> List.of(CoxSweep.sweep(rows, p, mean, indicator, beta, efron)).iterator())
          .collect();
      return CoxNewtonRaphson.evaluation(parts, p);
    }

    @Override
    public void close() {
      points.unpersist();
    }
  }

  /** The fit's model statistics as name → value, in the order they are printed. */
  public static Map<String, Object> modelLines(CoxFit fit) {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("n", fit.n());
    m.put("n_events", fit.nEvents());
    m.put("loglik_null", fit.loglikNull());
    m.put("loglik", fit.loglik());
    m.put("lr_chisq", fit.lrChisq());
    m.put("lr_df", fit.df());
    m.put("lr_p_value", fit.lrP());
    m.put("wald_chisq", fit.waldChisq());
    m.put("wald_p_value", fit.waldP());
    m.put("score_chisq", fit.scoreChisq());
    m.put("score_p_value", fit.scoreP());
    m.put("concordance", fit.concordance());
    m.put("iterations", fit.iterations());
    m.put("converged", fit.converged());
    return m;
  }
}
