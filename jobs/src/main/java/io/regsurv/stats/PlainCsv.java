package io.regsurv.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CSV file read line by line without Spark, for the files whose every field it reads exactly as
 * Spark's CSV reader does (header, every column as text, {@code nullValue} ""): UTF-8 without a
 * byte-order mark, {@code \n} or {@code \r\n} line ends, quotes only around a whole non-empty field
 * without quotes or backslashes inside (as R's write.csv writes text), no blank line, distinct
 * non-empty column names and the header's number of fields on every line. Where a file leaves that
 * subset, {@link #header} or {@link #next} answer so and the caller goes to Spark, which reads
 * everything and names every problem. Fields are read on demand: a line is split at its commas,
 * and only the fields asked for are decoded.
 */
final class PlainCsv {
  /** What Spark's cast to double and Java's parser read alike; Spark alone takes "Infinity", "NaN", "1d", hex. */
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private int start;
  private int end;
  private boolean eof;
  private byte[] line = new byte[256];
  private int lineLength;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int fields;
  private final java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  PlainCsv(InputStream in) {
    this.in = in;
  }

  /** The column names, or null when the header is missing or not one Spark reads alike. */
  List<String> header() throws IOException {
    if (!nextLine()) {
      return null;
    }
    if (lineLength >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
      return null;
    }
    int n = split();
    if (n < 0) {
      return null;
    }
    List<String> names = new ArrayList<>(n);
    Set<String> lowerCase = new HashSet<>();
    for (int k = 0; k < n; k++) {
      String name = text(k);
      // Spark renames empty and (case-insensitively) repeated names.
      if (name == null || name.isEmpty() || !lowerCase.add(name.toLowerCase(Locale.ROOT))) {
        return null;
      }
      names.add(name);
    }
    fields = n;
    return names;
  }

  /**
   * Moves to the next data line: 1 when there is one that Spark reads alike, 0 at the end of the
   * file, -1 when the line is not one this reader takes (the caller then leaves the file to Spark).
   */
  int next() throws IOException {
    if (!nextLine()) {
      return 0;
    }
    return split() == fields ? 1 : -1;
  }

  /** Whether field {@code k} is empty: Spark's CSV reader reads it as NULL. */
  boolean isEmpty(int k) {
    return fieldLength(k) == 0;
  }

  /** Field {@code k} as text (UTF-8), or null when it is not valid UTF-8 (Spark would substitute). */
  String text(int k) {
    int from = fieldStart(k);
    int n = fieldLength(k);
    for (int i = from; i < from + n; i++) {
      if (line[i] < 0) {
        try {
          return utf8.decode(ByteBuffer.wrap(line, from, n)).toString();
        } catch (CharacterCodingException e) {
          return null;
        }
      }
    }
    return new String(line, from, n, StandardCharsets.ISO_8859_1);
  }

  /** Field {@code k} without leading and trailing spaces, as Spark's trim; null where it holds a control character or bad UTF-8. */
  String trimmed(int k) {
    return trim(text(k));
  }

  /** {@code s} (a field's text) as {@link #trimmed(int)} gives it: for a caller that has the text already. */
  static String trim(String s) {
    if (s == null) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < ' ') {
        return null;
      }
    }
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == ' ') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == ' ') {
      b--;
    }
    return s.substring(a, b);
  }

  /** Field {@code k} as a finite number in plain notation, or null. */
  Double number(int k) {
    return number(trimmed(k));
  }

  /** {@code trimmed} as a finite number in plain notation, or null. */
  static Double number(String trimmed) {
    if (trimmed == null || !PLAIN_NUMBER.matcher(trimmed).matches()) {
      return null;
    }
    double v = Double.parseDouble(trimmed);
    return Double.isFinite(v) ? v : null;
  }

  /**
   * Whether Spark's cast to double could read {@code trimmed} though {@link #number(String)} does
   * not: Java's parser (suffixes, hex, NaN, Infinity, surrounding control characters) or Spark's
   * own special literals. Such a value is neither surely a number nor surely text.
   */
  static boolean maybeNumber(String trimmed) {
    int a = 0;
    int b = trimmed.length();
    while (a < b && (Character.isWhitespace(trimmed.charAt(a)) || Character.isISOControl(trimmed.charAt(a)))) {
      a++;
    }
    while (b > a && (Character.isWhitespace(trimmed.charAt(b - 1)) || Character.isISOControl(trimmed.charAt(b - 1)))) {
      b--;
    }
    String core = trimmed.substring(a, b);
    // Every number either reads starts, after its sign, with a digit, a point, or N/I of NaN/Infinity
    // (either case): other words are surely text, without the cost of a parser's exception.
    int first = core.startsWith("+") || core.startsWith("-") ? 1 : 0;
    if (first >= core.length() || "0123456789.NnIi".indexOf(core.charAt(first)) < 0) {
      return false;
    }
    if (core.toLowerCase(Locale.ROOT).matches("[+-]?(inf|infinity|nan)")) {
      return true;
    }
    try {
      Double.parseDouble(core);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The next line without its end into {@code line}; false at the end of the file. */
  private boolean nextLine() throws IOException {
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (start == end) {
        if (eof) {
          return any;
        }
        end = in.read(buffer);
        start = 0;
        if (end <= 0) {
          end = 0;
          eof = true;
          return any;
        }
      }
      any = true;
      int i = start;
      while (i < end && buffer[i] != '\n') {
        i++;
      }
      append(start, i);
      if (i < end) {
        start = i + 1;
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      start = end;
    }
  }

  private void append(int from, int to) {
    int n = to - from;
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
    }
    System.arraycopy(buffer, from, line, lineLength, n);
    lineLength += n;
  }

  /**
   * Splits {@code line} into fields; the number of fields, or -1 for a line this reader does not
   * take: blank, a lone CR, a quote inside an unquoted field, or a quoted field that is empty,
   * holds a quote or a backslash (Spark's escape character), or is not followed by a comma or the
   * line's end (text after the quote, a field continued on the next line).
   */
  private int split() {
    if (lineLength == 0) {
      return -1;
    }
    int n = 0;
    int i = 0;
    while (true) {
      if (n + 1 >= starts.length) {
        starts = Arrays.copyOf(starts, starts.length * 2);
        ends = Arrays.copyOf(ends, ends.length * 2);
      }
      if (i < lineLength && line[i] == '"') {
        int close = i + 1;
        while (close < lineLength && line[close] != '"' && line[close] != '\\' && line[close] != '\r') {
          close++;
        }
        if (close >= lineLength || line[close] != '"' || close == i + 1 || (close + 1 < lineLength && line[close + 1] != ',')) {
          return -1;
        }
        starts[n] = i + 1;
        ends[n++] = close;
        i = close + 1;
      } else {
        int from = i;
        while (i < lineLength && line[i] != ',') {
          if (line[i] == '"' || line[i] == '\r') {
            return -1;
          }
          i++;
        }
        starts[n] = from;
        ends[n++] = i;
      }
      if (i >= lineLength) {
        return n;
      }
      i++; // the comma
      if (i == lineLength) {
        starts[n] = i; // a last, empty field
        ends[n++] = i;
        return n;
      }
    }
  }

  private int fieldStart(int k) {
    return starts[k];
  }

  private int fieldLength(int k) {
    return ends[k] - starts[k];
  }
}
