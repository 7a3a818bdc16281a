package io.regsurv.api;

import io.regsurv.config.ConfigLoader;
import io.regsurv.pipeline.Pipeline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regsurv.core.ExitCause;
import io.regsurv.core.Json;
import io.regsurv.io.SparkSessions;
import io.regsurv.io.Warehouse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * The warehouse seen from a notebook (Python through JPype, or any JVM language): opens a local
 * SparkSession on a warehouse with every table registered, and answers SQL queries with small
 * results as JSON text, which crosses into Python without any per-value bridging.
 *
 * <p>Results are meant to be aggregated gold data (a curve per cohort, monthly counts): a query
 * whose result exceeds {@link #maxRows()} fails instead of pulling a silver table into the driver.
 */
public final class Notebook implements AutoCloseable {
  /** Default cap on the rows one query may return. */
  public static final int DEFAULT_MAX_ROWS = 200_000;

  private final Warehouse warehouse;
  private final boolean ownsSession;
  private int maxRows = DEFAULT_MAX_ROWS;

  private Notebook(Warehouse warehouse, boolean ownsSession) {
    this.warehouse = warehouse;
    this.ownsSession = ownsSession;
  }

  /**
   * Opens the warehouse (a local path or a URI): starts a local SparkSession with Delta configured,
   * or reuses this JVM's session, and registers the warehouse's tables in the catalog.
   */
  public static Notebook open(String warehouse) {
    if (warehouse == null || warehouse.isBlank()) {
      throw new IllegalArgumentException("Cannot open the warehouse: no path given");
    }
    boolean existed = SparkSession.getDefaultSession().isDefined();
    SparkSession spark = SparkSessions.create("notebook", warehouse);
    Warehouse wh = new Warehouse(spark, warehouse);
    if (!wh.exists(io.regsurv.io.Tables.SURVIVAL_CURVE)) {
      throw new IllegalArgumentException("Cannot open the warehouse " + wh.root()
          + ": it has no gold.survival_curve table (run 'bin/regsurv demo' or the pipeline first)");
    }
    wh.registerExisting();
    // Spark 4.1 leaves named parameters of sql(text, args) unbound (UNBOUND_SQL_PARAMETER,
    // apache/spark#55392); the legacy constants-only substitution binds them, and parameters
    // here are only ever constants.
    spark.conf().set("spark.sql.legacy.parameterSubstitution.constantsOnly", "true");
    return new Notebook(wh, !existed);
  }

  /** The pipeline on this warehouse with the default settings: run a stage from a notebook as the CLI would. */
  public Pipeline pipeline() {
    return Pipeline.on(warehouse, ConfigLoader.load(null, java.util.Map.of("warehouse", warehouse.root())));
  }

  /** The warehouse root as a URI. */
  public String warehouse() {
    return warehouse.root();
  }

  public int maxRows() {
    return maxRows;
  }

  /** Changes the cap on the rows one query may return. */
  public void setMaxRows(int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, was " + maxRows);
    }
    this.maxRows = maxRows;
  }

  /** {@link #queryJson(String, String)} without parameters. */
  public String queryJson(String sql) {
    return queryJson(sql, null);
  }

  /**
   * Runs a query and returns {@code {"columns": [{"name", "type"}…], "rows": [[…]…]}}: Spark's
   * type names ({@code date}, {@code double}, …) let the caller restore types; dates and timestamps
   * are ISO text, NULL is null. {@code paramsJson} is a JSON object of named parameters
   * ({@code :cohort} in the SQL), bound by Spark rather than pasted into the text.
   */
  public String queryJson(String sql, String paramsJson) {
    Dataset<Row> result = paramsJson == null || paramsJson.isBlank()
        ? warehouse.spark().sql(sql)
        : warehouse.spark().sql(sql, params(paramsJson));
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    if (rows.size() > maxRows) {
      throw new IllegalArgumentException("The query returned more than " + maxRows
          + " rows; aggregate in SQL first (or raise the cap with setMaxRows)");
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode columns = out.putArray("columns");
    StructField[] fields = result.schema().fields();
    for (StructField f : fields) {
      columns.addObject().put("name", f.name()).put("type", f.dataType().simpleString());
    }
    ArrayNode data = out.putArray("rows");
    for (Row row : rows) {
      ArrayNode r = data.addArray();
      for (int i = 0; i < fields.length; i++) {
        Object v = row.isNullAt(i) ? null : row.get(i);
        if (v instanceof java.util.Date || v instanceof java.time.temporal.Temporal) {
          r.add(v.toString());
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
          r.addNull();
        } else {
          r.add(Json.MAPPER.valueToTree(v));
        }
      }
    }
    return out.toString();
  }

  /** The latest Delta version of a table, e.g. to label a figure with what it was drawn from. */
  public long version(String table) {
    return warehouse.version(table);
  }

  /**
   * The exit causes of gold.cumulative_incidence, in the order figures stack and colour them: the
   * notebooks take them from here rather than keep their own copy.
   */
  public List<String> exitCauses() {
    return ExitCause.ids();
  }

  /** Stops the SparkSession if this notebook started it. */
  @Override
  public void close() {
    if (ownsSession) {
      warehouse.spark().stop();
    }
  }

  private static Map<String, Object> params(String paramsJson) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(paramsJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("Query parameters are not a JSON object: " + e.getMessage());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("Query parameters must be a JSON object, were " + node.getNodeType());
    }
    Map<String, Object> params = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      JsonNode v = e.getValue();
      Object value;
      if (v.isNull()) {
        value = null;
      } else if (v.isIntegralNumber()) {
        value = v.asLong();
      } else if (v.isNumber()) {
        value = v.asDouble();
      } else if (v.isBoolean()) {
        value = v.asBoolean();
      } else if (v.isTextual()) {
        value = v.asText();
      } else {
        throw new IllegalArgumentException("Query parameter " + e.getKey() + " must be a number, text, boolean or null");
      }
      params.put(e.getKey(), value);
    }
    return params;
  }
}
