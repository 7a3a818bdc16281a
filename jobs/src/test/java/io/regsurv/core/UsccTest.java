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

  @Test
  void sparkAndJavaFormsAgree() {
    List<String> codes =
        List.of("92110108L00228139A", "92110108L00228139B", "92110108I00228139A", "91330503735242721D", "short", "");
    List<Row> rows = evaluate(codes, Uscc::isValid);
    for (Row r : rows) {
      assertThat(r.getBoolean(1)).as(r.getString(0)).isEqualTo(Uscc.isValid(r.getString(0)));
    }
    assertThat(rows).hasSize(codes.size());
  }

  @Test
  void codesAndOldRegistrationNumbersHaveTheIdentifierShapeNamesAndAddressesDoNot() {
    List<String> codes = List.of("92110108L00228139B", "320594400007758", "3201142500883", "北京睿信网络科技有限公司", "上海市浦东新区420号", "9211010", "92110108L00228139AB");
    List<Row> rows = evaluate(codes, Uscc::hasIdentifierShape);
    assertThat(rows).extracting(r -> r.getString(0) + "=" + r.getBoolean(1))
        .containsExactly("92110108L00228139B=true", "320594400007758=true", "3201142500883=true", "北京睿信网络科技有限公司=false",
            "上海市浦东新区420号=false", "9211010=false", "92110108L00228139AB=false");
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
