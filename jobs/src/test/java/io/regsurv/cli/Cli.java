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

  /** As {@link #run(String...)}, with {@code stdin} as the command's standard input (the {@code sql} shell). */
  public static Cli runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.InputStream in = new java.io.ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    int code = Main.run(in, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** The last non-empty line on stderr: the one that says what failed. */
  public String lastErrLine() {
    String[] lines = err.strip().split("\n");
    return lines[lines.length - 1];
  }
}
