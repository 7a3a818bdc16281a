package io.regsurv.config;

import io.regsurv.core.Json;
import io.regsurv.core.BadInputException;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of one kind of source file (a dialect): format, encoding, which source column feeds
 * which canonical column, what is required, which date formats and null tokens occur, and where
 * the status date comes from. Dialects are JSON in {@code schemas/dialects/} so a new dump layout
 * is a new file, not new code.
 */
public record Dialect(
    String description,
    String format,
    String encoding,
    Map<String, String> columns,
    List<String> ignoredColumns,
    List<String> required,
    List<String> dateFormats,
    List<String> nullTokens,
    List<String> statusDateFrom)
    implements Serializable {

  public static final String CSV = "csv";
  public static final String JSONL = "jsonl";

  /** Every canonical column a dialect may feed, in the order the reader emits them. */
  public static final List<String> CANONICAL =
      List.of(
          "uscc",
          "name",
          "status_raw",
          "established_date",
          "approval_date",
          "cancellation_date",
          "revocation_date",
          "province",
          "city",
          "entity_type",
          "registered_capital_raw",
          "business_scope",
          "legal_representative");

  /** The canonical columns that hold dates (a status date may come from any of them). */
  public static final List<String> DATE_COLUMNS =
      List.of("established_date", "approval_date", "cancellation_date", "revocation_date");

  public Dialect {
    if (!CSV.equals(format) && !JSONL.equals(format)) {
      throw new IllegalArgumentException("format must be 'csv' or 'jsonl', was '" + format + "'");
    }
    if (encoding == null || !Charset.isSupported(encoding)) {
      throw new IllegalArgumentException("encoding '" + encoding + "' is not a charset this JVM knows (e.g. UTF-8, GB18030, GBK)");
    }
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("columns must map source columns to canonical ones");
    }
    for (Map.Entry<String, String> e : columns.entrySet()) {
      if (!CANONICAL.contains(e.getValue())) {
        throw new IllegalArgumentException(
            "column '" + e.getKey() + "' maps to unknown canonical column '" + e.getValue() + "' (known: " + String.join(", ", CANONICAL) + ")");
      }
    }
    if (columns.values().stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("columns map two source columns to the same canonical column");
    }
    required = required == null ? List.of() : List.copyOf(required);
    for (String r : required) {
      if (!columns.containsValue(r)) {
        throw new IllegalArgumentException("required column '" + r + "' is not fed by any source column");
      }
    }
    if (!required.contains("uscc") || !required.contains("established_date")) {
      throw new IllegalArgumentException("required must include uscc and established_date (the snapshot table needs them)");
    }
    if (dateFormats == null || dateFormats.isEmpty()) {
      throw new IllegalArgumentException("dateFormats must list at least one pattern");
    }
    statusDateFrom = statusDateFrom == null ? List.of() : List.copyOf(statusDateFrom);
    for (String s : statusDateFrom) {
      if (!DATE_COLUMNS.contains(s)) {
        throw new IllegalArgumentException("statusDateFrom: '" + s + "' is not a date column (" + String.join(", ", DATE_COLUMNS) + ")");
      }
    }
    columns = new LinkedHashMap<>(columns);
    ignoredColumns = ignoredColumns == null ? List.of() : List.copyOf(ignoredColumns);
    dateFormats = List.copyOf(dateFormats);
    nullTokens = nullTokens == null ? List.of("") : List.copyOf(nullTokens);
  }

  /** Loads a dialect by bundled name ({@code generator-csv}) or file path; any problem is one line. */
  public static Dialect load(String nameOrPath) {
    return Json.bind(Json.readFileOrBundled(nameOrPath, "dialects"), Dialect.class, "dialect " + nameOrPath);
  }

  /** The same dialect read in another encoding (a generator run "with --encoding GB18030"). */
  public Dialect withEncoding(String newEncoding) {
    try {
      return new Dialect(description, format, newEncoding, columns, ignoredColumns, required, dateFormats, nullTokens, statusDateFrom);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--encoding " + newEncoding + ": " + e.getMessage(), e);
    }
  }

  /** Source column names whose canonical column is required. */
  public List<String> requiredSourceColumns() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : columns.entrySet()) {
      if (required.contains(e.getValue())) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
