package io.regsurv.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows made on the driver (gold curves computed from collected risk-set cells, km's output) as a
 * DataFrame. A few thousand rows go in as Spark's local relation. More go in as columns: Catalyst
 * walks a local relation's rows in every analyser and optimiser rule that maps the plan's
 * expressions (measured: 360,000 rows of gold.cumulative_incidence took 2.3 s of planning to reach
 * a no-op write, before any task ran), so larger lists are sent as one primitive array per column
 * (text dictionary-encoded) inside the task closure, and the rows are rebuilt by the tasks from a
 * range of row numbers. The columns go to the tasks as a broadcast, not in the task closure: the
 * closure is deserialized by every task (a full-scale gold.cumulative_incidence, 1.2 M rows, was
 * two copies of about 100 MB and the young collections that promoted them), while a broadcast is
 * read once per executor, and with a local master the tasks read the driver's own object. The
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
    Broadcast<Columns> columns = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(Columns.of(rows, schema));
    try {
      // As a local relation's scan: defaultParallelism slices (more rows than that, always, here).
      return writer.apply(spark.range(0, rows.size(), 1, spark.sparkContext().defaultParallelism())
          .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> {
            Columns c = columns.value();
            return new Iterator<>() {
              @Override
              public boolean hasNext() {
                return ids.hasNext();
              }

              @Override
              public Row next() {
                return c.row((int) (long) ids.next());
              }
            };
          }, Encoders.row(schema)));
    } finally {
      columns.destroy();
    }
  }

  /** The rows as one array per column: doubles, longs, ints and booleans unboxed (with a NULL mask), text as dictionary codes. */
  static final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Object[] values;
    private final boolean[][] nulls;
    private final String[][] dictionaries;

    private Columns(Object[] values, boolean[][] nulls, String[][] dictionaries) {
      this.values = values;
      this.nulls = nulls;
      this.dictionaries = dictionaries;
    }

    static Columns of(List<Row> rows, StructType schema) {
      int n = rows.size();
      int width = schema.size();
      Object[] values = new Object[width];
      boolean[][] nulls = new boolean[width][];
      String[][] dictionaries = new String[width][];
      for (int j = 0; j < width; j++) {
        DataType type = schema.fields()[j].dataType();
        boolean[] isNull = new boolean[n];
        for (int i = 0; i < n; i++) {
          isNull[i] = rows.get(i).isNullAt(j);
        }
        nulls[j] = isNull;
        if (type.equals(DataTypes.DoubleType)) {
          double[] v = new double[n];
          for (int i = 0; i < n; i++) {
            v[i] = isNull[i] ? 0 : rows.get(i).getDouble(j);
          }
          values[j] = v;
        } else if (type.equals(DataTypes.LongType)) {
          long[] v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = isNull[i] ? 0 : rows.get(i).getLong(j);
          }
          values[j] = v;
        } else if (type.equals(DataTypes.IntegerType)) {
          int[] v = new int[n];
          for (int i = 0; i < n; i++) {
            v[i] = isNull[i] ? 0 : rows.get(i).getInt(j);
          }
          values[j] = v;
        } else if (type.equals(DataTypes.BooleanType)) {
          boolean[] v = new boolean[n];
          for (int i = 0; i < n; i++) {
            v[i] = !isNull[i] && rows.get(i).getBoolean(j);
          }
          values[j] = v;
        } else if (type.equals(DataTypes.StringType)) {
          // Dimension, cohort, cause, CI type: a handful of distinct values over many rows.
          Map<String, Integer> codes = new HashMap<>();
          List<String> dictionary = new ArrayList<>();
          int[] v = new int[n];
          for (int i = 0; i < n; i++) {
            if (!isNull[i]) {
              v[i] = codes.computeIfAbsent(rows.get(i).getString(j), s -> {
                dictionary.add(s);
                return dictionary.size() - 1;
              });
            }
          }
          values[j] = v;
          dictionaries[j] = dictionary.toArray(String[]::new);
        } else {
          Object[] v = new Object[n];
          for (int i = 0; i < n; i++) {
            v[i] = rows.get(i).get(j);
          }
          values[j] = v;
        }
      }
      return new Columns(values, nulls, dictionaries);
    }

    Row row(int i) {
      Object[] v = new Object[values.length];
      for (int j = 0; j < values.length; j++) {
        if (nulls[j][i]) {
          continue;
        }
        Object column = values[j];
        if (dictionaries[j] != null) {
          v[j] = dictionaries[j][((int[]) column)[i]];
        } else if (column instanceof double[] d) {
          v[j] = d[i];
        } else if (column instanceof long[] l) {
          v[j] = l[i];
        } else if (column instanceof int[] n) {
          v[j] = n[i];
        } else if (column instanceof boolean[] b) {
          v[j] = b[i];
        } else {
          v[j] = ((Object[]) column)[i];
        }
      }
      return RowFactory.create(v);
    }
  }
}
