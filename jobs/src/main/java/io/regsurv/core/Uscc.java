package io.regsurv.core;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a
 * 31-character set (no I, O, S, V, Z), the last one a check character over the first 17
 * (weights 3^i mod 31, check = (31 - Σ mod 31) mod 31). Spark and Java forms agree.
 */
public final class Uscc {
  /** The code's character set; a character's index is its value. */
  public static final String CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

  /**
   * What can stand in the code column at all: an 18-character code (its check may still fail) or a
   * pre-2015 registration number (注册号, 15 or 13 digits). Anything else, such as a firm name or an
   * address, means the row's columns are shifted.
   */
  public static final String IDENTIFIER_SHAPE = "^([0-9A-Z]{18}|[0-9]{15}|[0-9]{13})$";

  static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

  private Uscc() {}

  /** True when the (upper-cased) value has the shape of a code or a registration number. */
  public static Column hasIdentifierShape(Column code) {
    return code.rlike(IDENTIFIER_SHAPE);
  }

  private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile(IDENTIFIER_SHAPE);

  /** Java form of {@link #hasIdentifierShape(Column)} (the same match as Spark's rlike); false for NULL. */
  public static boolean hasIdentifierShape(String code) {
    return code != null && SHAPE.matcher(code).find();
  }

  /**
   * True when a firm's key is an 18-character code whose check fails ({@code valid} is the stored
   * {@link #isValid(Column)}): a typing error in the dump, not an identifier, so such a "firm" is
   * seen under that code in one snapshot and never again. A 13- or 15-digit pre-2015 registration
   * number also fails the check but identifies a real firm (often one that closed before it was
   * given a USCC), so it is not mistyped.
   */
  public static Column isMistyped(Column code, Column valid) {
    return not(valid).and(length(code).equalTo(18));
  }

  /** The check character for the first 17 characters, or -1 when one is outside the charset. */
  public static char checkCharacter(String first17) {
    if (first17 == null || first17.length() != 17) {
      throw new IllegalArgumentException("need 17 characters, got " + first17);
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      int v = CHARSET.indexOf(first17.charAt(i));
      if (v < 0) {
        throw new IllegalArgumentException("character '" + first17.charAt(i) + "' is not in the USCC charset");
      }
      sum += v * WEIGHTS[i];
    }
    return CHARSET.charAt((31 - sum % 31) % 31);
  }

  /** True for an 18-character code in the charset with a correct check character. */
  public static boolean isValid(String code) {
    if (code == null || code.length() != 18) {
      return false;
    }
    for (int i = 0; i < 18; i++) {
      if (CHARSET.indexOf(code.charAt(i)) < 0) {
        return false;
      }
    }
    return checkCharacter(code.substring(0, 17)) == code.charAt(17);
  }

  /**
   * Column form of {@link #isValid(String)}, NULL-safe (NULL → false). A UDF over it: written with
   * built-in functions the check took 17 substrings and lookups a row, each copying the value.
   */
  public static Column isValid(Column code) {
    return IS_VALID_UDF.apply(code);
  }

  private static final UserDefinedFunction IS_VALID_UDF =
      udf((UDF1<String, Boolean>) Uscc::isValid, DataTypes.BooleanType).withName("uscc_is_valid");

  /**
   * A sort key for codes: their first twelve characters read as a base-36 number, so codes of
   * twelve or more letters and digits sort by it as they do as text, and -1 when that cannot be
   * read (never NULL: equal codes have equal keys, so it may join alongside the code). Sorted
   * first, it gives Spark's sort an 8-byte prefix that tells firms apart, where a code's own first
   * eight characters are shared by every firm of a region and the comparator decides most pairs.
   */
  public static Column sortKey(Column code) {
    return coalesce(conv(substring(code, 1, 12), 36, 10).try_cast("long"), lit(-1L));
  }
}
