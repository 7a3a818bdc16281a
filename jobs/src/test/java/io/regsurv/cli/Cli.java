package io.regsurv.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the regsurv command line in the test JVM (sharing its SparkSession) and captures its output. */
public record Cli(int exitCode, String out, String err) {

  public static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** The last non-empty line on stderr: the one that says what failed. */
  public String lastErrLine() {
    String[] lines = err.strip().split("\n");
    return lines[lines.length - 1];
  }
}
