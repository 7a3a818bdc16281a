package io.regsurv.classify;

import io.regsurv.core.Text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import io.regsurv.core.CanonicalStatus;
import io.regsurv.config.StatusDictionary;
import io.regsurv.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status dictionary: every real variant of issue 5, in the Java and Spark forms, after ingest's normalisation. */
class StatusClassificationTest {
  static final StatusDictionary DICTIONARY = StatusDictionary.load("status-dictionary");

  /** Issue 5's list, as written in dumps (full-width punctuation and brackets). */
  static final Map<String, CanonicalStatus> ISSUE_VARIANTS = new LinkedHashMap<>();

  static {
    for (String s : List.of("存续", "在业", "在营", "开业", "在册", "存续（在营、开业、在册）", "正常", "迁入")) {
      ISSUE_VARIANTS.put(s, CanonicalStatus.ACTIVE);
    }
    ISSUE_VARIANTS.put("迁出", CanonicalStatus.MOVED_OUT);
    ISSUE_VARIANTS.put("停业", CanonicalStatus.SUSPENDED);
    ISSUE_VARIANTS.put("歇业", CanonicalStatus.DORMANT);
    ISSUE_VARIANTS.put("清算", CanonicalStatus.LIQUIDATING);
    for (String s : List.of("吊销", "吊销，未注销", "吊销未注销")) {
      ISSUE_VARIANTS.put(s, CanonicalStatus.REVOKED);
    }
    ISSUE_VARIANTS.put("吊销，已注销", CanonicalStatus.REVOKED_CANCELLED);
    ISSUE_VARIANTS.put("注销", CanonicalStatus.CANCELLED);
    ISSUE_VARIANTS.put("已注销", CanonicalStatus.CANCELLED);
    ISSUE_VARIANTS.put("撤销", CanonicalStatus.ANNULLED);
    ISSUE_VARIANTS.put("撤销登记", CanonicalStatus.ANNULLED);
    ISSUE_VARIANTS.put("责令关闭", CanonicalStatus.ORDERED_CLOSED);
  }

  /** The variant as it may reach bronze: raw, cleaned by ingest (half-width) and with stray spaces. */
  static List<String> spellings(String raw) {
    return List.of(raw, Text.clean(raw), " " + raw.replace("，", ", ") + "\u3000");
  }

  @Test
  void everyRealVariantMapsToItsCanonicalStatusInJava() {
    ISSUE_VARIANTS.forEach(
        (raw, expected) -> spellings(raw).forEach(s -> assertThat(DICTIONARY.classify(s)).as(s).isEqualTo(expected)));
    assertThat(DICTIONARY.classify("神秘状态")).isEqualTo(CanonicalStatus.UNKNOWN);
    assertThat(DICTIONARY.classify(null)).isEqualTo(CanonicalStatus.UNKNOWN);
  }

  @Test
  void everyRealVariantMapsToItsCanonicalStatusInSpark() {
    List<Row> rows = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    ISSUE_VARIANTS.forEach(
        (raw, status) ->
            spellings(raw).forEach(s -> {
              rows.add(RowFactory.create(s));
              expected.add(s + "=" + status);
            }));
    rows.add(RowFactory.create("神秘状态"));
    expected.add("神秘状态=UNKNOWN");
    rows.add(RowFactory.create((Object) null));
    expected.add("null=UNKNOWN");
    Dataset<Row> df =
        SharedSpark.spark().createDataFrame(rows, new StructType().add("status_raw", DataTypes.StringType));
    List<String> got =
        StatusClassification.withCanonical(df, DICTIONARY).collectAsList().stream()
            .map(r -> r.getString(0) + "=" + r.getString(1))
            .toList();
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void unknownCountsListMostFrequentFirst() {
    List<Row> rows = new ArrayList<>();
    for (String s : List.of("甲", "甲", "乙", "存续", "注销")) {
      rows.add(RowFactory.create(s));
    }
    rows.add(RowFactory.create((Object) null));
    Dataset<Row> df = StatusClassification.withCanonical(
        SharedSpark.spark().createDataFrame(rows, new StructType().add("status_raw", DataTypes.StringType)), DICTIONARY);
    List<String> top =
        StatusClassification.unknownCounts(df, 2).collectAsList().stream().map(r -> r.get(0) + ":" + r.get(1) + "/" + r.get(2)).toList();
    // The total counts 乙 too, beyond the first two strings.
    assertThat(top).containsExactly("甲:2/4", "null:1/4");
  }

  @Test
  void contradictoryDictionaryIsRejectedWithOneLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dict.json");
    Files.writeString(file, "{\"statuses\": {\"CANCELLED\": [\"注销\"], \"REVOKED\": [\"注 销\"]}}");
    assertThatThrownBy(() -> StatusDictionary.load(file.toString()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("listed under both CANCELLED and REVOKED");
    Files.writeString(file, "{\"statuses\": {\"CLOSED\": [\"注销\"]}}");
    assertThatThrownBy(() -> StatusDictionary.load(file.toString()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("dict.json");
  }
}
