package io.regsurv.transforms;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * Text normalisation shared by ingest and classify, in two equal forms: Spark columns (for the
 * data) and Java strings (for dictionaries and tests). Registry dumps mix full-width and
 * half-width digits, letters, punctuation, brackets and spaces ("吊销，未注销", "１００（万元）").
 */
public final class Text {
  /** U+FF01..U+FF5E (full-width ASCII) and U+3000 (ideographic space). */
  static final String FULL_WIDTH;
  /** Their half-width counterparts, position by position. */
  static final String HALF_WIDTH;

  static {
    StringBuilder full = new StringBuilder();
    StringBuilder half = new StringBuilder();
    for (char c = '\uFF01'; c <= '\uFF5E'; c++) {
      full.append(c);
      half.append((char) (c - 0xFEE0));
    }
    full.append('\u3000');
    half.append(' ');
    FULL_WIDTH = full.toString();
    HALF_WIDTH = half.toString();
  }

  private Text() {}

  /** Full-width forms to half-width. */
  public static Column halfWidth(Column c) {
    return translate(c, FULL_WIDTH, HALF_WIDTH);
  }

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

  /** Java twin of {@link #halfWidth(Column)}. */
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
