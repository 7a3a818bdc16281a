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

  private HadoopConf() {}

  /** core-site.xml/hdfs-site.xml defaults plus the spark.hadoop.* properties of this JVM's SparkConf. */
  public static Configuration fromSparkConf() {
    return withSparkHadoopProperties(new Configuration(), new SparkConf());
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
