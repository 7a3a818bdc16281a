package io.regsurv.transforms;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Text normalisation shared by ingest and classify, in two equal forms: Spark columns (for the
 * data) and Java strings (for dictionaries and tests). Registry dumps mix full-width and
 * half-width digits, letters, punctuation, brackets and spaces ("吊销，未注销", "１００（万元）").
 */
public final class Text {
  private Text() {}

  /**
   * Full-width forms to half-width. A UDF over the Java twin, not Spark's {@code translate}: in
   * Spark 4.1 that builds a substring and a map lookup per character, and it took about 40% of
   * ingest's CPU on the full registry (jstack samples); this is one pass over the characters.
   */
  public static Column halfWidth(Column c) {
    return HALF_WIDTH_UDF.apply(c);
  }

  private static final UserDefinedFunction HALF_WIDTH_UDF =
      udf((UDF1<String, String>) Text::halfWidth, DataTypes.StringType).withName("half_width");

  /** Half-width, trimmed, whitespace runs folded to one space; empty becomes NULL. */
  public static Column clean(Column c) {
    Column t = trim(regexp_replace(halfWidth(c), "\\s+", " "));
    return when(t.equalTo(lit("")), lit(null).cast("string")).otherwise(t);
  }

  /** The lookup key of a status or category string: half-width with every space removed. */
  public static Column key(Column c) {
    Column t = regexp_replace(halfWidth(c), "\\s+", "");
    return when(t.equalTo(lit("")), lit(null).cast("string")).otherwise(t);
  }

  /** Full-width forms (U+FF01..U+FF5E, U+3000 ideographic space) to half-width; the column form applies this. */
  public static String halfWidth(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= '\uFF01' && ch <= '\uFF5E') {
        sb.append((char) (ch - 0xFEE0));
      } else if (ch == '\u3000') {
        sb.append(' ');
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** Java twin of {@link #clean(Column)}. */
  public static String clean(String s) {
    if (s == null) {
      return null;
    }
    String t = halfWidth(s).replaceAll("\\s+", " ").trim();
    return t.isEmpty() ? null : t;
  }

  /** Java twin of {@link #key(Column)}. */
  public static String key(String s) {
    if (s == null) {
      return null;
    }
    String t = halfWidth(s).replaceAll("\\s+", "");
    return t.isEmpty() ? null : t;
  }
}
