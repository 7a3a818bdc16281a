package io.regsurv;

import io.regsurv.io.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The one local SparkSession of the test JVM (Surefire runs a single fork): made once, shared by all tests. */
public final class SharedSpark {
  private static final SparkSession SPARK = create();

  private SharedSpark() {}

  public static SparkSession spark() {
    return SPARK;
  }

  private static SparkSession create() {
    try {
      Path root = Files.createTempDirectory("regsurv-test-spark");
      root.toFile().deleteOnExit();
      return SparkSessions.create("tests", root.resolve("warehouse").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
