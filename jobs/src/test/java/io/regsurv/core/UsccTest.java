package io.regsurv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class UsccTest {
  // Real codes from the public registry extract (valid per GB 32100-2015).
  static final List<String> REAL_VALID =
      List.of("92110108L00228139A", "91110108L15418672N", "91330503735242721D", "92330281MA2ENBUA1R", "92330411MA2EUTG328");

  @Test
  void realCodesHaveCorrectCheckCharacters() {
    for (String code : REAL_VALID) {
      assertThat(Uscc.isValid(code)).as(code).isTrue();
      assertThat(Uscc.checkCharacter(code.substring(0, 17))).isEqualTo(code.charAt(17));
    }
  }

  @Test
  void wrongCheckCharacterCharsetOrLengthIsInvalid() {
    assertThat(Uscc.isValid("92110108L00228139B")).isFalse();
    assertThat(Uscc.isValid("92110108I00228139A")).isFalse(); // I is not in the charset
    assertThat(Uscc.isValid("92110108L0022813")).isFalse();
    assertThat(Uscc.isValid((String) null)).isFalse();
    assertThatThrownBy(() -> Uscc.checkCharacter("9211010")).isInstanceOf(IllegalArgumentException.class);
  }

  /** The column form as classify uses it: each code's expected validity written out, NULL-safe. */
  @Test
  void columnFormChecksCharsetLengthAndCheckCharacter() {
    List<String> codes = java.util.Arrays.asList(
        "92110108L00228139A", // real, valid
        "91330503735242721D", // real, valid
        "92110108L00228139B", // wrong check character
        "92110108I00228139A", // I is not in the charset
        "92110108l00228139A", // lower case is not in the charset
        "92110108L00228139AB", // 19 characters: the first 18 would pass
        "92110108L00228139", // 17 characters
        "440301000123456", // 15-digit registration number: not a USCC
        "",
        null);
    List<Row> rows = evaluate(codes, Uscc::isValid);
    assertThat(rows).extracting(r -> r.getString(0) + "=" + r.get(1))
        .containsExactly("92110108L00228139A=true", "91330503735242721D=true", "92110108L00228139B=false", "92110108I00228139A=false",
            "92110108l00228139A=false", "92110108L00228139AB=false", "92110108L00228139=false", "440301000123456=false", "=false",
            "null=false");
  }

  /** Mistyped = an 18-character code whose check fails; a registration number or a valid code is not. */
  @Test
  void onlyEighteenCharacterCodesFailingTheCheckAreMistyped() {
    List<Row> rows = SharedSpark.spark()
        .createDataset(List.of("92110108L00228139A", "92110108L00228139B", "440301000123456", "3201142500883"), Encoders.STRING())
        .toDF("code")
        .withColumn("valid", Uscc.isValid(org.apache.spark.sql.functions.col("code")))
        .select(org.apache.spark.sql.functions.col("code"),
            Uscc.isMistyped(org.apache.spark.sql.functions.col("code"), org.apache.spark.sql.functions.col("valid")))
        .collectAsList();
    assertThat(rows).extracting(r -> r.getString(0) + "=" + r.getBoolean(1))
        .containsExactly("92110108L00228139A=false", "92110108L00228139B=true", "440301000123456=false", "3201142500883=false");
  }

  @Test
  void checkCharacterRejectsCharactersOutsideTheCharset() {
    assertThatThrownBy(() -> Uscc.checkCharacter("92110108I0022813O")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'I'");
    // Check value 0 (sum divisible by 31) is the character '0', not index 31.
    assertThat(Uscc.checkCharacter("00000000000000000")).isEqualTo('0');
  }

  @Test
  void codesAndOldRegistrationNumbersHaveTheIdentifierShapeNamesAndAddressesDoNot() {
    List<String> codes = List.of("92110108L00228139B", "320594400007758", "3201142500883", "北京睿信网络科技有限公司", "上海市浦东新区420号", "9211010", "92110108L00228139AB");
    List<Row> rows = evaluate(codes, Uscc::hasIdentifierShape);
    assertThat(rows).extracting(r -> r.getString(0) + "=" + r.getBoolean(1))
        .containsExactly("92110108L00228139B=true", "320594400007758=true", "3201142500883=true", "北京睿信网络科技有限公司=false",
            "上海市浦东新区420号=false", "9211010=false", "92110108L00228139AB=false");
  }

  @Test
  void theJavaIdentifierShapeIsTheColumnsOne() {
    List<String> codes = List.of("92110108L00228139B", "320594400007758", "3201142500883", "北京睿信网络科技有限公司", "9211010", "92110108L00228139AB",
        "92110108l00228139b", "320594400007758\n", "");
    for (Row r : evaluate(codes, Uscc::hasIdentifierShape)) {
      assertThat(Uscc.hasIdentifierShape(r.getString(0))).as("[%s]", r.getString(0)).isEqualTo(r.getBoolean(1));
    }
    assertThat(Uscc.hasIdentifierShape((String) null)).isFalse();
  }

  /** The sort key orders well-formed codes as their text does, and is never NULL, whatever the value. */
  @Test
  void sortKeyOrdersCodesAsTheirTextAndIsNeverNull() {
    List<String> codes = new java.util.ArrayList<>(List.of("92110108L00228139A", "91110108L15418672N", "91330503735242721D", "92330281MA2ENBUA1R",
        "92330411MA2EUTG328", "91110108L15418671X", "91110108L1541867ZZ", "91110108MA01ABCD3X", "320594400007758", "3201142500883",
        "ZZZZZZZZZZZZZZZZZZ", "000000000000000000"));
    List<Row> rows = evaluate(codes, Uscc::sortKey);
    // Every pair of codes compares by key as its first twelve characters compare as text.
    for (Row a : rows) {
      for (Row b : rows) {
        int text = Integer.signum(a.getString(0).substring(0, 12).compareTo(b.getString(0).substring(0, 12)));
        assertThat(Integer.signum(Long.compare(a.getLong(1), b.getLong(1)))).as("%s vs %s", a.getString(0), b.getString(0)).isEqualTo(text);
      }
    }
    List<String> odd = java.util.Arrays.asList("-123", "北京睿信网络科技有限公司", "", "9", null);
    assertThat(evaluate(odd, Uscc::sortKey)).allSatisfy(r -> assertThat(r.isNullAt(1)).as("[%s]", r.getString(0)).isFalse());
  }

  /** Each code beside the Spark column expression's value for it. */
  private static List<Row> evaluate(List<String> codes, java.util.function.UnaryOperator<org.apache.spark.sql.Column> expression) {
    return SharedSpark.spark()
        .createDataset(codes, Encoders.STRING())
        .toDF("code")
        .select(org.apache.spark.sql.functions.col("code"), expression.apply(org.apache.spark.sql.functions.col("code")))
        .collectAsList();
  }
}
