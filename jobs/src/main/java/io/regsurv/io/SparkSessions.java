package io.regsurv.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place a SparkSession is made: Delta configured, {@code local[*]} only when no master was
 * given (so spark-submit's --master wins), and quiet, deterministic defaults for local runs.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** A session for the given warehouse; an existing session of this JVM is reused (getOrCreate). */
  public static SparkSession create(String appName, String warehouse) {
    // One session per JVM: later callers (tests, notebooks, `run`'s stages) share it. Tables are
    // addressed by location, so the first session's warehouse.dir does not bind later callers.
    scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
    if (existing.isDefined()) {
      return existing.get();
    }
    // SparkConf reads the spark.* system properties that spark-submit and users set.
    SparkConf given = new SparkConf();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.put("spark.sql.warehouse.dir", warehouseUri(warehouse));
    Map<String, String> defaults = new LinkedHashMap<>();
    // Dates are calendar dates; a fixed zone keeps timestamps in ops tables comparable.
    defaults.put("spark.sql.session.timeZone", "UTC");
    defaults.put("spark.ui.showConsoleProgress", "false");
    defaults.put("spark.sql.adaptive.enabled", "true");
    defaults.put("spark.databricks.delta.schema.autoMerge.enabled", "false");
    // Delta 4.x ignores VACUUM's retention argument (other than 0) unless this is off; regsurv
    // maintain passes the retention the operator chose, and Delta's retention check still guards it.
    defaults.put("spark.databricks.delta.vacuum.retentionWindowIgnore.enabled", "false");
    SparkSession.Builder builder = SparkSession.builder().appName("regsurv " + appName);
    if (!given.contains("spark.master")) {
      builder.master("local[*]");
      int cores = Runtime.getRuntime().availableProcessors();
      // Small, local defaults: no UI port to fight over, loopback only, few shuffle partitions
      // (AQE coalesces further) and a Delta log replay sized for one machine.
      defaults.put("spark.ui.enabled", "false");
      defaults.put("spark.driver.host", "127.0.0.1");
      defaults.put("spark.driver.bindAddress", "127.0.0.1");
      defaults.put("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, cores * 4)));
      defaults.put("spark.databricks.delta.snapshotPartitions", String.valueOf(Math.max(2, cores)));
      // Delta's VACUUM lists the table's folders with this many tasks (Spark's default: 10,000),
      // which on one machine turns a second of listing into minutes of task scheduling.
      defaults.put("spark.sql.sources.parallelPartitionDiscovery.parallelism", String.valueOf(Math.max(4, cores * 4)));
      HadoopConf.LOCAL_FILE_SYSTEM.forEach((k, v) -> defaults.put("spark.hadoop." + k, v));
    }
    defaults.forEach((k, v) -> conf.putIfAbsent(k, given.contains(k) ? given.get(k) : v));
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * {@link #withSqlConf} for caches built uncompressed: for a cache that is small or read once,
   * the compression statistics Spark gathers for every value cost more than the memory they save.
   */
  public static <T> T withUncompressedCaches(SparkSession spark, java.util.function.Supplier<T> body) {
    return withSqlConf(spark, "spark.sql.inMemoryColumnarStorage.compressed", "false", body);
  }

  /**
   * Runs {@code body} with one SQL setting changed on the session, restored after (to its value or
   * to unset). For settings read when a plan runs, such as how a cache is built; the session is
   * shared, so this is for a driver thread that runs its job alone.
   */
  public static <T> T withSqlConf(SparkSession spark, String key, String value, java.util.function.Supplier<T> body) {
    // Set explicitly or not: getOption would answer a registered setting's default either way.
    boolean wasSet = spark.sessionState().conf().contains(key);
    String before = wasSet ? spark.conf().get(key) : null;
    spark.conf().set(key, value);
    try {
      return body.get();
    } finally {
      if (wasSet) {
        spark.conf().set(key, before);
      } else {
        spark.conf().unset(key);
      }
    }
  }

  /** A warehouse given as a plain local path becomes an absolute file: URI; URIs (s3a://, hdfs://) pass through. */
  public static String warehouseUri(String warehouse) {
    if (warehouse.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
      return stripSlash(warehouse);
    }
    // Hadoop's spelling (file:/abs/path), so that Delta sees one location, not two.
    return stripSlash("file:" + Path.of(warehouse).toAbsolutePath().normalize());
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
