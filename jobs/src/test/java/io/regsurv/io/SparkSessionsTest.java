package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  private static final String KEY = "spark.sql.inMemoryColumnarStorage.compressed";

  @Test
  void aSettingChangedForOneBodyIsRestoredAfterItEvenWhenItFails() {
    SparkSession spark = SharedSpark.spark();
    spark.conf().unset(KEY);
    assertThat(SparkSessions.withSqlConf(spark, KEY, "false", () -> spark.conf().get(KEY))).isEqualTo("false");
    assertThat(spark.sessionState().conf().contains(KEY)).as("unset again, as it was").isFalse();

    spark.conf().set(KEY, "true");
    try {
      assertThatThrownBy(() -> SparkSessions.withSqlConf(spark, KEY, "false", () -> {
        throw new IllegalStateException("boom");
      })).hasMessage("boom");
      assertThat(spark.conf().get(KEY)).isEqualTo("true");
    } finally {
      spark.conf().unset(KEY);
    }
  }
}
