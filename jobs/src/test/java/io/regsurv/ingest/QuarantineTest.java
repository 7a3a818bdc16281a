package io.regsurv.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.SilverFixtures;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@link Quarantine#flag} on a few in-memory normalised rows: every reason, all of a row's reasons, and the duplicate rule. */
class QuarantineTest {
  static final LocalDate SNAPSHOT = LocalDate.of(2024, 7, 31);
  static final String CODE = SilverFixtures.VALID_USCC;

  static final StructType NORMALISED = new StructType()
      .add("parse_error", DataTypes.StringType)
      .add("uscc", DataTypes.StringType)
      .add("name", DataTypes.StringType)
      .add("status_raw", DataTypes.StringType)
      .add("established_date", DataTypes.DateType)
      .add("approval_date", DataTypes.DateType)
      .add("status_date", DataTypes.DateType)
      .add("province", DataTypes.StringType)
      .add("city", DataTypes.StringType)
      .add("entity_type", DataTypes.StringType)
      .add("registered_capital_raw", DataTypes.StringType)
      .add("business_scope", DataTypes.StringType)
      .add("legal_representative_hash", DataTypes.StringType)
      .add("source_file", DataTypes.StringType)
      .add("source_line", DataTypes.LongType)
      .add("snapshot_date", DataTypes.DateType);

  /** A row; {@code extra} fills that many of the optional columns (province, city, …) so rows differ in completeness. */
  private static Row row(String parseError, String uscc, String name, String established, int extra, String file, long line) {
    String[] optional = new String[6];
    for (int i = 0; i < extra; i++) {
      optional[i] = "x" + i;
    }
    return RowFactory.create(parseError, uscc, name, "存续", established == null ? null : Date.valueOf(established), null, null,
        optional[0], optional[1], optional[2], optional[3], optional[4], optional[5], file, line, Date.valueOf(SNAPSHOT));
  }

  /** source_file:line → its reasons. */
  private static Map<String, List<String>> flag(Row... rows) {
    Dataset<Row> in = SharedSpark.spark().createDataFrame(Arrays.asList(rows), NORMALISED);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Row r : Quarantine.flag(in).orderBy("source_file", "source_line").collectAsList()) {
      out.put(r.getAs("source_file") + ":" + r.getAs("source_line"), new ArrayList<>(r.getList(r.fieldIndex("reasons"))));
    }
    return out;
  }

  @Test
  void eachBadFieldGivesItsReasonAndARowKeepsEveryReason() {
    Map<String, List<String>> reasons = flag(
        row(null, CODE, "深圳某科技有限公司", "2020-05-01", 0, "a.csv", 2),
        row(null, null, "无代码公司", "2020-05-01", 0, "a.csv", 3),
        row(null, "广东省深圳市南山区科技园", "地址错位公司", "2020-05-01", 0, "a.csv", 4),
        row(null, SilverFixtures.REGISTRATION_NUMBER, null, "2020-05-01", 0, "a.csv", 5),
        row(null, "91440300MA5F00002X", "太早公司", "1949-09-30", 0, "a.csv", 6),
        row(null, "91440300MA5F00003X", "未来公司", "2024-08-01", 0, "a.csv", 7),
        row(null, "91440300MA5F00004X", "无日期公司", null, 0, "a.csv", 8),
        row(null, "地址", null, null, 0, "a.csv", 9),
        row("wrong_column_count", null, null, null, 0, "a.csv", 10),
        // Boundaries are accepted: the founding of the PRC and the snapshot date itself.
        row(null, "91440300MA5F00005X", "建国日公司", "1949-10-01", 0, "a.csv", 11),
        row(null, "91440300MA5F00006X", "当日公司", "2024-07-31", 0, "a.csv", 12));
    assertThat(reasons).containsExactly(
        Map.entry("a.csv:2", List.of()),
        Map.entry("a.csv:3", List.of(Quarantine.MISSING_USCC)),
        Map.entry("a.csv:4", List.of(Quarantine.BAD_USCC)),
        Map.entry("a.csv:5", List.of(Quarantine.MISSING_NAME)),
        Map.entry("a.csv:6", List.of(Quarantine.BAD_ESTABLISHED_DATE)),
        Map.entry("a.csv:7", List.of(Quarantine.BAD_ESTABLISHED_DATE)),
        Map.entry("a.csv:8", List.of(Quarantine.BAD_ESTABLISHED_DATE)),
        Map.entry("a.csv:9", List.of(Quarantine.BAD_USCC, Quarantine.MISSING_NAME, Quarantine.BAD_ESTABLISHED_DATE)),
        // A row that could not be parsed has only its parse error: its fields mean nothing.
        Map.entry("a.csv:10", List.of("wrong_column_count")),
        Map.entry("a.csv:11", List.of()),
        Map.entry("a.csv:12", List.of()));
  }

  @Test
  void duplicateCodeKeepsTheMostCompleteRowThenFirstFileThenFirstLine() {
    String other = "91440300MA5F00007X";
    Map<String, List<String>> reasons = flag(
        row(null, CODE, "甲", "2020-05-01", 1, "a.csv", 2),
        row(null, CODE, "甲", "2020-05-01", 3, "b.csv", 9), // most complete: wins though in a later file
        row(null, CODE, "甲", "2020-05-01", 3, "b.csv", 12),
        row(null, other, "乙", "2020-05-01", 2, "b.csv", 3),
        row(null, other, "乙", "2020-05-01", 2, "a.csv", 7), // equally complete: the lower file name wins
        // A bad row does not compete with the good one, and is not called a duplicate.
        row(null, CODE, null, "2020-05-01", 6, "a.csv", 1));
    assertThat(reasons).containsExactly(
        Map.entry("a.csv:1", List.of(Quarantine.MISSING_NAME)),
        Map.entry("a.csv:2", List.of(Quarantine.DUPLICATE)),
        Map.entry("a.csv:7", List.of()),
        Map.entry("b.csv:3", List.of(Quarantine.DUPLICATE)),
        Map.entry("b.csv:9", List.of()),
        Map.entry("b.csv:12", List.of(Quarantine.DUPLICATE)));
    Dataset<Row> in = SharedSpark.spark().createDataFrame(List.of(
        row(null, CODE, "甲", "2020-05-01", 1, "a.csv", 2), row(null, CODE, "甲", "2020-05-01", 3, "b.csv", 9)), NORMALISED);
    assertThat(Quarantine.flag(in).where(Quarantine.accepted()).select("source_file").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactly("b.csv");
  }
}
