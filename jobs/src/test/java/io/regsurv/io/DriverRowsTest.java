package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DriverRowsTest {
  static final StructType SCHEMA = new StructType()
      .add("as_of_date", DataTypes.DateType, false)
      .add("version", DataTypes.LongType, false)
      .add("dimension", DataTypes.StringType, true)
      .add("month", DataTypes.IntegerType, true)
      .add("survival", DataTypes.DoubleType, true)
      .add("suppressed", DataTypes.BooleanType, true);

  /** Every type, NULLs in every nullable column, text repeating and unique. */
  static List<Row> rows(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(Date.valueOf("2024-08-07"), (long) i * 3, i % 7 == 0 ? null : (i % 11 == 0 ? "unique " + i : "cohort " + i % 5),
          i % 13 == 0 ? null : i, i % 17 == 0 ? null : i / 7.0, i % 19 == 0 ? null : i % 2 == 0));
    }
    return rows;
  }

  @Test
  void manyRowsGoInAsColumnsAndComeOutAsCreateDataFrameMakesThem() {
    SparkSession spark = SharedSpark.spark();
    List<Row> rows = rows(DriverRows.LOCAL_RELATION_ROWS * 3 + 7);
    Dataset<Row> local = spark.createDataFrame(rows, SCHEMA);
    DriverRows.write(spark, rows, SCHEMA, frame -> {
      assertThat(frame.schema()).isEqualTo(SCHEMA);
      // The same rows in the same order, split into the same slices (the files a write makes).
      assertThat(frame.collectAsList()).isEqualTo(rows);
      assertThat(frame.javaRDD().glom().collect()).isEqualTo(local.javaRDD().glom().collect());
      return null;
    });
  }

  @Test
  void rowsAddedOneByOneAsColumnsAreTheSameRowsAtAnySize() {
    SparkSession spark = SharedSpark.spark();
    for (int n : new int[] {0, 10, DriverRows.LOCAL_RELATION_ROWS + 1, DriverRows.LOCAL_RELATION_ROWS * 2 + 3}) {
      List<Row> rows = rows(n);
      DriverRows.Columns columns = new DriverRows.Columns(SCHEMA);
      for (Row r : rows) {
        Object[] v = new Object[r.length()];
        for (int j = 0; j < v.length; j++) {
          v[j] = r.get(j);
        }
        columns.add(v);
      }
      assertThat(columns.size()).isEqualTo(n);
      DriverRows.write(spark, columns, frame -> {
        assertThat(frame.schema()).isEqualTo(SCHEMA);
        assertThat(frame.collectAsList()).as(n + " rows").isEqualTo(rows);
        assertThat(frame.javaRDD().glom().collect()).isEqualTo(spark.createDataFrame(rows, SCHEMA).javaRDD().glom().collect());
        return null;
      });
    }
    assertThatThrownBy(() -> new DriverRows.Columns(SCHEMA).add(1L)).hasMessageContaining("a row of 1 values for 6 columns");
  }

  @Test
  void theColumnsAreReleasedWhenTheWriterReturns() {
    SparkSession spark = SharedSpark.spark();
    Dataset<Row> kept = DriverRows.write(spark, rows(DriverRows.LOCAL_RELATION_ROWS + 1), SCHEMA, frame -> {
      assertThat(frame.count()).isEqualTo(DriverRows.LOCAL_RELATION_ROWS + 1);
      return frame;
    });
    // The broadcast that carried the columns is destroyed: a later job over the frame cannot read it.
    assertThatThrownBy(kept::count).hasStackTraceContaining("destroyed");
  }

  @Test
  void fewRowsAreALocalRelation() {
    SparkSession spark = SharedSpark.spark();
    List<Row> rows = rows(10);
    DriverRows.write(spark, rows, SCHEMA, frame -> {
      assertThat(frame.queryExecution().analyzed().getClass().getSimpleName()).isEqualTo("LocalRelation");
      assertThat(frame.collectAsList()).isEqualTo(rows);
      return null;
    });
  }
}
