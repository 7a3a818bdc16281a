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

  /**
   * The key of an identifier: {@link #key(Column)}, NULL when that is one of {@code nullTokens},
   * else in upper case. Spark 4.1's {@code upper()} fills, on its first call in a JVM, a table of
   * the title case of all 1.1 M code points through ICU (CollationAwareUTF8String's initialiser:
   * about 3 s of one core, while every other task waits on the class); ingest's only use of it was
   * here, so this UDF is the whole of that cost's removal.
   */
  public static Column identifierKey(Column c, java.util.Collection<String> nullTokens) {
    java.util.Set<String> tokens = new java.util.HashSet<>(nullTokens);
    return udf((UDF1<String, String>) s -> identifierKey(s, tokens), DataTypes.StringType).withName("identifier_key").apply(c);
  }

  /** Java form of {@link #identifierKey(Column, java.util.Collection)}. */
  public static String identifierKey(String s, java.util.Set<String> nullTokens) {
    String k = key(s);
    // Locale.ROOT: the same full case mapping as Spark's upper (ICU under the default locale) without the default locale's Turkish i.
    return k == null || nullTokens.contains(k) ? null : k.toUpperCase(java.util.Locale.ROOT);
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
    if (isClean(s)) {
      return s; // most registry values: no copy
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

  /** True when {@link #clean(String)} would return {@code s} itself: not empty, no full-width form, single spaces between other characters only. */
  private static boolean isClean(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (halfWidth(ch) != ch) {
        return false;
      }
      if (isSpace(ch) && (ch != ' ' || i == 0 || i == n - 1 || isSpace(s.charAt(i + 1)))) {
        return false;
      }
    }
    return n > 0;
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
