package io.regsurv.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The {@link RiskCells} of a local CSV file, aggregated while the file is read, without Spark: what
 * {@code regsurv km --csv} needs when nothing is written to the warehouse. Starting Spark and
 * planning its jobs cost more than the whole estimation: a 1.8 M-row file took 14 s as Spark jobs,
 * about 1 s here.
 *
 * <p>It reads a file only where it gives exactly what Spark's CSV reader and {@link Subjects#from}
 * give, and so yields the same cells: a {@link PlainCsv} file whose every value passes
 * {@link Subjects#from}'s checks, numbers in plain decimal or exponent notation. For any other file
 * (or more than {@code maxCells} cells) it answers empty and the caller takes the Spark path, which
 * reads what this does not and names every problem as it always has.
 *
 * <p>Bound: the cells, as {@link RiskCells}; the rows are never held.
 */
public final class CsvCells {
  private CsvCells() {}

  /** A cell's key: its subjects share group, entry, exit time, event and cause. */
  private record Key(String group, double entry, double time, int event, String cause) {}

  /**
   * The cells of {@code file} under {@code spec}, or empty when the file is not one this reader
   * takes as Spark would (see the class comment) or has more than {@code maxCells} cells.
   */
  public static Optional<RiskCells> read(Path file, SubjectSpec spec, long maxCells) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(new PlainCsv(in), spec, maxCells);
    }
  }

  private static Optional<RiskCells> read(PlainCsv csv, SubjectSpec spec, long maxCells) throws IOException {
    List<String> header = csv.header();
    if (header == null) {
      return Optional.empty();
    }
    Columns c = Columns.of(header, spec.time(), spec.event(), spec.entry());
    int group = spec.group() == null ? -2 : header.indexOf(spec.group());
    if (c == null || group == -1) {
      return Optional.empty();
    }
    Map<Key, long[]> weights = new HashMap<>();
    int status;
    while ((status = csv.next()) == 1) {
      double[] entryTime = c.entryAndTime(csv);
      if (entryTime == null) {
        return Optional.empty();
      }
      String g = Subjects.ALL;
      if (group >= 0) {
        // Spark's CSV reader reads an empty field as NULL.
        g = csv.isEmpty(group) ? Subjects.MISSING_GROUP : csv.text(group);
        if (g == null) {
          return Optional.empty();
        }
      }
      int event;
      String cause = null;
      if (spec.competing()) {
        String raw = csv.trimmed(c.event());
        if (raw == null) {
          return Optional.empty();
        }
        event = raw.isEmpty() || raw.equals(spec.censorValue()) ? 0 : 1;
        cause = event == 1 ? raw : null;
      } else if (spec.eventValues() != null) {
        String raw = csv.trimmed(c.event());
        if (raw == null || csv.isEmpty(c.event())) {
          return Optional.empty();
        }
        event = spec.eventValues().contains(raw) ? 1 : 0;
        if (event == 0 && spec.censorValues() != null && !spec.censorValues().contains(raw)) {
          return Optional.empty();
        }
      } else {
        event = c.event01(csv);
        if (event < 0) {
          return Optional.empty();
        }
      }
      weights.computeIfAbsent(new Key(g, entryTime[0], entryTime[1], event, cause), k -> new long[1])[0]++;
      if (weights.size() > maxCells) {
        return Optional.empty();
      }
    }
    if (status < 0 || weights.isEmpty()) {
      return Optional.empty();
    }
    List<Row> out = new ArrayList<>(weights.size());
    weights.forEach((k, w) -> out.add(RowFactory.create(k.group(), k.entry(), k.time(), k.event(), k.cause(), w[0])));
    return Optional.of(RiskCells.of(out));
  }

  /**
   * Where a {@link PlainCsv} line holds the time, entry (-2: none) and 0/1 event columns, and their
   * values as {@link Subjects#from} reads them: null (or -1) wherever it would reject the row or
   * where Spark might read the value otherwise.
   */
  record Columns(int time, int event, int entry) {
    /** Null when a named column is missing (the Spark path names it). */
    static Columns of(List<String> header, String time, String event, String entry) {
      Columns c = new Columns(header.indexOf(time), header.indexOf(event), entry == null ? -2 : header.indexOf(entry));
      return c.time < 0 || c.event < 0 || c.entry == -1 ? null : c;
    }

    /** {entry, time}, each + 0.0 (Spark's grouping makes -0.0 and 0.0 one key), or null. */
    double[] entryAndTime(PlainCsv csv) {
      Double t = csv.number(time);
      Double e = entry < 0 ? Double.valueOf(0.0) : csv.number(entry);
      if (t == null || e == null || t < 0 || e < 0 || (entry >= 0 && e >= t)) {
        return null;
      }
      return new double[] {e + 0.0, t + 0.0};
    }

    /** The 0/1 event, or -1. */
    int event01(PlainCsv csv) {
      Double v = csv.number(event);
      if (v == null || (v != 0.0 && v != 1.0)) {
        return -1;
      }
      return v == 1.0 ? 1 : 0;
    }
  }
}
