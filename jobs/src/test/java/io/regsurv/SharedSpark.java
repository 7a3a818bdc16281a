package io.regsurv;

import io.regsurv.io.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The one local SparkSession of a test JVM (Surefire runs one for every class, Failsafe one per *IT class): made once, shared by its tests. */
public final class SharedSpark {
  /**
   * Test settings, unless the build (Surefire's systemPropertyVariables) or the user gave others:
   * tiny data wants few shuffle partitions (each an extra task per stage), and no UI server.
   *
   * <p>No code generation: the tests run thousands of small queries of many shapes, and generating
   * and compiling Java for each (Janino, then the JIT) cost more than the rows it speeds up.
   * Spark's interpreted operators give the same rows (its own suites run both ways). Measured on
   * the 2-core machine: RerunStatusMaintainTest alone 166 s with code generation, 115 s without;
   * Surefire's whole run 14.6 min, then 11.6 min. The production path still runs, generated code
   * and all, in the integration tests' own JVMs (the loopback cluster's driver and executors and
   * its local run, the notebooks' kernels); the crash children run interpreted, as here.
   */
  // Declared before SPARK: static fields initialise in order, and create() reads this one.
  static final java.util.Map<String, String> TEST_DEFAULTS = testDefaults();

  private static java.util.Map<String, String> testDefaults() {
    java.util.Map<String, String> defaults = new java.util.HashMap<>(ChildJvms.INTERPRETED_SPARK);
    defaults.put("spark.sql.shuffle.partitions", "4");
    defaults.put("spark.ui.enabled", "false");
    return java.util.Map.copyOf(defaults);
  }

  private static final SparkSession SPARK = create();

  private SharedSpark() {}

  public static SparkSession spark() {
    return SPARK;
  }

  private static SparkSession create() {
    // SparkSessions reads spark.* system properties; set before the session exists (an IDE run has no Surefire settings).
    TEST_DEFAULTS.forEach((k, v) -> {
      if (System.getProperty(k) == null) {
        System.setProperty(k, v);
      }
    });
    try {
      Path root = Files.createTempDirectory("regsurv-test-spark");
      root.toFile().deleteOnExit();
      return SparkSessions.create("tests", root.resolve("warehouse").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
