package io.regsurv.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts SQL text fed line by line into statements: a statement ends at a {@code ;} that is not
 * inside a string ('…', "…"), a quoted identifier (`…`), a {@code --} line comment or a
 * {@code /* … *&#47;} block comment. Backslash escapes inside strings follow Spark SQL.
 */
final class SqlStatements {
  private final StringBuilder pending = new StringBuilder();
  private char quote; // 0, or the quote character we are inside
  private boolean blockComment;

  /** Adds one line (without its line break); returns the statements it completed, trimmed, without the {@code ;}. */
  List<String> add(String line) {
    List<String> done = new ArrayList<>();
    boolean lineComment = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
      if (lineComment) {
        pending.append(c);
      } else if (blockComment) {
        pending.append(c);
        if (c == '*' && next == '/') {
          pending.append(next);
          i++;
          blockComment = false;
        }
      } else if (quote != 0) {
        pending.append(c);
        if (c == '\\' && quote != '`' && next != 0) {
          pending.append(next);
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '-' && next == '-') {
        lineComment = true;
        pending.append(c);
      } else if (c == '/' && next == '*') {
        blockComment = true;
        pending.append(c).append(next);
        i++;
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        pending.append(c);
      } else if (c == ';') {
        String statement = pending.toString().strip();
        pending.setLength(0);
        if (!isBlank(statement)) {
          done.add(statement);
        }
      } else {
        pending.append(c);
      }
    }
    pending.append('\n');
    return done;
  }

  /** True while a statement has been started but not ended (the shell shows a continuation prompt). */
  boolean inStatement() {
    return quote != 0 || blockComment || !isBlank(pending.toString());
  }

  /** What is left at the end of the input: a last statement without {@code ;}, or empty. */
  String rest() {
    String s = pending.toString().strip();
    pending.setLength(0);
    quote = 0;
    blockComment = false;
    return isBlank(s) ? "" : s;
  }

  /** Discards a half-typed statement (Ctrl-C in the shell). */
  void clear() {
    rest();
  }

  /** Blank or only comments: nothing to run. */
  private static boolean isBlank(String s) {
    String t = s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\n]*", " ");
    return t.isBlank();
  }
}
