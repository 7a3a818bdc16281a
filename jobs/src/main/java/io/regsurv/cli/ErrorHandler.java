package io.regsurv.cli;

import io.regsurv.core.ExitCodes;
import io.regsurv.core.RegsurvException;
import java.io.PrintWriter;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr (the last line, saying what failed and what to do)
 * and an exit code: 2 for bad usage or input, 1 for a job that failed. {@code --verbose} adds the trace.
 */
public final class ErrorHandler implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(prefix(cmd) + ": error: " + oneLine(ex.getMessage())
        + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    err.flush();
    return ExitCodes.BAD_INPUT;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (verbose(parsed)) {
      ex.printStackTrace(err);
    }
    int code;
    String line;
    Throwable conflict = concurrentModification(ex);
    if (conflict != null) {
      // Delta's optimistic concurrency: another job committed to the same table first. Nothing of
      // this run's failed commit is visible; running again (after the other job) is safe.
      code = ExitCodes.JOB_FAILED;
      line = ": failed: another job changed the same Delta table at the same time (" + conflict.getClass().getSimpleName()
          + "); nothing of this commit was written; retry when the other run has finished";
    } else if (ex instanceof RegsurvException r) {
      code = r.exitCode();
      line = (code == ExitCodes.BAD_INPUT ? ": error: " : ": failed: ") + oneLine(r.getMessage());
    } else if (ex instanceof AnalysisException a) {
      code = ExitCodes.BAD_INPUT;
      line = ": error: " + oneLine(a.getSimpleMessage());
    } else {
      code = ExitCodes.JOB_FAILED;
      line = ": failed: " + oneLine(rootMessage(ex)) + " (rerun with --verbose for the stack trace)";
    }
    err.println(prefix(cmd) + line);
    err.flush();
    return code;
  }

  /** Delta's conflict exceptions (ConcurrentAppendException and its siblings) anywhere in the cause chain. */
  static Throwable concurrentModification(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.delta.exceptions.DeltaConcurrentModificationException) {
        return t;
      }
    }
    return null;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable ex) {
    Throwable t = ex;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** First line only, whitespace folded: a Spark message can carry a whole plan. */
  static String oneLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String first = message.strip().lines().findFirst().orElse("");
    return first.replaceAll("\\s+", " ");
  }
}
