package io.regsurv;

/** Settings for the JVMs that tests start (crash children, notebook kernels, the cluster's driver and executors). */
public final class ChildJvms {
  /**
   * C1 only: a child JVM runs a few small commands, and C2 compiling Spark's hot paths costs more
   * CPU than it saves there (one demo-snapshot ingest: 48 s of CPU with C2, 30 s without, the same
   * wall time), CPU that the other test JVM and the other children share on a 2-core machine.
   * Not for real runs: at full scale C2's code is what makes the hot loops fast. With C1 alone the
   * JVM reserves a client-sized code cache (48 MB instead of 240 MB), which a whole {@code run
   * --backfill} nearly fills (measured with {@code -XX:+PrintCodeCache}: 47.6 MB at most, and full
   * with survival's writes side by side): a full cache has no room for the adapters a new method
   * handle needs, and the JVM dies ("Out of space in CodeCache for adapters"). So the tiered size.
   */
  public static final java.util.List<String> SHORT_RUN_JIT_FLAGS = java.util.List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m");

  /** {@link #SHORT_RUN_JIT_FLAGS} as one value of REGSURV_JAVA_OPTS (split at spaces by bin/regsurv and the notebooks). */
  public static final String SHORT_RUN_JIT = String.join(" ", SHORT_RUN_JIT_FLAGS);

  /** Spark's interpreted operators: the test JVMs' setting (see SharedSpark), one place for both. */
  public static final java.util.Map<String, String> INTERPRETED_SPARK =
      java.util.Map.of("spark.sql.codegen.wholeStage", "false", "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  /** {@link #INTERPRETED_SPARK} as system properties of a child whose point is not the production path. */
  public static final java.util.List<String> NO_CODEGEN =
      INTERPRETED_SPARK.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).sorted().toList();

  /**
   * Starts {@code pb} with its output (stdout and stderr) to {@code log} and waits for it; should it
   * not finish within the timeout, it is killed with its descendants and the test fails.
   */
  public static Process runToLog(ProcessBuilder pb, java.nio.file.Path log, long timeoutMinutes) throws java.io.IOException, InterruptedException {
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutMinutes, java.util.concurrent.TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", pb.command()) + " did not finish in " + timeoutMinutes + " min; log " + log);
    }
    return p;
  }

  /** The last 40 lines of a child's output, for a failure message. */
  public static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join("\n", java.util.List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  /**
   * A failed child's output for a failure message: its first error lines (a JVM error or an
   * exception is often followed by hundreds of stack frames and shutdown noise, so the tail alone
   * may not name it), then its last 40 lines.
   */
  public static String failure(String output) {
    java.util.List<String> errors = output.lines()
        .filter(l -> !l.startsWith("\tat ") && (l.contains("Exception") || l.contains("Error") || l.contains(" ERROR ")))
        .limit(10)
        .toList();
    return (errors.isEmpty() ? "" : "first error lines:\n" + String.join("\n", errors) + "\nlast lines:\n") + tail(output);
  }

  private ChildJvms() {}
}
