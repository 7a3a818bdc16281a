package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.ExpectedFailureLogs;
import io.regsurv.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Warehouse} and {@link Tables}: tables made from their definitions (comments, constraints, partitioning), catalog names following the warehouse. */
class WarehouseTablesTest {
  private final SparkSession spark = SharedSpark.spark();

  /** Every definition in schemas/tables/ makes its table as written: columns, types, nullability, comments, partitioning, properties, constraints. */
  @Test
  void everyTableIsCreatedAsItsDefinitionSays(@TempDir Path dir) {
    Warehouse warehouse = new Warehouse(spark, dir.resolve("wh").toString());
    for (String name : Tables.ALL) {
      TableDefinition def = Tables.get(name);
      warehouse.ensure(name);
      StructType actual = warehouse.read(name).schema();
      assertThat(actual.fieldNames()).as(name).containsExactly(def.columnNames().toArray(String[]::new));
      for (StructField want : def.schema().fields()) {
        StructField got = actual.apply(want.name());
        assertThat(got.dataType()).as(name + "." + want.name()).isEqualTo(want.dataType());
        assertThat(got.nullable()).as(name + "." + want.name() + " nullable").isEqualTo(want.nullable());
        assertThat(got.getComment().isDefined() ? got.getComment().get() : null).as(name + "." + want.name() + " comment")
            .isNotBlank().isEqualTo(want.getComment().get());
      }
      Row detail = warehouse.delta(name).detail().head();
      assertThat(detail.<String>getAs("description")).as(name + " comment").isEqualTo(def.comment());
      assertThat(detail.<String>getList(detail.fieldIndex("partitionColumns"))).as(name + " partitioning")
          .isEqualTo(def.partitionedBy());
      Map<String, String> props = detail.getJavaMap(detail.fieldIndex("properties"));
      def.properties().forEach((k, v) -> assertThat(props).as(name).containsEntry(k, v));
      def.constraints().forEach((k, v) -> assertThat(props).as(name).containsKey("delta.constraints." + k.toLowerCase()));
    }
  }

  /**
   * A table made with its first rows in one commit ({@link Warehouse#createWithRows}) has the Delta
   * metadata (schema with nullability and comments, partitioning, properties, constraints,
   * description) and protocol of one made empty from its definition, for every table.
   */
  @Test
  void aTableMadeWithItsFirstRowsIsTheTableItsDefinitionMakes(@TempDir Path dir) {
    Warehouse empty = new Warehouse(spark, dir.resolve("empty").toString());
    Warehouse withRows = new Warehouse(spark, dir.resolve("rows").toString());
    for (String name : Tables.ALL) {
      Dataset<Row> none = spark.createDataFrame(List.of(), Tables.get(name).schema());
      empty.ensure(name);
      assertThat(withRows.createWithRows(name, none, null)).as(name + " made").isTrue();
      assertThat(withRows.createWithRows(name, none, null)).as(name + " exists: not made again").isFalse();
      org.apache.spark.sql.delta.Snapshot a = snapshot(empty, name);
      org.apache.spark.sql.delta.Snapshot b = snapshot(withRows, name);
      assertThat(b.version()).as(name + " one commit").isZero();
      assertThat(b.metadata().schemaString()).as(name + " schema").isEqualTo(a.metadata().schemaString());
      assertThat(b.metadata().partitionColumns()).as(name + " partitioning").isEqualTo(a.metadata().partitionColumns());
      assertThat(b.metadata().configuration()).as(name + " properties and constraints").isEqualTo(a.metadata().configuration());
      assertThat(b.metadata().description()).as(name + " comment").isEqualTo(a.metadata().description());
      assertThat(b.metadata().format()).as(name + " format").isEqualTo(a.metadata().format());
      assertThat(b.protocol()).as(name + " protocol").isEqualTo(a.protocol());
      assertThat(spark.sql("SELECT * FROM " + name).schema()).as(name + " registered").isEqualTo(withRows.read(name).schema());
    }
  }

