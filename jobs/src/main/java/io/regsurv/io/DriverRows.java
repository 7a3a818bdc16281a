package io.regsurv.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows made on the driver (gold curves computed from collected risk-set cells, km's output) as a
 * DataFrame. A few thousand rows go in as Spark's local relation. More go in as columns: Catalyst
 * walks a local relation's rows in every analyser and optimiser rule that maps the plan's
 * expressions (measured: 360,000 rows of gold.cumulative_incidence took 2.3 s of planning to reach
 * a no-op write, before any task ran), so larger lists are sent as one primitive array per column
 * (text dictionary-encoded, {@link Columns}), and the rows are rebuilt by the tasks from a range of
 * row numbers, as Spark's internal rows (the one use of its internal API here:
 * {@code internalCreateDataFrame}). The columns go to the tasks as a broadcast, not in the task
 * closure: the closure is deserialized by every task (a full-scale gold.cumulative_incidence, 1.2 M rows, was two copies
 * of about 100 MB and the young collections that promoted them), while a broadcast is read once
 * per executor, and with a local master the tasks read the driver's own object. A caller with
 * many rows fills {@link Columns} row by row instead of holding a list of boxed rows. The
 * rows, their order and their split into {@code defaultParallelism} contiguous slices (hence the
 * files a write makes) are those of {@code createDataFrame(rows, schema)}.
 */
public final class DriverRows {
  /** Up to this many rows, the local relation: planning it costs less than shipping columns. */
  static final int LOCAL_RELATION_ROWS = 5_000;

  private DriverRows() {}

  /**
   * {@code rows} (values in the schema's order and Java types, as for createDataFrame) as a
   * DataFrame of {@code schema}, handed to {@code writer}; what the frame holds is released when
   * the writer returns.
   */
  public static <T> T write(SparkSession spark, List<Row> rows, StructType schema, Function<Dataset<Row>, T> writer) {
    if (rows.size() <= LOCAL_RELATION_ROWS) {
      return writer.apply(spark.createDataFrame(rows, schema));
    }
    Columns columns = new Columns(schema);
    for (Row r : rows) {
      columns.add(r);
    }
    return write(spark, columns, writer);
  }

