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

  /**
   * Arguments of one {@code ingest} of every {@code dt=} folder of {@code registry} (as the generator
   * writes them) in one pass, the dates taken from the folder names; {@code extra} options after them.
   */
  public static String[] ingestAll(String warehouse, java.nio.file.Path registry, java.util.List<String> dates, String... extra) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("ingest", "--warehouse", warehouse));
    args.addAll(java.util.List.of(extra));
    dates.forEach(d -> args.add(registry.resolve("dt=" + d).toString()));
    return args.toArray(String[]::new);
  }

  /** The last non-empty line on stderr: the one that says what failed. */
  public String lastErrLine() {
    String[] lines = err.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** Bad input: exit 2 and one line on stderr that says {@code message}. */
  public void assertBadInput(String message) {
    org.assertj.core.api.Assertions.assertThat(exitCode).as(err).isEqualTo(2);
    org.assertj.core.api.Assertions.assertThat(err.strip().lines().count()).as(err).isEqualTo(1);
    org.assertj.core.api.Assertions.assertThat(lastErrLine()).contains(message);
  }
}
