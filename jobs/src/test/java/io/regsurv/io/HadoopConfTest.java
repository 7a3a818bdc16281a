package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class HadoopConfTest {
  @Test
  void sparkHadoopPropertiesReachTheDriverSideConfiguration() {
    SparkConf spark = new SparkConf(false)
        .set("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
        .set("spark.sql.shuffle.partitions", "4");
    Configuration conf = HadoopConf.withSparkHadoopProperties(new Configuration(false), spark);
    assertThat(conf.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
    assertThat(conf.get("spark.sql.shuffle.partitions")).isNull();
    assertThat(conf.get("sql.shuffle.partitions")).isNull();
  }

  @Test
  void systemPropertiesSetBySparkSubmitAreRead() {
    // spark-submit in client mode hands --conf entries to the driver as system properties.
    System.setProperty("spark.hadoop.regsurv.test.key", "from-submit");
    try {
      assertThat(HadoopConf.fromSparkConf().get("regsurv.test.key")).isEqualTo("from-submit");
    } finally {
      System.clearProperty("spark.hadoop.regsurv.test.key");
    }
  }
}
