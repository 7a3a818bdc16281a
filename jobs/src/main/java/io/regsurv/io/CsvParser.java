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
    int n = record.length();
    int p = 0;
    while (true) {
      if (p < n && record.charAt(p) == '"') {
        StringBuilder field = new StringBuilder();
        boolean quoted = true;
        int i = p + 1;
        for (; i < n; i++) {
          char c = record.charAt(i);
          if (quoted) {
            if (c != '"') {
              field.append(c);
            } else if (i + 1 < n && record.charAt(i + 1) == '"') {
              field.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else if (c == ',') {
            break;
          } else {
            field.append(c);
          }
        }
        if (quoted) {
          return null;
        }
        fields.add(field.toString());
        if (i >= n) {
          return fields;
        }
        p = i + 1;
      } else {
        // An unquoted field (the common case) is one substring: a quote inside it is text.
        int comma = record.indexOf(',', p);
        if (comma < 0) {
          fields.add(record.substring(p));
          return fields;
        }
        fields.add(record.substring(p, comma));
        p = comma + 1;
      }
    }
  }
}