  /**
   * Rows added one at a time ({@link Columns#add(Object...)}) as a DataFrame of the columns'
   * schema, handed to {@code writer}: for lists too long to hold as Row objects (a full-scale
   * gold.cumulative_incidence is 1.2 M rows, about 300 MB as boxed rows, a tenth of that as columns).
   */
  public static <T> T write(SparkSession spark, Columns rows, Function<Dataset<Row>, T> writer) {
    if (rows.size() <= LOCAL_RELATION_ROWS) {
      List<Row> list = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        list.add(rows.row(i));
      }
      return writer.apply(spark.createDataFrame(list, rows.schema));
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Columns> columns = context.broadcast(rows.trimmed());
    try {
      // As a local relation's scan: defaultParallelism contiguous slices (more rows than that,
      // always, here), slice i holding rows [i·n/p, (i+1)·n/p). The tasks hand Spark its internal
      // rows (text already UTF-8 from the dictionary, numbers unboxed): through Row objects and
      // their encoder, a full-scale gold write spent a quarter of its executor time converting.
      int slices = spark.sparkContext().defaultParallelism();
      long n = rows.size();
      List<Integer> sliceIds = java.util.stream.IntStream.range(0, slices).boxed().toList();
      org.apache.spark.api.java.JavaRDD<InternalRow> internal = context.parallelize(sliceIds, slices).mapPartitions(ids -> {
        int slice = ids.next();
        return columns.value().internalRows((int) (slice * n / slices), (int) ((slice + 1) * n / slices));
      });
      return writer.apply(((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(internal.rdd(), rows.schema, false));
    } finally {
      columns.destroy();
    }
  }

  /**
   * Rows kept as one array per column: doubles, longs, ints and booleans unboxed (with a NULL
   * mask), text as codes into a dictionary (dimension, cohort, cause, CI type: a handful of
   * distinct values over many rows), anything else as objects.
   */
  public static final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int DOUBLE = 0;
    private static final int LONG = 1;
    private static final int INT = 2;
    private static final int BOOLEAN = 3;
    private static final int TEXT = 4;
    private static final int OBJECT = 5;

    private final StructType schema;
    private final int[] kinds;
    private final Object[] values;
    private final boolean[][] nulls;
    private final transient List<Map<String, Integer>> codes;
    private final List<List<String>> dictionaries;
    private int size;

    public Columns(StructType schema) {
      int capacity = 1024;
      this.schema = schema;
      int width = schema.size();
      kinds = new int[width];
      values = new Object[width];
      nulls = new boolean[width][capacity];
      codes = new ArrayList<>(width);
      dictionaries = new ArrayList<>(width);
      for (int j = 0; j < width; j++) {
        DataType type = schema.fields()[j].dataType();
        kinds[j] = type.equals(DataTypes.DoubleType) ? DOUBLE
            : type.equals(DataTypes.LongType) ? LONG
            : type.equals(DataTypes.IntegerType) ? INT
            : type.equals(DataTypes.BooleanType) ? BOOLEAN
            : type.equals(DataTypes.StringType) ? TEXT
            : OBJECT;
        values[j] = switch (kinds[j]) {
          case DOUBLE -> new double[capacity];
          case LONG -> new long[capacity];
          case INT, TEXT -> new int[capacity];
          case BOOLEAN -> new boolean[capacity];
          default -> new Object[capacity];
        };
        codes.add(kinds[j] == TEXT ? new HashMap<>() : null);
        dictionaries.add(kinds[j] == TEXT ? new ArrayList<>() : null);
      }
    }

    public int size() {
      return size;
    }

    /** Appends a row: values in the schema's order and Java types, as for createDataFrame. */
    public void add(Object... row) {
      if (row.length != kinds.length) {
        throw new IllegalArgumentException("a row of " + row.length + " values for " + kinds.length + " columns");
      }
      if (size == nulls[0].length) {
        grow(Math.max(16, size * 2));
      }
      int i = size++;
      for (int j = 0; j < kinds.length; j++) {
        Object v = row[j];
        nulls[j][i] = v == null;
        if (v == null) {
          continue;
        }
        Object column = values[j];
        switch (kinds[j]) {
          case DOUBLE -> ((double[]) column)[i] = (Double) v;
          case LONG -> ((long[]) column)[i] = (Long) v;
          case INT -> ((int[]) column)[i] = (Integer) v;
          case BOOLEAN -> ((boolean[]) column)[i] = (Boolean) v;
          case TEXT -> {
            List<String> dictionary = dictionaries.get(j);
            ((int[]) column)[i] = codes.get(j).computeIfAbsent((String) v, t -> {
              dictionary.add(t);
              return dictionary.size() - 1;
            });
          }
          default -> ((Object[]) column)[i] = v;
        }
      }
    }

    void add(Row row) {
      Object[] v = new Object[row.length()];
      for (int j = 0; j < v.length; j++) {
        v[j] = row.get(j);
      }
      add(v);
    }

    private void grow(int capacity) {
      for (int j = 0; j < kinds.length; j++) {
        nulls[j] = Arrays.copyOf(nulls[j], capacity);
        Object column = values[j];
        values[j] = switch (kinds[j]) {
          case DOUBLE -> Arrays.copyOf((double[]) column, capacity);
          case LONG -> Arrays.copyOf((long[]) column, capacity);
          case INT, TEXT -> Arrays.copyOf((int[]) column, capacity);
          case BOOLEAN -> Arrays.copyOf((boolean[]) column, capacity);
          default -> Arrays.copyOf((Object[]) column, capacity);
        };
      }
    }

    /** These rows in arrays of their exact length (what a broadcast sends). */
    Columns trimmed() {
      grow(size);
      return this;
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} as Spark's internal rows: one mutable row,
     * refilled for each (Spark projects every row it is handed before the next).
     */
    @SuppressWarnings("unchecked") // a generic array of Scala functions
    Iterator<InternalRow> internalRows(int from, int to) {
      UTF8String[][] text = new UTF8String[kinds.length][];
      scala.Function1<Object, Object>[] converters = new scala.Function1[kinds.length];
      for (int j = 0; j < kinds.length; j++) {
        if (kinds[j] == TEXT) {
          text[j] = dictionaries.get(j).stream().map(UTF8String::fromString).toArray(UTF8String[]::new);
        } else if (kinds[j] == OBJECT) {
          converters[j] = org.apache.spark.sql.catalyst.CatalystTypeConverters.createToCatalystConverter(schema.fields()[j].dataType());
        }
      }
      SpecificInternalRow row = new SpecificInternalRow(schema);
      return new Iterator<>() {
        private int i = from;

        @Override
        public boolean hasNext() {
          return i < to;
        }

        @Override
        public InternalRow next() {
          if (i >= to) {
            throw new java.util.NoSuchElementException();
          }
          for (int j = 0; j < kinds.length; j++) {
            if (nulls[j][i]) {
              row.setNullAt(j);
              continue;
            }
            Object column = values[j];
            switch (kinds[j]) {
              case DOUBLE -> row.setDouble(j, ((double[]) column)[i]);
              case LONG -> row.setLong(j, ((long[]) column)[i]);
              case INT -> row.setInt(j, ((int[]) column)[i]);
              case BOOLEAN -> row.setBoolean(j, ((boolean[]) column)[i]);
              case TEXT -> row.update(j, text[j][((int[]) column)[i]]);
              default -> row.update(j, converters[j].apply(((Object[]) column)[i]));
            }
          }
          i++;
          return row;
        }
      };
    }

    Row row(int i) {
      Object[] v = new Object[kinds.length];
      for (int j = 0; j < kinds.length; j++) {
        if (nulls[j][i]) {
          continue;
        }
        Object column = values[j];
        v[j] = switch (kinds[j]) {
          case DOUBLE -> ((double[]) column)[i];
          case LONG -> ((long[]) column)[i];
          case INT -> ((int[]) column)[i];
          case BOOLEAN -> ((boolean[]) column)[i];
          case TEXT -> dictionaries.get(j).get(((int[]) column)[i]);
          default -> ((Object[]) column)[i];
        };
      }
      return RowFactory.create(v);
    }
  }
}