  /** The first rows are checked as any write's: the row condition (replaceWhere's), NOT NULL and CHECK constraints; nothing is made when they fail. */
  @Test
  void firstRowsThatBreakTheRowConditionOrAConstraintMakeNoTable(@TempDir Path dir) {
    Warehouse w = new Warehouse(spark, dir.resolve("wh").toString());
    StructType schema = Tables.get(Tables.REGISTRY_KPI).schema();
    Dataset<Row> kpi = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(java.sql.Date.valueOf("2024-07-31"), 1L,
        "existing_firms", "label", 1.0, null, null, null, null, "definition")), schema);
    ExpectedFailureLogs.silenced(() -> assertThatThrownBy(() -> w.createWithRows(Tables.REGISTRY_KPI, kpi, "as_of_date = DATE'2024-06-30'"))
        .hasStackTraceContaining("replace_where"));
    assertThat(w.exists(Tables.REGISTRY_KPI)).isFalse();
    Dataset<Row> nullKpi = Warehouse.typed(Tables.REGISTRY_KPI, kpi.withColumn("kpi", functions.lit(null).cast("string")));
    ExpectedFailureLogs.silenced(() -> assertThatThrownBy(() -> w.createWithRows(Tables.REGISTRY_KPI, nullKpi, null))
        .hasStackTraceContaining("kpi"));
    assertThat(w.exists(Tables.REGISTRY_KPI)).isFalse();
    assertThat(w.createWithRows(Tables.REGISTRY_KPI, kpi, "as_of_date = DATE'2024-07-31'")).isTrue();
    assertThat(w.read(Tables.REGISTRY_KPI).collectAsList()).containsExactlyElementsOf(kpi.collectAsList());
  }

  /**
   * Replacing a date whose files hold only that date removes those files whole and writes the rows
   * in one WRITE commit with the predicate (no DELETE rewrite); other dates are untouched; a file
   * that also holds another date sends the replacement through Delta's replaceWhere, with the same
   * rows as the outcome; rows outside the date are refused as by replaceWhere.
   */
  @Test
  void replacingADateRemovesItsWholeFilesOrFallsBackToReplaceWhere(@TempDir Path dir) {
    Warehouse w = new Warehouse(spark, dir.resolve("wh").toString());
    String table = Tables.REGISTRY_KPI;
    java.time.LocalDate june = java.time.LocalDate.parse("2024-06-30");
    java.time.LocalDate july = java.time.LocalDate.parse("2024-07-31");
    w.replaceDate(table, "as_of_date", june, kpis(june, 1.0, 2.0));
    w.replaceDate(table, "as_of_date", july, kpis(july, 3.0));
    assertThat(w.version(table)).isEqualTo(1);

    long replaced = w.replaceWholeFiles(table, Warehouse.typed(table, kpis(june, 5.0)), "as_of_date = DATE'2024-06-30'").orElseThrow();
    assertThat(replaced).isEqualTo(2).isEqualTo(w.version(table));
    assertThat(values(w, table)).containsExactly("2024-06-30 5.0", "2024-07-31 3.0");
    Row commit = w.delta(table).history(1).head();
    assertThat(commit.<String>getAs("operation")).isEqualTo("WRITE");
    Map<String, String> parameters = commit.getJavaMap(commit.fieldIndex("operationParameters"));
    assertThat(parameters).containsEntry("mode", "Overwrite");
    assertThat(parameters.get("predicate")).contains("as_of_date = DATE'2024-06-30'");
    assertThat(commit.<String, String>getJavaMap(commit.fieldIndex("operationMetrics"))).as("no DELETE rewrite").doesNotContainKey("numCopiedRows");
    ExpectedFailureLogs.silenced(() -> assertThatThrownBy(() -> w.replaceDate(table, "as_of_date", july, kpis(june, 9.0)))
        .hasStackTraceContaining("replace_where"));
    assertThat(w.version(table)).isEqualTo(2);

    // One file with both dates (written together): not whole, so Delta's replaceWhere does it.
    Warehouse mixed = new Warehouse(spark, dir.resolve("mixed").toString());
    mixed.replaceDates(table, "as_of_date", List.of(june, july), kpis(june, 1.0).unionAll(kpis(july, 3.0)).coalesce(1));
    assertThat(mixed.replaceWholeFiles(table, Warehouse.typed(table, kpis(june, 5.0)), "as_of_date = DATE'2024-06-30'")).isEmpty();
    assertThat(mixed.version(table)).as("nothing committed by the declined fast path").isZero();
    mixed.replaceDate(table, "as_of_date", june, kpis(june, 5.0));
    assertThat(values(mixed, table)).containsExactly("2024-06-30 5.0", "2024-07-31 3.0");
  }

  private Dataset<Row> kpis(java.time.LocalDate asOf, double... values) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(java.sql.Date.valueOf(asOf), 1L, "kpi_" + i, "label", values[i], null, null, null, null,
          "definition"));
    }
    return spark.createDataFrame(rows, Tables.get(Tables.REGISTRY_KPI).schema());
  }

  private static List<String> values(Warehouse w, String table) {
    return w.read(table).orderBy("as_of_date", "kpi").collectAsList().stream()
        .map(r -> r.getDate(r.fieldIndex("as_of_date")) + " " + r.getDouble(r.fieldIndex("value"))).toList();
  }

  private static org.apache.spark.sql.delta.Snapshot snapshot(Warehouse w, String table) {
    return org.apache.spark.sql.delta.DeltaLog.forTable(w.spark(), w.location(table)).update(false, scala.Option.empty(), scala.Option.empty());
  }

  /**
   * Delta keeps min/max statistics only on the columns listed: those that skip files (the date a
   * write replaces, a MERGE's snapshot, maintain's Z-order key), not on every column, which cost a
   * large part of each write. Booleans cannot have them.
   */
  @Test
  void statisticsAreKeptOnTheColumnsThatSkipFiles() {
    for (String name : Tables.ALL) {
      TableDefinition def = Tables.get(name);
      String listed = def.properties().get("delta.dataSkippingStatsColumns");
      if (listed == null) {
        continue;
      }
      List<String> columns = List.of(listed.split(","));
      assertThat(def.columnNames()).as(name).containsAll(columns);
      columns.forEach(c -> assertThat(def.schema().apply(c).dataType()).as(name + "." + c).isNotEqualTo(org.apache.spark.sql.types.DataTypes.BooleanType));
      if (name.startsWith("gold.")) {
        assertThat(columns).as(name + ": replaceDate removes whole files by their as_of_date statistics").contains("as_of_date");
      }
    }
    for (String zOrdered : io.regsurv.ops.Maintenance.ZORDER_BY_USCC) {
      assertThat(Tables.get(zOrdered).properties().get("delta.dataSkippingStatsColumns")).as(zOrdered + ": OPTIMIZE ZORDER BY uscc").contains("uscc");
    }
  }

  @Test
  void definitionNamesAreLayerDotNounAndSchemaCarriesComments() {
    TableDefinition def = Tables.get(Tables.FIRM);
    assertThat(def.database()).isEqualTo("silver");
    assertThat(def.table()).isEqualTo("firm");
    assertThat(def.schema().fieldNames()).containsExactly(def.columnNames().toArray(String[]::new));
    assertThatThrownBy(() -> new TableDefinition("Firm", "c", null, List.of(), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer.noun");
    assertThatThrownBy(() -> Tables.get("silver.nothing")).hasMessageContaining("Unknown table silver.nothing");
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
