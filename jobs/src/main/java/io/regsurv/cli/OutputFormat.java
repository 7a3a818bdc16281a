package io.regsurv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regsurv.core.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** How small results (query answers, summaries) are printed: an aligned table, CSV or JSON Lines. */
public enum OutputFormat {
  TABLE,
  CSV,
  JSON;

  /** Prints rows with the given column names. Values are shown as Spark renders them (toString). */
  public void print(PrintWriter out, List<String> columns, List<Row> rows) {
    switch (this) {
      case TABLE -> printTable(out, columns, rows);
      case CSV -> printCsv(out, columns, rows);
      case JSON -> printJson(out, columns, rows);
    }
    out.flush();
  }

  private static void printTable(PrintWriter out, List<String> columns, List<Row> rows) {
    int n = columns.size();
    int[] width = new int[n];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      width[i] = displayWidth(columns.get(i));
    }
    for (Row row : rows) {
      String[] c = new String[n];
      for (int i = 0; i < n; i++) {
        c[i] = row.isNullAt(i) ? "NULL" : String.valueOf(row.get(i)).replace('\n', ' ');
        width[i] = Math.max(width[i], displayWidth(c[i]));
      }
      cells.add(c);
    }
    out.println(line(columns.toArray(String[]::new), width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < n; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.println(rule);
    for (String[] c : cells) {
      out.println(line(c, width));
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static String line(String[] values, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(" | ");
      }
      sb.append(values[i]).append(" ".repeat(width[i] - displayWidth(values[i])));
    }
    return sb.toString().stripTrailing();
  }

  /** Terminal columns: CJK and full-width characters take two. */
  static int displayWidth(String s) {
    int w = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      boolean wide =
          (cp >= 0x1100 && cp <= 0x115F)
              || (cp >= 0x2E80 && cp <= 0xA4CF)
              || (cp >= 0xAC00 && cp <= 0xD7A3)
              || (cp >= 0xF900 && cp <= 0xFAFF)
              || (cp >= 0xFE30 && cp <= 0xFE4F)
              || (cp >= 0xFF00 && cp <= 0xFF60)
              || (cp >= 0xFFE0 && cp <= 0xFFE6)
              || (cp >= 0x20000 && cp <= 0x3FFFD);
      w += wide ? 2 : 1;
    }
    return w;
  }

  private static void printCsv(PrintWriter out, List<String> columns, List<Row> rows) {
    out.println(String.join(",", columns.stream().map(OutputFormat::csvField).toList()));
    for (Row row : rows) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        fields.add(row.isNullAt(i) ? "" : csvField(String.valueOf(row.get(i))));
      }
      out.println(String.join(",", fields));
    }
  }

  /** RFC 4180 quoting. */
  static String csvField(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static void printJson(PrintWriter out, List<String> columns, List<Row> rows) {
    for (Row row : rows) {
      ObjectNode node = Json.MAPPER.createObjectNode();
      for (int i = 0; i < columns.size(); i++) {
        Object v = row.isNullAt(i) ? null : row.get(i);
        node.set(columns.get(i), Json.MAPPER.valueToTree(v instanceof java.sql.Date || v instanceof java.sql.Timestamp || v instanceof java.time.temporal.Temporal ? v.toString() : v));
      }
      out.println(node.toString());
    }
  }
}
