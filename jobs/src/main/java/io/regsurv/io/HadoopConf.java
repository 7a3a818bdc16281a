package io.regsurv.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;

/**
 * A Hadoop {@link Configuration} for driver-side file access made before (or without) a
 * SparkSession: the generator's output and {@code run --backfill}'s folder listing. Like Spark's own
 * session configuration it takes every {@code spark.hadoop.*} property (what {@code spark-submit
 * --conf spark.hadoop.fs.s3a.endpoint=…} or {@code spark-defaults.conf} set) without the prefix;
 * a plain {@code new Configuration()} would see only the {@code *-site.xml} files, so S3/HDFS
 * settings given to spark-submit would reach the executors but not these driver-side calls.
 */
public final class HadoopConf {
  private static final String PREFIX = "spark.hadoop.";

  /**
   * Hadoop settings of a local master (no {@code spark.master} given): {@code file:} through
   * {@link NioLocalFileSystem} and {@link NioLocalFs}. SparkSessions gives them as
   * {@code spark.hadoop.*} defaults; {@link #fromSparkConf()} too, because Hadoop caches one
   * file system per scheme for the JVM, made with the settings of whichever call comes first (the
   * generator's may come before the session's).
   */
  public static final java.util.Map<String, String> LOCAL_FILE_SYSTEM = java.util.Map.of(
      "fs.file.impl", NioLocalFileSystem.class.getName(),
      "fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName());

  private HadoopConf() {}

  /**
   * core-site.xml/hdfs-site.xml defaults, {@link #LOCAL_FILE_SYSTEM} for a local master, then the
   * spark.hadoop.* properties of this JVM's SparkConf.
   */
  public static Configuration fromSparkConf() {
    Configuration conf = new Configuration();
    SparkConf spark = new SparkConf();
    if (!spark.contains("spark.master")) {
      LOCAL_FILE_SYSTEM.forEach(conf::set);
    }
    return withSparkHadoopProperties(conf, spark);
  }

  static Configuration withSparkHadoopProperties(Configuration conf, SparkConf spark) {
    for (scala.Tuple2<String, String> e : spark.getAll()) {
      if (e._1().startsWith(PREFIX)) {
        conf.set(e._1().substring(PREFIX.length()), e._2(), "spark.hadoop.* property");
      }
    }
    return conf;
  }
}
