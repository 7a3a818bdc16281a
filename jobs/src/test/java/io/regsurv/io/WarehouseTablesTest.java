package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.regsurv.ExpectedFailureLogs;
import io.regsurv.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the Spark and Delta versions of the pom work together: create, append, MERGE, time travel. */
class DeltaRoundTripTest {
  private final SparkSession spark = SharedSpark.spark();

  private static final StructType SCHEMA =
      new StructType().add("uscc", DataTypes.StringType, false).add("status", DataTypes.StringType);

  private Dataset<Row> rows(Object[]... values) {
    return spark.createDataFrame(java.util.Arrays.stream(values).map(RowFactory::create).toList(), SCHEMA);
  }

  @Test
  void createAppendMergeAndTimeTravel(@TempDir Path dir) {
    String path = dir.resolve("t").toString();
    rows(new Object[] {"A", "存续"}, new Object[] {"B", "存续"}).write().format("delta").save(path); // v0
    rows(new Object[] {"C", "注销"}).write().format("delta").mode("append").save(path); // v1

    DeltaTable.forPath(spark, path)
        .as("t")
        .merge(rows(new Object[] {"B", "吊销"}, new Object[] {"D", "存续"}).as("s"), "t.uscc = s.uscc")
        .whenMatched()
        .updateExpr(Map.of("status", "s.status"))
        .whenNotMatched()
        .insertAll()
        .execute(); // v2

    Dataset<Row> now = spark.read().format("delta").load(path);
    assertThat(now.orderBy("uscc").collectAsList())
        .extracting(r -> r.getString(0) + "=" + r.getString(1))
        .containsExactly("A=存续", "B=吊销", "C=注销", "D=存续");

    Dataset<Row> v0 = spark.read().format("delta").option("versionAsOf", 0).load(path);
    assertThat(v0.orderBy("uscc").collectAsList())
        .extracting(r -> r.getString(0) + "=" + r.getString(1))
        .containsExactly("A=存续", "B=存续");
    assertThat(DeltaTable.forPath(spark, path).history().count()).isEqualTo(3);
  }

  @Test
  void warehouseCreatesTablesWithCommentsConstraintsAndCatalogNames(@TempDir Path dir) {
    Warehouse warehouse = new Warehouse(spark, dir.resolve("wh").toString());
    warehouse.ensure(Tables.JOB_RUN);
    warehouse.ensure(Tables.REGISTRY_SNAPSHOT);
    warehouse.ensure(Tables.REGISTRY_SNAPSHOT); // idempotent

    assertThat(warehouse.version(Tables.REGISTRY_SNAPSHOT)).isGreaterThanOrEqualTo(0);
    assertThat(warehouse.location(Tables.REGISTRY_SNAPSHOT)).endsWith("/wh/bronze/registry_snapshot");
    List<Row> described = spark.sql("DESCRIBE TABLE bronze.registry_snapshot").collectAsList();
    assertThat(described)
        .filteredOn(r -> "uscc".equals(r.getString(0)))
        .first()
        .extracting(r -> r.getString(2))
        .asString()
        .contains("Unified social credit code");

    // The CHECK constraint from the definition is enforced by Delta. The failing task is expected:
    // its ERROR lines and stack trace are kept out of the build log.
    Dataset<Row> bad =
        spark.sql(
            "SELECT DATE'2024-07-31' AS snapshot_date, '91110000MA0000000X' AS uscc, true AS uscc_valid,"
                + " DATE'2025-01-01' AS established_date, false AS is_ai_related, 'f.csv' AS source_file,"
                + " CAST(2 AS BIGINT) AS source_line, 'run' AS ingest_run_id");
    ExpectedFailureLogs.silenced(() -> assertThatThrownBy(
            () -> bad.write().format("delta").mode("append").save(warehouse.location(Tables.REGISTRY_SNAPSHOT)))
        .hasMessageContaining("established_not_after_snapshot"));
    assertThat(org.apache.logging.log4j.LogManager.getLogger("org.apache.spark.executor.Executor").getLevel())
        .as("levels restored").isNotEqualTo(org.apache.logging.log4j.Level.OFF);
  }

  @Test
  void catalogRegistrationFollowsTheWarehouse(@TempDir Path dir) {
    Warehouse first = new Warehouse(spark, dir.resolve("one").toString());
    first.ensure(Tables.JOB_RUN);
    spark.sql("INSERT INTO ops.job_run (run_id, stage, started_at, status) VALUES ('r1', 'test', current_timestamp(), 'succeeded')");

    Warehouse second = new Warehouse(spark, dir.resolve("two").toString());
    second.ensure(Tables.JOB_RUN);
    assertThat(spark.sql("SELECT count(*) FROM ops.job_run").head().getLong(0)).isZero();

    // A new process finds the first warehouse's tables again: registrations live with the warehouse.
    first.registerExisting();
    assertThat(spark.table("ops.job_run").select(functions.col("run_id")).head().getString(0)).isEqualTo("r1");
    assertThat(first.read(Tables.JOB_RUN).count()).isEqualTo(1);
  }
}
