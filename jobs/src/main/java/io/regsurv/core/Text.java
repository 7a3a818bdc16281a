package io.regsurv.core;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Text normalisation shared by ingest and classify, in two forms that cannot drift apart: Java
 * strings (for dictionaries and tests) and Spark columns, which are UDFs over the Java forms.
 * Registry dumps mix full-width and half-width digits, letters, punctuation, brackets and spaces
 * ("吊销，未注销", "１００（万元）").
 */
public final class Text {
  private Text() {}

  /** Half-width, trimmed, whitespace runs folded to one space; empty becomes NULL. */
  public static Column clean(Column c) {
    return CLEAN_UDF.apply(c);
  }

  /** The lookup key of a status or category string: half-width with every space removed. */
  public static Column key(Column c) {
    return KEY_UDF.apply(c);
  }

  // UDFs over the Java forms: one pass per value. Spark 4.1's translate (for half-width) builds a
  // substring and a map lookup per character and took about 40% of ingest's CPU (jstack samples),
  // and each regexp_replace and trim after it converted the value between UTF-8 and Java again.
  private static final UserDefinedFunction CLEAN_UDF =
      udf((UDF1<String, String>) Text::clean, DataTypes.StringType).withName("clean_text");
  private static final UserDefinedFunction KEY_UDF =
      udf((UDF1<String, String>) Text::key, DataTypes.StringType).withName("text_key");

  /** Full-width forms (U+FF01..U+FF5E, U+3000 ideographic space) to half-width. */
  public static String halfWidth(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      sb.append(halfWidth(s.charAt(i)));
    }
    return sb.toString();
  }

  /** Half-width, whitespace runs (\\s: space, tab, line breaks, form feed) folded to one space, trimmed; empty becomes NULL. */
  public static String clean(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(s.length());
    boolean gap = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = halfWidth(s.charAt(i));
      if (isSpace(ch)) {
        gap = sb.length() > 0; // a leading run is dropped, a trailing one never written
      } else {
        if (gap) {
          sb.append(' ');
          gap = false;
        }
        sb.append(ch);
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /** Half-width with every whitespace character removed; empty becomes NULL. */
  public static String key(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = halfWidth(s.charAt(i));
      if (!isSpace(ch)) {
        sb.append(ch);
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  private static char halfWidth(char ch) {
    if (ch >= '\uFF01' && ch <= '\uFF5E') {
      return (char) (ch - 0xFEE0);
    }
    return ch == '\u3000' ? ' ' : ch;
  }

  /** Java regex's \\s: the whitespace the column forms used to fold. */
  private static boolean isSpace(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\u000B' || ch == '\f' || ch == '\r';
  }
}
