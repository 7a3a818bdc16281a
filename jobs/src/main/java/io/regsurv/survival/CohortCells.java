package io.regsurv.survival;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.regsurv.io.SparkSessions;
import io.regsurv.stats.CoxModel;
import io.regsurv.stats.RiskCells;
import io.regsurv.stats.Subjects;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The risk-set cells of every cohort dimension, counted by the tasks: the firms, projected to
 * their entry, time, event, cause and cohorts, are partitioned by entry and time, so that all firms
 * of a cell meet in one task, and each task turns its firms into weighted subjects of {@link
 * Subjects} (one row per distinct group, entry, time, event and cause, {@code group} = dimension,
 * {@link SurvivalJob#SEP}, cohort) that need no further aggregation. With the default Cox model
 * (its covariates are cohort dimensions) the same pass counts the model's subjects by covariate
 * pattern, entry, time and event, as groups of {@link #COX_GROUP}.
 *
 * <p>Why not Spark's explode and aggregation: that hashes one wide row per firm and dimension (the
 * full registry: 2.25 M firms × 8 dimensions, each row a concatenated group string) into a map of
 * several hundred thousand cells in every task, then again after the shuffle, and those lookups
 * were the largest share of survival's CPU (JFR; docs/benchmark.md). Here a firm's row is read
 * once and its cells are found in a map of primitive keys: dimension and cohort as a small code,
 * whole-day entry and time, event and cause packed into one long. Values that do not pack
 * (fractions of a day, negative, NULL or huge) go to an exact map of their own, so any input gives
 * the same cells as the aggregation.
 *
 * <p>Memory: a task holds at most {@link #MAX_CELLS_PER_FLUSH} cells (about 32 MiB) before it hands
 * them on and starts afresh (the driver merges cells counted twice); what reaches the driver is
 * bounded as {@link RiskCells} says, never by the firms.
 */
final class CohortCells {
  /** {@link SurvivalJob#SEP} as UTF-8. */
  private static final UTF8String SEP = UTF8String.fromString(SurvivalJob.SEP);

  /** Cells a task holds before it emits them and starts a new map (the driver merges a cell emitted twice). */
  static final int MAX_CELLS_PER_FLUSH = 1 << 20;

  /** Weighted subjects, as {@link Subjects} names them. */
  static final StructType SCHEMA = new StructType()
      .add(Subjects.GROUP, DataTypes.StringType, false)
      .add(Subjects.ENTRY, DataTypes.DoubleType, true)
      .add(Subjects.TIME, DataTypes.DoubleType, true)
      .add(Subjects.EVENT, DataTypes.IntegerType, true)
      .add(Subjects.CAUSE, DataTypes.StringType, true)
      .add(Subjects.WEIGHT, DataTypes.LongType, false);

  private CohortCells() {}

  /** The Cox model's subjects, counted in the same pass: its covariates (cohort dimensions), and who its subjects are ({@link SurvivalSubjects#isCoxSubject}). */
  record Cox(List<String> covariates, boolean aiRelatedOnly, boolean delayedEntry) {}

  /** Prefix of the groups that hold the Cox model's collapsed subjects: "cox", SEP, its covariates' values joined by SEP. */
  static final String COX_GROUP = "\u0000cox";

  /** A group emitted when a Cox covariate's value holds SEP (the pass cannot carry it): the model is then fitted on its own. */
  static final String COX_UNUSABLE = "\u0000cox-unusable";

  /**
   * The cells of {@code subjects} (as {@link SurvivalSubjects#fromFirms} makes them) in each of
   * {@code dimensions}, and with {@code cox} (or NULL) the Cox model's subjects collapsed by their
   * values as groups of {@link #COX_GROUP}: weighted subjects, one row per distinct (group, entry,
   * time, event, cause) but for a task's flushes ({@link #collect} merges those).
   */
  static Dataset<Row> of(Dataset<Row> subjects, List<String> dimensions, LocalDate eraBoundary, Cox cox) {
    List<Column> columns = new ArrayList<>(List.of(col("entry_days").cast("double").as("entry"), col("time_days").cast("double").as("time"),
        col("event").cast("int").as("event"), col("cause").cast("string").as("cause")));
    for (String d : dimensions) {
      columns.add(SurvivalSubjects.cohortOf(d, eraBoundary).as("cohort_" + columns.size()));
    }
    int[] coxColumns = null;
    if (cox != null) {
      columns.add(coalesce(SurvivalSubjects.isCoxSubject(cox.aiRelatedOnly(), cox.delayedEntry()), lit(false)).as("cox_subject"));
      coxColumns = new int[cox.covariates().size()];
      for (int k = 0; k < coxColumns.length; k++) {
        // A covariate that is one of the dimensions reads that dimension's cohort.
        String c = cox.covariates().get(k);
        coxColumns[k] = dimensions.contains(c) ? 4 + dimensions.indexOf(c) : columns.size();
        if (!dimensions.contains(c)) {
          columns.add(SurvivalSubjects.cohortOf(c, eraBoundary).as("cox_" + columns.size()));
        }
      }
    }
    Counter counter = new Counter(dimensions.toArray(String[]::new), coxColumns, MAX_CELLS_PER_FLUSH);
    // Partitioned by entry and time, every cell's firms meet in one task: its cells are final, and
    // no aggregation (hashing every task's cells again) is needed before the driver. The tasks read
    // and emit Spark's internal rows: cohorts stay UTF-8 bytes (no Java string per firm and
    // dimension), and each group's name is encoded once.
    Dataset<Row> firms = subjects.select(columns.toArray(Column[]::new))
        .repartition(partitions(subjects.sparkSession()), col("entry"), col("time"));
    JavaRDD<InternalRow> cells = ((org.apache.spark.sql.classic.Dataset<Row>) firms).queryExecution().toRdd().toJavaRDD().mapPartitions(counter);
    return ((org.apache.spark.sql.classic.SparkSession) subjects.sparkSession()).internalCreateDataFrame(cells.rdd(), SCHEMA, false);
  }

  /** Tasks of the counting pass: two per core, so that each task's map holds a share of the cells. */
  private static int partitions(org.apache.spark.sql.SparkSession spark) {
    return 2 * spark.sparkContext().defaultParallelism();
  }

  /** What one collect gives: the cohorts' risk-set cells, and the Cox model's collapsed subjects (NULL: not counted, over the limit, or not carried). */
  record Collected(RiskCells cells, List<CoxModel.CollapsedCell> cox) {}

  /**
   * The cells of {@link #of}, collected: at most {@code maxCells} cohort cells and as many Cox cells
   * (each bounded by groups × distinct entries × distinct times × causes, never by firms), checked
   * while collecting: every task sends at most the limit + 1 rows, serialized, and the driver
   * decodes at most limit + 1. Empty when there are more cohort cells: the caller then runs the
   * distributed engine on {@link #cohortsOnly}.
   */
  static Optional<Collected> collect(Dataset<Row> cells, long maxCells, boolean withCox) {
    long limit = withCox ? 2 * maxCells : maxCells;
    // The limit's collect would scan one partition first, then more in waves: all at once instead.
    List<Row> rows = SparkSessions.withSqlConf(cells.sparkSession(), "spark.sql.limit.initialNumPartitions",
        String.valueOf(partitions(cells.sparkSession())), () -> cells.limit((int) Math.min(Integer.MAX_VALUE - 1L, limit + 1)).collectAsList());
    if (rows.size() > limit) {
      return Optional.empty();
    }
    List<Row> cohorts = new ArrayList<>();
    List<CoxModel.CollapsedCell> cox = new ArrayList<>();
    Map<String, List<String>> values = new HashMap<>();
    boolean carried = withCox;
    for (Row r : rows) {
      String group = r.getString(0);
      if (group.equals(COX_UNUSABLE)) {
        carried = false;
      } else if (group.startsWith(COX_GROUP + SurvivalJob.SEP)) {
        if (r.isNullAt(1) || r.isNullAt(2) || r.isNullAt(3)) {
          carried = false; // CoxModel's own path checks such a subject and names the problem
          continue;
        }
        List<String> v = values.computeIfAbsent(group, g -> List.of(g.substring(COX_GROUP.length() + 1).split(SurvivalJob.SEP, -1)));
        cox.add(new CoxModel.CollapsedCell(r.getDouble(1), r.getDouble(2), r.getInt(3), v, r.getLong(5)));
      } else {
        cohorts.add(r);
      }
    }
    if (cohorts.size() > maxCells) {
      return Optional.empty();
    }
    return Optional.of(new Collected(RiskCells.of(cohorts), carried && cox.size() <= maxCells ? cox : null));
  }

  /** The cohorts' cells of {@link #of}, without the Cox model's. */
  static Dataset<Row> cohortsOnly(Dataset<Row> cells) {
    return cells.filter(not(col(Subjects.GROUP).startsWith(COX_GROUP)));
  }

  /** One task's firms → its cells, emitted whenever {@code maxCells} are held and at the end. */
  static final class Counter implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final String[] dimensions;
    private final int[] coxColumns;
    private final int maxCells;

    /** {@code coxColumns}: where each Cox covariate's value is in a row (NULL when no Cox model is counted); the Cox flag follows the cohorts. */
    Counter(String[] dimensions, int[] coxColumns, int maxCells) {
      this.dimensions = dimensions;
      this.coxColumns = coxColumns;
      this.maxCells = maxCells;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> firms) {
      Cells cells = new Cells(dimensions, coxColumns);
      return new Iterator<>() {
        private Iterator<InternalRow> out = Collections.emptyIterator();
        private boolean done;

        @Override
        public boolean hasNext() {
          while (!out.hasNext()) {
            if (done) {
              return false;
            }
            cells.clear();
            while (cells.size() < maxCells && firms.hasNext()) {
              cells.add(firms.next());
            }
            done = !firms.hasNext();
            out = cells.rows();
          }
          return true;
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return out.next();
        }
      };
    }
  }

  /**
   * Cells counted in an open-addressing map of packed keys (group code 18 bits, entry and time 20
   * bits each, cause code 5 bits, event 1 bit), and in an exact map for the rest.
   */
  static final class Cells {
    private static final int DAY_BITS = 20;
    private static final long DAYS = 1L << DAY_BITS;
    private static final int GROUPS = 1 << 18;
    private static final int CAUSES = 1 << 5;

    private final String[] dimensions;
    private final int[] coxColumns;
    private final List<Map<UTF8String, Integer>> codes = new ArrayList<>();
    private final List<UTF8String> groups = new ArrayList<>();
    private final Map<UTF8String, Integer> causeCodes = new HashMap<>();
    private final List<UTF8String> causes = new ArrayList<>();
    private final List<Map<UTF8String, Integer>> coxCodes = new ArrayList<>();
    private final List<List<String>> coxValues = new ArrayList<>();
    private final Map<Object, Integer> coxPatterns = new HashMap<>();
    private boolean coxUnusable;
    /** Slot i: its key at 2i, its count at 2i + 1 (0: empty), side by side so a probe touches one cache line. */
    private long[] slots = new long[2 << 12];
    private int packed;
    private final Map<Key, long[]> other = new HashMap<>();

    /** An unpacked cell (entry or time not whole days in range, event not 0/1, too many groups or causes). */
    private record Key(int group, Double entry, Double time, Integer event, UTF8String cause) {}

    Cells(String[] dimensions, int[] coxColumns) {
      this.dimensions = dimensions;
      this.coxColumns = coxColumns;
      for (int d = 0; d < dimensions.length; d++) {
        codes.add(new HashMap<>());
      }
      for (int k = 0; coxColumns != null && k < coxColumns.length; k++) {
        coxCodes.add(new HashMap<>());
        coxValues.add(new ArrayList<>());
      }
      causes.add(null);
    }

    int size() {
      return packed + other.size() + (coxUnusable ? 1 : 0);
    }

    void clear() {
      Arrays.fill(slots, 0L);
      packed = 0;
      other.clear();
    }

    /** Row: entry, time, event, cause, one cohort per dimension, then (with a Cox model) whether it is its subject and the values of its covariates that are no dimension. */
    void add(InternalRow firm) {
      Double entry = firm.isNullAt(0) ? null : firm.getDouble(0);
      Double time = firm.isNullAt(1) ? null : firm.getDouble(1);
      Integer event = firm.isNullAt(2) ? null : firm.getInt(2);
      int causeCode = causeCode(firm.isNullAt(3) ? null : firm.getUTF8String(3));
      // The cause's own copy (the row's bytes belong to the reader's buffer); NULL at code 0.
      UTF8String cause = causes.get(causeCode);
      boolean days = day(entry) && day(time) && event != null && (event == 0 || event == 1);
      boolean packable = days && causeCode < CAUSES;
      long base = packable ? key(entry, time, causeCode, event) : 0L;
      int d = 0;
      for (; d < dimensions.length; d++) {
        count(group(d, firm.getUTF8String(4 + d)), packable, base, entry, time, event, cause);
      }
      int flag = 4 + d;
      if (coxColumns != null && !firm.isNullAt(flag) && firm.getBoolean(flag)) {
        int pattern = coxPattern(firm);
        if (pattern >= 0) {
          // The model's subjects need no cause: their cells keep the event alone.
          count(pattern, days, days ? key(entry, time, 0, event) : 0L, entry, time, event, null);
        }
      }
    }

    /** Entry, time, cause code and event packed below the group code. */
    private static long key(double entry, double time, int causeCode, int event) {
      return ((long) entry << 26) | ((long) time << 6) | ((long) causeCode << 1) | event;
    }

    private void count(int group, boolean packable, long base, Double entry, Double time, Integer event, UTF8String cause) {
      if (packable && group < GROUPS) {
        increment(((long) group << 46) | base);
      } else {
        other.computeIfAbsent(new Key(group, zeroed(entry), zeroed(time), event, cause), k -> new long[1])[0]++;
      }
    }

    /** A whole number of days the key can hold. */
    private static boolean day(Double v) {
      return v != null && v >= 0 && v < DAYS && v == Math.rint(v);
    }

    /** -0.0 as 0.0, as Spark's grouping does. */
    private static Double zeroed(Double v) {
      return v != null && v == 0.0 ? Double.valueOf(0.0) : v;
    }

    /** The group's code; the cohort's bytes may belong to the reader's row buffer, so a new key is copied. */
    private int group(int dimension, UTF8String cohort) {
      Integer code = codes.get(dimension).get(cohort);
      if (code == null) {
        code = groups.size();
        groups.add(UTF8String.fromString(dimensions[dimension] + SurvivalJob.SEP + cohort));
        codes.get(dimension).put(cohort.clone(), code);
      }
      return code;
    }

    /** The group of a Cox subject's covariate pattern, or -1 when a value cannot be carried (NULL, or holding SEP). */
    private int coxPattern(InternalRow firm) {
      long small = 0;
      int m = coxColumns.length;
      boolean fits = m <= 4;
      int[] pattern = fits ? null : new int[m];
      for (int k = 0; k < m; k++) {
        UTF8String value = firm.isNullAt(coxColumns[k]) ? null : firm.getUTF8String(coxColumns[k]);
        if (value == null || value.contains(SEP)) {
          coxUnusable = true;
          return -1;
        }
        Map<UTF8String, Integer> byValue = coxCodes.get(k);
        Integer code = byValue.get(value);
        if (code == null) {
          code = byValue.size();
          byValue.put(value.clone(), code);
          coxValues.get(k).add(value.toString());
        }
        if (fits && code < (1 << 16)) {
          small |= (long) code << (16 * k);
        } else {
          if (pattern == null) {
            pattern = new int[m];
            for (int j = 0; j < k; j++) {
              pattern[j] = (int) ((small >>> (16 * j)) & 0xFFFF);
            }
          }
          fits = false;
          pattern[k] = code;
        }
      }
      // The packed codes mixed (a bijection): Long's own hash of them collides in whole bins.
      Object key = fits ? (Object) (small * 0x9E3779B97F4A7C15L) : Arrays.toString(pattern);
      Integer group = coxPatterns.get(key);
      if (group == null) {
        StringBuilder name = new StringBuilder(COX_GROUP);
        for (int k = 0; k < m; k++) {
          int code = fits ? (int) ((small >>> (16 * k)) & 0xFFFF) : pattern[k];
          name.append(SurvivalJob.SEP).append(coxValues.get(k).get(code));
        }
        group = groups.size();
        groups.add(UTF8String.fromString(name.toString()));
        coxPatterns.put(key, group);
      }
      return group;
    }

    private int causeCode(UTF8String cause) {
      if (cause == null) {
        return 0;
      }
      Integer code = causeCodes.get(cause);
      if (code == null) {
        code = causes.size();
        UTF8String copy = cause.clone();
        causes.add(copy);
        causeCodes.put(copy, code);
      }
      return code;
    }

    private void increment(long key) {
      int mask = slots.length / 2 - 1;
      int i = slot(key, mask);
      while (slots[2 * i + 1] != 0) {
        if (slots[2 * i] == key) {
          slots[2 * i + 1]++;
          return;
        }
        i = (i + 1) & mask;
      }
      slots[2 * i] = key;
      slots[2 * i + 1] = 1;
      if (++packed > slots.length / 4) {
        grow();
      }
    }

    private static int slot(long key, int mask) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
      long[] old = slots;
      slots = new long[old.length * 2];
      int mask = slots.length / 2 - 1;
      for (int j = 0; j < old.length; j += 2) {
        if (old[j + 1] != 0) {
          int i = slot(old[j], mask);
          while (slots[2 * i + 1] != 0) {
            i = (i + 1) & mask;
          }
          slots[2 * i] = old[j];
          slots[2 * i + 1] = old[j + 1];
        }
      }
    }

    /** The cells held, as internal rows of {@link #SCHEMA}; valid until the next {@link #add} or {@link #clear}. */
    Iterator<InternalRow> rows() {
      Iterator<Map.Entry<Key, long[]>> rest = other.entrySet().iterator();
      return new Iterator<>() {
        private int i = next(0);

        private int next(int from) {
          int j = from;
          while (j < slots.length / 2 && slots[2 * j + 1] == 0) {
            j++;
          }
          return j;
        }

        private boolean unusableSent = !coxUnusable;

        @Override
        public boolean hasNext() {
          return i < slots.length / 2 || rest.hasNext() || !unusableSent;
        }

        @Override
        public InternalRow next() {
          if (i < slots.length / 2) {
            long k = slots[2 * i];
            long n = slots[2 * i + 1];
            i = next(i + 1);
            return new GenericInternalRow(new Object[] {groups.get((int) (k >>> 46)), (double) ((k >>> 26) & (DAYS - 1)),
                (double) ((k >>> 6) & (DAYS - 1)), (int) (k & 1), causes.get((int) ((k >>> 1) & (CAUSES - 1))), n});
          }
          if (!rest.hasNext()) {
            if (unusableSent) {
              throw new NoSuchElementException();
            }
            unusableSent = true;
            return new GenericInternalRow(new Object[] {UTF8String.fromString(COX_UNUSABLE), null, null, null, null, 1L});
          }
          Map.Entry<Key, long[]> e = rest.next();
          Key k = e.getKey();
          return new GenericInternalRow(new Object[] {groups.get(k.group()), k.entry(), k.time(), k.event(), k.cause(), e.getValue()[0]});
        }
      };
    }
  }
}
