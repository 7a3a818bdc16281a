package io.regsurv.io;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV record (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) into fields. */
final class CsvParser {
  private CsvParser() {}

  /**
   * The fields of a record, or null when a quoted field is still open at the end (the record
   * continues on the next line, or its quoting is broken). A quote inside an unquoted field is
   * kept as text, as real dumps write {@code 5"寸} that way; text after a closing quote is kept too.
   */
  static List<String> split(String record) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean atStart = true;
    int n = record.length();
    for (int i = 0; i < n; i++) {
      char c = record.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && record.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        atStart = true;
        continue;
      } else if (c == '"' && atStart) {
        quoted = true;
      } else {
        field.append(c);
      }
      atStart = false;
    }
    if (quoted) {
      return null;
    }
    fields.add(field.toString());
    return fields;
  }
}
