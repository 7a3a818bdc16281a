package io.regsurv.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The {@link RiskCells} of a local CSV file, aggregated while the file is read, without Spark: what
 * {@code regsurv km --csv} needs when nothing is written to the warehouse. Starting Spark and
 * planning its jobs cost more than the whole estimation: a 1.8 M-row file took 14 s as Spark jobs,
 * about 1 s here.
 *
 * <p>It reads a file only where it gives exactly what Spark's CSV reader (header, values as text)
 * and {@link Subjects#from} give, and so yields the same cells: UTF-8 without a byte-order mark,
 * {@code \n} or {@code \r\n} line ends, no quote character anywhere, no blank line, the header's
 * number of fields on every line, distinct non-empty column names, numbers in plain decimal or
 * exponent notation, and every value passing {@link Subjects#from}'s checks. For any other file
 * (or more than {@code maxCells} cells) it answers empty and the caller takes the Spark path, which
 * reads what this does not and names every problem as it always has.
 *
 * <p>Bound: the cells, as {@link RiskCells}; the rows are never held.
 */
public final class CsvCells {
  /** What Spark's cast to double and Java's parser read alike; Spark alone takes "Infinity", "NaN", "1d", hex. */
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private CsvCells() {}

  /** A cell's key within a group: its subjects share entry, exit time, event and cause. */
  private record Key(String group, double entry, double time, int event, String cause) {}

  /**
   * The cells of {@code file} under {@code spec}, or empty when the file is not one this reader
   * takes as Spark would (see the class comment) or has more than {@code maxCells} cells.
   */
  public static Optional<RiskCells> read(Path file, SubjectSpec spec, long maxCells) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new Reader(in, spec, maxCells).cells();
    }
  }

  /** One pass over the lines; every "not like Spark" answer is {@code null} from a method below. */
  private static final class Reader {
    private final InputStream in;
    private final SubjectSpec spec;
    private final long maxCells;
    private final byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private boolean eof;
    private byte[] line = new byte[256];
    private int lineLength;
    private final Map<Key, long[]> weights = new HashMap<>();
    private final java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int[] commas = new int[16];

    Reader(InputStream in, SubjectSpec spec, long maxCells) {
      this.in = in;
      this.spec = spec;
      this.maxCells = maxCells;
    }

    Optional<RiskCells> cells() throws IOException {
      if (!nextLine()) {
        return Optional.empty();
      }
      if (lineLength >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
        return Optional.empty();
      }
      List<String> header = fields();
      if (header == null) {
        return Optional.empty();
      }
      java.util.Set<String> lowerCase = new java.util.HashSet<>();
      for (String name : header) {
        // Spark renames empty and (case-insensitively) repeated names.
        if (name.isEmpty() || !lowerCase.add(name.toLowerCase(java.util.Locale.ROOT))) {
          return Optional.empty();
        }
      }
      int time = header.indexOf(spec.time());
      int event = header.indexOf(spec.event());
      int entry = spec.entry() == null ? -2 : header.indexOf(spec.entry());
      int group = spec.group() == null ? -2 : header.indexOf(spec.group());
      if (time < 0 || event < 0 || entry == -1 || group == -1) {
        return Optional.empty();
      }
      int columns = header.size();
      long rows = 0;
      while (nextLine()) {
        if (split() != columns) {
          return Optional.empty();
        }
        Double t = number(time);
        Double e = entry < 0 ? Double.valueOf(0.0) : number(entry);
        if (t == null || e == null || t < 0 || e < 0 || (entry >= 0 && e >= t)) {
          return Optional.empty();
        }
        String g = group < 0 ? Subjects.ALL : text(group);
        if (g == null) {
          return Optional.empty();
        }
        if (g.isEmpty()) {
          g = Subjects.MISSING_GROUP; // Spark's CSV reader reads an empty field as NULL
        }
        int status;
        String cause = null;
        if (spec.competing()) {
          String raw = trimmed(event);
          if (raw == null) {
            return Optional.empty();
          }
          status = raw.isEmpty() || raw.equals(spec.censorValue()) ? 0 : 1;
          cause = status == 1 ? raw : null;
        } else if (spec.eventValues() != null) {
          String raw = trimmed(event);
          if (raw == null || fieldLength(event) == 0) {
            return Optional.empty();
          }
          status = spec.eventValues().contains(raw) ? 1 : 0;
          if (status == 0 && spec.censorValues() != null && !spec.censorValues().contains(raw)) {
            return Optional.empty();
          }
        } else {
          Double v = number(event);
          if (v == null || (v != 0.0 && v != 1.0)) {
            return Optional.empty();
          }
          status = v == 1.0 ? 1 : 0;
        }
        // + 0.0: Spark's grouping makes -0.0 and 0.0 one key.
        weights.computeIfAbsent(new Key(g, e + 0.0, t + 0.0, status, cause), k -> new long[1])[0]++;
        if (weights.size() > maxCells) {
          return Optional.empty();
        }
        rows++;
      }
      if (rows == 0) {
        return Optional.empty();
      }
      List<Row> out = new ArrayList<>(weights.size());
      weights.forEach((k, w) -> out.add(RowFactory.create(k.group(), k.entry(), k.time(), k.event(), k.cause(), w[0])));
      return Optional.of(RiskCells.of(out));
    }

    /** The next line without its end into {@code line}; false at the end. Null-free: a quote, a lone CR or a blank line stops the reader through {@link #split}. */
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
        line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
      }
      System.arraycopy(buffer, from, line, lineLength, n);
      lineLength += n;
    }

    /** Splits {@code line} at commas; the number of fields, or -1 for a line this reader does not take. */
    private int split() {
      if (lineLength == 0) {
        return -1;
      }
      int n = 0;
      for (int i = 0; i < lineLength; i++) {
        byte b = line[i];
        if (b == ',') {
          if (n + 1 >= commas.length) {
            commas = java.util.Arrays.copyOf(commas, commas.length * 2);
          }
          commas[n++] = i;
        } else if (b == '"' || b == '\r') {
          return -1;
        }
      }
      commas[n] = lineLength;
      return n + 1;
    }

    private int fieldStart(int k) {
      return k == 0 ? 0 : commas[k - 1] + 1;
    }

    private int fieldLength(int k) {
      return commas[k] - fieldStart(k);
    }

    /** Field {@code k} as text (UTF-8), or null when it is not valid UTF-8 (Spark would substitute). */
    private String text(int k) {
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

    /** Field {@code k} without leading and trailing spaces, as Spark's trim; null where it holds a control character. */
    private String trimmed(int k) {
      String s = text(k);
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
    private Double number(int k) {
      String s = trimmed(k);
      if (s == null || !PLAIN_NUMBER.matcher(s).matches()) {
        return null;
      }
      double v = Double.parseDouble(s);
      return Double.isFinite(v) ? v : null;
    }

    /** The header's names, or null for a header this reader does not take. */
    private List<String> fields() {
      int n = split();
      if (n < 0) {
        return null;
      }
      List<String> names = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        String s = text(k);
        if (s == null) {
          return null;
        }
        names.add(s);
      }
      return names;
    }
  }
}
