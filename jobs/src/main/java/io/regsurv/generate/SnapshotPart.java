package io.regsurv.generate;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes one part file of one snapshot: every firm {@code i ≡ part (mod parts)} established by the
 * snapshot date, as its row in the dump (with dirt at the configured rate), and logs each dirty line.
 */
final class SnapshotPart {
  private static final String[] UNKNOWN_STATUSES = {"待核实", "其他", "异常", "正常（待迁移）"};
  private static final String[] MISSING = {"", "N/A", "-", "无"};

  private final FirmModel model;
  private final GeneratorSettings settings;
  private final LocalDate snapshot;
  private final int snapshotDay;
  private final int part;

  SnapshotPart(FirmModel model, GeneratorSettings settings, LocalDate snapshot, int part) {
    this.model = model;
    this.settings = settings;
    this.snapshot = snapshot;
    this.snapshotDay = (int) snapshot.toEpochDay();
    this.part = part;
  }

  /** Writes rows to {@code out}, dirt records to {@code dirtLog}; returns [rows, dirty rows]. */
  long[] write(Writer out, Writer dirtLog, String fileName) throws IOException {
    boolean csv = settings.format() == SnapshotFormat.CSV;
    long line = 0;
    long rows = 0;
    long dirty = 0;
    if (csv) {
      out.write(csvLine(SnapshotFormat.CSV_HEADER));
      line++;
    }
    for (long i = part; i < model.firms(); i += settings.parts()) {
      Firm f = model.firm(i);
      if (f.establishedDay() > snapshotDay) {
        continue;
      }
      List<String> row = row(f);
      SplittableRandom rng = new SplittableRandom(FirmModel.mix(settings.seed() ^ 0x5DEECE66DL, i * 1_000_003L + snapshotDay));
      DirtKind kind = rng.nextDouble() < settings.dirtRate() ? DirtKind.pick(rng.nextDouble()) : null;
      if (kind == DirtKind.DUPLICATE) {
        out.write(render(row, csv));
        line++;
        rows++;
      }
      String text = kind == null || kind == DirtKind.DUPLICATE ? render(row, csv) : dirty(kind, row, csv, rng);
      out.write(text);
      line++;
      rows++;
      if (kind != null) {
        dirty++;
        dirtLog.write(snapshot + "," + fileName + "," + line + "," + kind + "," + f.uscc() + "," + kind.recoverable() + "\n");
      }
    }
    return new long[] {rows, dirty};
  }

  /** The firm as the dump shows it on the snapshot date, in contract column order. */
  List<String> row(Firm f) {
    Firm.Event e = f.stateAt(snapshotDay);
    List<String> r = new ArrayList<>(13);
    r.add(f.uscc());
    r.add(f.name());
    r.add(e.status());
    r.add(LocalDate.ofEpochDay(f.establishedDay()).toString());
    r.add(LocalDate.ofEpochDay(e.day()).toString());
    r.add(date(f, e.cancelledDay()));
    r.add(date(f, e.revokedDay()));
    r.add(f.registeredCapital());
    r.add(f.entityType());
    r.add(e.province().name());
    r.add(e.city().name());
    r.add(f.businessScope());
    r.add(f.legalRepresentative());
    return r;
  }

  private static String date(Firm f, int day) {
    if (day == Firm.Event.NONE) {
      return "";
    }
    // Some dumps leave the status date out; its spelling of "missing" varies by source.
    return f.statusDatesMissing() ? MISSING[(int) (f.index() % MISSING.length)] : LocalDate.ofEpochDay(day).toString();
  }

  private String dirty(DirtKind kind, List<String> row, boolean csv, SplittableRandom rng) {
    List<String> r = new ArrayList<>(row);
    switch (kind) {
      case MALFORMED -> {
        if (!csv) {
          String full = render(r, false);
          return full.substring(0, full.length() / 2) + "\n";
        }
        if (rng.nextBoolean()) {
          return csvLine(r.subList(0, 9));
        }
        // A stray quote inside an unquoted field: not RFC 4180, and it stays on its line.
        r.set(1, r.get(1).substring(0, 2) + "\"" + r.get(1).substring(2));
        return String.join(",", r.stream().map(v -> v.replace(",", "，")).toList()) + "\n";
      }
      case SHIFTED_COLUMNS -> {
        r.remove(0);
        r.add("");
      }
      case INVALID_CHECK_DIGIT -> {
        String code = r.get(0);
        char check = code.charAt(17);
        char wrong = io.regsurv.core.Uscc.CHARSET.charAt((io.regsurv.core.Uscc.CHARSET.indexOf(check) + 1 + rng.nextInt(30)) % 31);
        r.set(0, code.substring(0, 17) + wrong);
      }
      case IMPOSSIBLE_DATE -> {
        int which = rng.nextInt(3);
        r.set(3, which == 0 ? "2023-02-30" : which == 1 ? "1800" + r.get(3).substring(4) : snapshot.plusDays(1 + rng.nextInt(400)).toString());
      }
      case UNKNOWN_STATUS -> r.set(2, UNKNOWN_STATUSES[rng.nextInt(UNKNOWN_STATUSES.length)]);
      case FULL_WIDTH -> {
        r.set(0, fullWidth(r.get(0)));
        r.set(3, fullWidth(r.get(3)));
        r.set(1, "\u3000" + r.get(1) + "\u3000");
        r.set(7, fullWidth(r.get(7)));
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    return render(r, csv);
  }

  static String fullWidth(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' ? (char) (c - 0x20 + 0xFF00) : c == ' ' ? '\u3000' : c);
    }
    return b.toString();
  }

  static String render(List<String> row, boolean csv) {
    return csv ? csvLine(row) : jsonLine(row);
  }

  static String csvLine(List<String> fields) {
    StringBuilder b = new StringBuilder(256);
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String v = fields.get(i);
      if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
        b.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        b.append(v);
      }
    }
    return b.append('\n').toString();
  }

  /** Missing values are JSON null, as a vendor API writes them. */
  static String jsonLine(List<String> values) {
    StringBuilder b = new StringBuilder(320).append('{');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(SnapshotFormat.JSON_KEYS.get(i)).append("\":");
      String v = values.get(i);
      if (v.isEmpty()) {
        b.append("null");
      } else {
        b.append('"');
        for (int k = 0; k < v.length(); k++) {
          char c = v.charAt(k);
          if (c == '"' || c == '\\') {
            b.append('\\').append(c);
          } else if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
        b.append('"');
      }
    }
    return b.append("}\n").toString();
  }
}
