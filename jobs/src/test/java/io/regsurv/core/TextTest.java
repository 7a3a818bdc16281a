package io.regsurv.core;

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

  /**
   * The column forms, as ingest and classify use them, on inputs whose expected outputs are
   * written out: full-width digits, letters, brackets and commas; ideographic and ASCII spaces,
   * tabs and line breaks inside and around; blank and NULL values.
   */
  @Test
  void columnFormsNormaliseRegistryStrings() {
    String[][] cases = {
      // input, clean, key
      {"１００（万元）", "100(万元)", "100(万元)"},
      {"  吊销，未注销\u3000 ", "吊销,未注销", "吊销,未注销"},
      {"存续 （在营、开业、在册）", "存续 (在营、开业、在册)", "存续(在营、开业、在册)"},
      {"a \t\n b", "a b", "ab"},
      {"ＡＢＣ９～！", "ABC9~!", "ABC9~!"},
      {"\u3000\t ", null, null},
      {"", null, null},
      {null, null, null},
      // Outside U+FF01..U+FF5E nothing changes: a no-break space is not \\s, half-width katakana stays.
      {"a\u00A0b ｶ", "a\u00A0b ｶ", "a\u00A0bｶ"},
    };
    List<String> inputs = Arrays.stream(cases).map(c -> c[0]).toList();
    List<Row> rows =
        SharedSpark.spark()
            .createDataset(inputs, Encoders.STRING())
            .toDF("v")
            .select(col("v"), Text.clean(col("v")), Text.key(col("v")))
            .collectAsList();
    assertThat(rows).hasSize(cases.length);
    for (String[] c : cases) {
      Row r = rows.stream().filter(x -> java.util.Objects.equals(x.getString(0), c[0])).findFirst().orElseThrow();
      assertThat(r.getString(1)).as("clean(%s)", c[0]).isEqualTo(c[1]);
      assertThat(r.getString(2)).as("key(%s)", c[0]).isEqualTo(c[2]);
    }
  }

  /**
   * The hand-written passes keep the regex definitions they replaced: clean = half-width, every
   * \\s run to one space, spaces trimmed (Spark's trim); key = half-width without \\s. Checked
   * on random strings over the characters that matter (ASCII and full-width spaces, tabs, line
   * breaks, vertical tab, form feed, other control characters, full-width forms, Han).
   */
  @Test
  void javaFormsEqualTheRegexDefinitions() {
    char[] alphabet = {' ', '\t', '\n', '\r', '\u000B', '\f', '\u0001', '\u3000', '\u00A0', 'a', '1', '，', '（', '１', 'Ａ', '～', '吊', '销'};
    java.util.Random random = new java.util.Random(42);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int i = random.nextInt(9); i > 0; i--) {
        sb.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String v = sb.toString();
      String folded = Text.halfWidth(v).replaceAll("\\s+", " ").replaceAll("^ +| +$", "");
      String keyed = Text.halfWidth(v).replaceAll("\\s+", "");
      assertThat(Text.clean(v)).as("clean of %s", v.chars().boxed().toList()).isEqualTo(folded.isEmpty() ? null : folded);
      assertThat(Text.key(v)).as("key of %s", v.chars().boxed().toList()).isEqualTo(keyed.isEmpty() ? null : keyed);
    }
  }

  /**
   * identifierKey is what ingest computed with Spark's own functions before, upper(null-token(key)),
   * which stays the oracle here: ASCII and full-width letters, null tokens in either case, and
   * letters whose upper case is special (ß to SS, the dotless ı, ligatures, Greek, a title-case
   * digraph, an apostrophe-n that becomes two characters).
   */
  @Test
  void identifierKeyIsSparksUpperOfTheKey() {
    List<String> tokens = List.of("", "N/A", "NA", "-", "无", "null", "NULL");
    List<String> inputs = Arrays.asList("91110108mA00abc12x", "９１ａｂｃ", " n/a ", "na", "NA", "null", "Null", "无", "-", "",
        "straße", "ıi", "ﬁﬂ", "σςΣ", "ǆ", "ŉ", "ǰ", "ΐ", "\u3000", null);
    List<Row> rows = SharedSpark.spark().createDataset(inputs, Encoders.STRING()).toDF("v")
        .select(col("v"),
            org.apache.spark.sql.functions.upper(org.apache.spark.sql.functions.when(Text.key(col("v")).isin(tokens.toArray()), null)
                .otherwise(Text.key(col("v")))),
            Text.identifierKey(col("v"), tokens))
        .collectAsList();
    assertThat(rows).hasSize(inputs.size());
    for (Row r : rows) {
      assertThat(r.getString(2)).as("identifierKey(%s)", r.getString(0)).isEqualTo(r.getString(1));
      assertThat(Text.identifierKey(r.getString(0), new java.util.HashSet<>(tokens))).isEqualTo(r.getString(1));
    }
    assertThat(rows.stream().map(r -> r.getString(2)).toList()).contains("91110108MA00ABC12X", "91ABC", "STRASSE", "NA", null);
  }
}
