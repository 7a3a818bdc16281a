package io.regsurv.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.Dialect;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class DatesTest {
  private static final List<String> FORMATS = Dialect.load("generator-csv").dateFormats();

  /** As ingest does: each field's date text made in Java (the reading task), parsed by Spark. */
  private static List<String> parse(String... text) {
    return SharedSpark.spark()
        .createDataset(Arrays.stream(text).map(Dates::dateText).toList(), Encoders.STRING())
        .toDF("t")
        .select(Dates.parse(col("t"), FORMATS).cast("string"))
        .collectAsList()
        .stream()
        .map((Row r) -> String.valueOf(r.getString(0)))
        .toList();
  }

  @Test
  void everyRealFormatParses() {
    assertThat(parse("2024-07-31", "2024/7/31", "20240731", "2024年7月31日", "2024-7-1", "2002-01-10 00:00:00", "２０２４－０７－３１", " 2024.07.31 "))
        .containsExactly("2024-07-31", "2024-07-31", "2024-07-31", "2024-07-31", "2024-07-01", "2002-01-10", "2024-07-31", "2024-07-31");
  }

  @Test
  void impossibleOrForeignTextIsNullNotAnError() {
    assertThat(parse("2023-02-30", "913101127345759975", "N/A", "", "2024-13-01", "yesterday")).containsOnly("null");
  }
}
