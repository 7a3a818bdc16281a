package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.core.ExitCodes;
import io.regsurv.core.RegsurvException;
import io.regsurv.io.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code regsurv sql}: a query against the bronze, silver, gold and ops tables, printed for people
 * or scripts; without a query, a shell that reads statements ending in {@code ;}.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run Spark SQL against the warehouse's catalog (databases bronze, silver, gold, ops).",
      "Delta time travel works: SELECT ... FROM gold.survival_curve VERSION AS OF 3 (or TIMESTAMP AS OF '2024-07-31 12:00:00').",
      "Without QUERY: a shell reading statements from standard input, each ending in ';' (they may span lines).",
      "On a terminal it has line editing and history (~/.regsurv_history); type quit or press Ctrl-D to leave.",
      "A failing statement prints one error line and the shell goes on. Exit code when the input ends:",
      "0 on a terminal; otherwise (piped input, -f) 0 if every statement ran, else the first failure's code (2 bad SQL, 1 failed).",
      "Example: regsurv sql \"SELECT cohort, n_firms FROM gold.cohort_summary LIMIT 5\""
    })
final class SqlCommand implements Callable<Integer> {
  private static final String PROMPT = "regsurv> ";
  private static final String CONTINUATION = "      -> ";

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY", description = "The SQL statement. Omit it for the shell.")
  String query;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of a script file (each ending in ';') instead of a query or the shell.")
  Path file;

  @Option(names = "--format", defaultValue = "table", description = "table (aligned), csv or json (one object per line). Default: table.")
  OutputFormat format;

  @Option(names = "--max-rows", defaultValue = "10000", description = "Print at most this many rows of each result. Default: ${DEFAULT-VALUE}.")
  int maxRows;

  /** Standard input of the shell; {@link Main#run(InputStream, PrintWriter, PrintWriter, String...)} replaces it. */
  InputStream stdin = System.in;

  private Warehouse warehouse;
  private int firstFailure = ExitCodes.OK;

  @Override
  public Integer call() throws IOException {
    if (query != null && file != null) {
      throw new BadInputException("Give either a QUERY or -f FILE, not both");
    }
    if (maxRows < 1) {
      throw new BadInputException("--max-rows must be at least 1, was " + maxRows);
    }
    String script = null;
    if (file != null) {
      try {
        script = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new BadInputException("Cannot run script " + file + ": no such file");
      }
    }
    RunConfig config = common.config();
    warehouse = CommonOptions.openWarehouse("sql", config);
    if (query != null) {
      print(warehouse.spark().sql(query));
      return ExitCodes.OK;
    }
    if (script != null) {
      return runLines(new java.io.StringReader(script));
    }
    if (stdin == System.in && System.console() != null) {
      return runTerminal();
    }
    return runLines(new InputStreamReader(stdin, StandardCharsets.UTF_8));
  }

  /** Piped input or a script: no prompts, every statement runs, the first failure's code is returned. */
  private int runLines(Reader reader) throws IOException {
    SqlStatements statements = new SqlStatements();
    BufferedReader in = new BufferedReader(reader);
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!statements.inStatement() && isQuit(line)) {
        return firstFailure;
      }
      for (String s : statements.add(line)) {
        execute(s);
      }
    }
    String last = statements.rest();
    if (!last.isEmpty()) {
      execute(last);
    }
    return firstFailure;
  }

  /** A terminal: JLine line editing, history file, prompts; Ctrl-C drops the half-typed statement. */
  private int runTerminal() throws IOException {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("regsurv")
              .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".regsurv_history"))
              // SQL has '!=' and backslashes in strings: no history expansion, no escape handling.
              .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
              .build();
      PrintWriter out = spec.commandLine().getOut();
      out.println("regsurv sql shell on " + warehouse.root() + ": statements end with ';', quit or Ctrl-D to leave.");
      out.flush();
      SqlStatements statements = new SqlStatements();
      while (true) {
        String line;
        try {
          line = reader.readLine(statements.inStatement() ? CONTINUATION : PROMPT);
        } catch (UserInterruptException e) {
          statements.clear();
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        if (!statements.inStatement() && isQuit(line)) {
          break;
        }
        for (String s : statements.add(line)) {
          execute(s);
        }
      }
      return ExitCodes.OK;
    }
  }

  private static boolean isQuit(String line) {
    String t = line.strip().toLowerCase(Locale.ROOT);
    return t.equals("quit") || t.equals("exit") || t.equals("quit;") || t.equals("exit;") || t.equals("\\q");
  }

  /** Runs one statement of the shell: its result is printed, a failure is one line on stderr. */
  private void execute(String statement) {
    try {
      print(warehouse.spark().sql(statement));
    } catch (Exception e) { // AnalysisException is checked in Java's eyes, though spark.sql does not declare it
      PrintWriter err = spec.commandLine().getErr();
      if (common.verbose) {
        e.printStackTrace(err);
      }
      int code;
      String line;
      if (e instanceof RegsurvException r) {
        code = r.exitCode();
        line = ErrorHandler.oneLine(r.getMessage());
      } else if (e instanceof AnalysisException a) {
        code = ExitCodes.BAD_INPUT;
        line = ErrorHandler.oneLine(a.getSimpleMessage());
      } else {
        code = ExitCodes.JOB_FAILED;
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
          t = t.getCause();
        }
        line = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + ErrorHandler.oneLine(t.getMessage()));
      }
      err.println("regsurv sql: " + (code == ExitCodes.BAD_INPUT ? "error: " : "failed: ") + line);
      err.flush();
      if (firstFailure == ExitCodes.OK) {
        firstFailure = code;
      }
    }
  }

  private void print(Dataset<Row> result) {
    String[] columns = result.columns();
    if (columns.length == 0) {
      return; // DDL and other commands without a result: nothing to show
    }
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    boolean truncated = rows.size() > maxRows;
    format.print(spec.commandLine().getOut(), Arrays.asList(columns), truncated ? rows.subList(0, maxRows) : rows);
    if (truncated) {
      spec.commandLine().getErr().println("regsurv sql: showing the first " + maxRows + " rows (--max-rows)");
      spec.commandLine().getErr().flush();
    }
  }
}
