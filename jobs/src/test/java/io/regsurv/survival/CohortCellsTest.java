package io.regsurv.survival;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The tasks' cell counter against a plain count of every firm × dimension, packed keys or not. */
class CohortCellsTest {
  private static final String[] DIMENSIONS = {"all", "colour", "size"};

  @Test
  void cellsEqualAPlainCountOfEveryFirmAndDimension() {
    List<Row> firms = firms(new Random(7), 5_000);
    Map<List<Object>, Long> expected = plainCount(firms);
    // A single map, and maps emptied every few cells (a task's flushes, merged afterwards).
    for (int maxCells : new int[] {Integer.MAX_VALUE, 3, 97}) {
      Iterator<Row> out = count(new CohortCells.Counter(DIMENSIONS, null, maxCells), firms);
      Map<List<Object>, Long> counted = new HashMap<>();
      long rows = 0;
      while (out.hasNext()) {
        Row r = out.next();
        rows++;
        counted.merge(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)), r.getLong(5), Long::sum);
      }
      assertThat(counted).as("maxCells %d", maxCells).isEqualTo(expected);
      if (maxCells == Integer.MAX_VALUE) {
        assertThat(rows).as("one row per distinct cell").isEqualTo(expected.size());
      }
    }
  }

  @Test
  void moreCohortsOrCausesThanTheKeyHoldsAreCountedExactly() {
    List<Row> firms = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      // 20,000 cohorts of one dimension (over the key's 16,384 groups) and 40 causes (over its 32).
      firms.add(RowFactory.create(0.0, (double) (i % 50), i % 2, i % 2 == 1 ? "cause" + (i % 40) : null, "all", "c" + i, "s" + (i % 3)));
    }
    Iterator<Row> out = count(new CohortCells.Counter(DIMENSIONS, null, Integer.MAX_VALUE), firms);
    Map<List<Object>, Long> counted = new HashMap<>();
    while (out.hasNext()) {
      Row r = out.next();
      counted.merge(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)), r.getLong(5), Long::sum);
    }
    assertThat(counted).isEqualTo(plainCount(firms));
  }

  @Test
  void coxSubjectsAreCountedByTheirCovariatePatternBesideTheCohorts() {
    Random random = new Random(11);
    List<Row> firms = new ArrayList<>();
    for (Row f : firms(random, 3_000)) {
      // Then: whether the firm is a subject of the model (SurvivalSubjects.isCoxSubject; NULL: not), and two covariates.
      Boolean subject = random.nextInt(20) == 0 ? null : random.nextInt(3) > 0;
      firms.add(RowFactory.create(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5), f.get(6), subject,
          "era" + random.nextInt(2), "p" + random.nextInt(6)));
    }
    Map<List<Object>, Long> expected = plainCount(firms);
    for (Row f : firms) {
      if (Boolean.TRUE.equals(f.get(7))) {
        String group = CohortCells.COX_GROUP + SurvivalJob.SEP + f.getString(8) + SurvivalJob.SEP + f.getString(9);
        expected.merge(Arrays.asList(group, zero(f.get(0)), zero(f.get(1)), f.get(2), null), 1L, Long::sum);
      }
    }
    for (int maxCells : new int[] {Integer.MAX_VALUE, 50}) {
      Iterator<Row> out = count(new CohortCells.Counter(DIMENSIONS, new int[] {8, 9}, maxCells), firms);
      Map<List<Object>, Long> counted = new HashMap<>();
      while (out.hasNext()) {
        Row r = out.next();
        counted.merge(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)), r.getLong(5), Long::sum);
      }
      assertThat(counted).as("maxCells %d", maxCells).isEqualTo(expected);
    }
  }

  @Test
  void aCoxValueHoldingTheSeparatorIsFlaggedNotCarried() {
    List<Row> firms = List.of(
        RowFactory.create(0.0, 5.0, 1, "x", "all", "c", "s", true, "a" + SurvivalJob.SEP + "b"),
        RowFactory.create(0.0, 6.0, 0, null, "all", "c", "s", true, "a"));
    Iterator<Row> out = count(new CohortCells.Counter(DIMENSIONS, new int[] {8}, Integer.MAX_VALUE), firms);
    List<String> groups = new ArrayList<>();
    out.forEachRemaining(r -> groups.add(r.getString(0)));
    assertThat(groups).contains(CohortCells.COX_UNUSABLE, CohortCells.COX_GROUP + SurvivalJob.SEP + "a")
        .noneMatch(g -> g.endsWith("b"));
  }

  @Test
  void emptyTaskGivesNoCells() {
    assertThat(count(new CohortCells.Counter(DIMENSIONS, null, 10), List.<Row>of()).hasNext()).isFalse();
  }

  /**
   * The counter over {@code firms} as a task hands them to it: Spark's internal rows, one buffer
   * reused from row to row (so a cohort it keeps must be copied); its cells back as rows.
   */
  private static Iterator<Row> count(CohortCells.Counter counter, List<Row> firms) {
    int width = firms.isEmpty() ? 4 + DIMENSIONS.length : firms.get(0).length();
    StructType schema = new StructType().add("entry", DataTypes.DoubleType).add("time", DataTypes.DoubleType)
        .add("event", DataTypes.IntegerType).add("cause", DataTypes.StringType);
    for (int i = 4; i < width; i++) {
      schema = schema.add("c" + i, i == 4 + DIMENSIONS.length ? DataTypes.BooleanType : DataTypes.StringType);
    }
    UnsafeProjection reader = UnsafeProjection.create(schema);
    Iterator<InternalRow> out = counter.call(mapped(firms.iterator(), f -> {
      Object[] v = new Object[f.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = f.get(i) instanceof String text ? UTF8String.fromString(text) : f.get(i);
      }
      return reader.apply(new GenericInternalRow(v));
    }));
    return mapped(out, r -> RowFactory.create(r.getUTF8String(0).toString(), r.isNullAt(1) ? null : r.getDouble(1),
        r.isNullAt(2) ? null : r.getDouble(2), r.isNullAt(3) ? null : r.getInt(3), r.isNullAt(4) ? null : r.getUTF8String(4).toString(),
        r.getLong(5)));
  }

  /** {@code in}, each element passed through {@code f} as it is taken. */
  private static <A, B> Iterator<B> mapped(Iterator<A> in, java.util.function.Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public B next() {
        return f.apply(in.next());
      }
    };
  }

  /** Rows as CohortCells.of selects them: entry, time, event, cause, one cohort per dimension; some values that do not pack. */
  private static List<Row> firms(Random random, int n) {
    Double[] odd = {0.5, -1.0, null, Double.NaN, (double) (1 << 22), -0.0, 1e9, 3.25};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Double entry = random.nextInt(10) == 0 ? (double) random.nextInt(30) : 0.0;
      Double time = (double) random.nextInt(400);
      if (random.nextInt(50) == 0) {
        time = odd[random.nextInt(odd.length)];
      }
      if (random.nextInt(100) == 0) {
        entry = odd[random.nextInt(odd.length)];
      }
      Integer event = random.nextInt(2);
      if (random.nextInt(200) == 0) {
        event = random.nextBoolean() ? null : 2;
      }
      String cause = event != null && event == 1 ? (random.nextInt(10) == 0 ? null : "cause" + random.nextInt(3)) : null;
      rows.add(RowFactory.create(entry, time, event, cause, "all", "colour" + random.nextInt(5), random.nextInt(7) == 0 ? "unknown" : "s" + random.nextInt(4)));
    }
    return rows;
  }

  /** What Spark's explode and aggregation give: one count per (group, entry, time, event, cause), -0.0 as 0.0, NaN as NaN. */
  private static Map<List<Object>, Long> plainCount(List<Row> firms) {
    Map<List<Object>, Long> counts = new HashMap<>();
    for (Row f : firms) {
      for (int d = 0; d < DIMENSIONS.length; d++) {
        List<Object> key = Arrays.asList(DIMENSIONS[d] + SurvivalJob.SEP + f.getString(4 + d), zero(f.get(0)), zero(f.get(1)), f.get(2), f.get(3));
        counts.merge(key, 1L, Long::sum);
      }
    }
    return counts;
  }

  private static Object zero(Object v) {
    return v instanceof Double x && x == 0.0 ? (Object) 0.0 : v;
  }
}
