package io.regsurv.transforms;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TextTest {

  @Test
  void fullWidthBecomesHalfWidth() {
    assertThat(Text.halfWidth("１００（万元）")).isEqualTo("100(万元)");
    assertThat(Text.clean("  吊销，未注销\u3000 ")).isEqualTo("吊销,未注销");
    assertThat(Text.key("存续 （在营、开业、在册）")).isEqualTo("存续(在营、开业、在册)");
    assertThat(Text.clean("\u3000 ")).isNull();
    assertThat(Text.clean((String) null)).isNull();
  }

  @Test
  void sparkAndJavaFormsAgree() {
    List<String> values = Arrays.asList("１００（万元）", "  吊销，未注销\u3000 ", "存续 （在营、开业、在册）", "a  b", "\u3000", null, "ＡＢＣ９");
    List<Row> rows =
        SharedSpark.spark()
            .createDataset(values, Encoders.STRING())
            .toDF("v")
            .select(col("v"), Text.clean(col("v")), Text.key(col("v")), Text.halfWidth(col("v")))
            .collectAsList();
    for (Row r : rows) {
      String v = r.getString(0);
      assertThat(r.getString(1)).as("clean " + v).isEqualTo(Text.clean(v));
      assertThat(r.getString(2)).as("key " + v).isEqualTo(Text.key(v));
      assertThat(r.getString(3)).as("halfWidth " + v).isEqualTo(Text.halfWidth(v));
    }
  }
}
