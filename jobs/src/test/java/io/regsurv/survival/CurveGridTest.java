package io.regsurv.survival;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CurveGridTest {
  static final StructType CURVE =
      new StructType().add("cohort", "string").add("time_days", "double").add("n_at_risk", "long")
          .add("survival", "double").add("ci_lower", "double").add("ci_upper", "double");

  @Test
  void monthEndTakesTheLastStepAtOrBeforeIt() {
    Dataset<Row> curve =
        SharedSpark.spark().createDataFrame(
            List.of(
                RowFactory.create("a", 0.0, 10L, 1.0, 1.0, 1.0),
                RowFactory.create("a", 10.0, 10L, 0.9, 0.8, 1.0),
                RowFactory.create("a", 30.4375, 9L, 0.8, 0.7, 0.9), // exactly the end of month 1
                RowFactory.create("a", 95.0, 8L, 0.5, 0.4, 0.6), // in month 4 (91.3125, 121.75]
                RowFactory.create("b", 0.0, 1L, 1.0, 1.0, 1.0),
                RowFactory.create("b", 40.0, 1L, 0.0, null, null)),
            CURVE);
    List<Row> rows = CurveGrid.monthly(curve, List.of("cohort")).orderBy("cohort", "month").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0) + r.getInt(1) + "=" + r.getDouble(4))
        .containsExactly("a0=1.0", "a1=0.8", "a2=0.8", "a3=0.8", "a4=0.5", "b0=1.0", "b1=1.0", "b2=0.0");
    assertThat(rows.get(1).getDouble(2)).isEqualTo(365.25 / 12);
    assertThat(rows.get(1).getLong(3)).isEqualTo(9L);
    assertThat(rows.get(7).isNullAt(5)).isTrue();
  }
}
