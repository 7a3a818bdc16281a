package io.regsurv.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CapitalTest {
  private static List<String> parse(String... raw) {
    List<Row> rows =
        SharedSpark.spark()
            .createDataset(Arrays.asList(raw), Encoders.STRING())
            .toDF("raw")
            .select(col("raw"), Capital.amount(col("raw")), Capital.currency(col("raw")))
            .collectAsList();
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      BigDecimal amount = r.getDecimal(1);
      out.add(r.getString(0) + " -> " + (amount == null ? "null" : amount.stripTrailingZeros().toPlainString()) + " " + r.getString(2));
    }
    return out;
  }

  @Test
  void everyShapeOfTheRealExtractParses() {
    assertThat(parse("5,000(万元人民币)", "100万人民币", "30(万元)", "100(万)", "50万元", "168(万美元)", "20(万元美元)", "20(万港元)",
            "3(万香港元)", "7(万港币)", "8(万元(港币))", "9(万日元)", "10(万欧元)", "12.5(万人民币元)", "6(万元(人民币))", "0()",
            "1.5亿元", "500000元"))
        .containsExactly(
            "5,000(万元人民币) -> 5000 CNY",
            "100万人民币 -> 100 CNY",
            "30(万元) -> 30 CNY",
            "100(万) -> 100 CNY",
            "50万元 -> 50 CNY",
            "168(万美元) -> 168 USD",
            "20(万元美元) -> 20 USD",
            "20(万港元) -> 20 HKD",
            "3(万香港元) -> 3 HKD",
            "7(万港币) -> 7 HKD",
            "8(万元(港币)) -> 8 HKD",
            "9(万日元) -> 9 JPY",
            "10(万欧元) -> 10 EUR",
            "12.5(万人民币元) -> 12.5 CNY",
            "6(万元(人民币)) -> 6 CNY",
            "0() -> 0 CNY",
            "1.5亿元 -> 15000 CNY",
            "500000元 -> 50 CNY");
  }

  @Test
  void fullWidthDigitsBracketsAndSpacesAreUnderstood() {
    assertThat(parse("１００（万元）", " 5，000 ( 万元人民币 ) ")).containsExactly("１００（万元） -> 100 CNY", " 5，000 ( 万元人民币 )  -> 5000 CNY");
  }

  @Test
  void missingNumberKeepsCurrencyButNoAmount() {
    assertThat(parse("(万香港元)", "(万元)")).containsExactly("(万香港元) -> null HKD", "(万元) -> null CNY");
  }

  @Test
  void garbageIsKeptRawWithoutAmountOrCurrency() {
    assertThat(parse("N/A", "约100万", "ABC", "100(万元人民币)注")).containsExactly("N/A -> null null", "约100万 -> null null", "ABC -> null null", "100(万元人民币)注 -> null null");
  }
}
