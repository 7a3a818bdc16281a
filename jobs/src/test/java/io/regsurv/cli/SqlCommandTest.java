package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.regsurv.SharedSpark;
import io.regsurv.core.Json;
import io.regsurv.io.Warehouse;
import io.regsurv.io.ColumnDefinition;
import io.regsurv.io.TableDefinition;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * {@code regsurv sql} on a real small warehouse (generate → ingest ×2 → classify → survival at two
 * as-of dates → report): time travel, column comments, the catalog across runs, and the shell.
 */
class SqlCommandTest {
  @TempDir static Path dir;
  static String wh;

  @BeforeAll
  static void warehouse() {
    Path data = dir.resolve("registry");
    wh = dir.resolve("wh").toString();
    ok(Cli.run("generate", "--out", data.toString(), "--firms", "800", "--snapshots", "2023-12-31,2024-06-30", "--dirt-rate", "0"));
    for (String d : List.of("2023-12-31", "2024-06-30")) {
      ok(Cli.run("ingest", "--warehouse", wh, "--snapshot-date", d, data.resolve("dt=" + d).toString()));
    }
    ok(Cli.run("classify", "--warehouse", wh));
    // Two as-of dates: two commits of gold.survival_curve, each adding one date's rows.
    for (String asOf : List.of("2023-12-31", "2024-06-30")) {
      ok(Cli.run("survival", "--warehouse", wh, "--as-of", asOf, "--set", "survival.cohortDimensions=all,era"));
    }
    ok(Cli.run("report", "--warehouse", wh));
  }

  @Test
  void timeTravelByVersionAndByTimestamp() {
    List<JsonNode> history = json(sql("DESCRIBE HISTORY gold.survival_curve"));
    Map<Long, String> commitTime = new LinkedHashMap<>();
    for (JsonNode h : history) {
      commitTime.put(h.get("version").asLong(), h.get("timestamp").asText());
    }
    long latest = commitTime.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    long first = latest - 1; // the commit of the first as-of date
    String datesSql = "SELECT count(DISTINCT as_of_date) AS dates, min(as_of_date) AS first_date FROM gold.survival_curve";

    JsonNode now = json(sql(datesSql)).get(0);
    assertThat(now.get("dates").asInt()).isEqualTo(2);
    JsonNode byVersion = json(sql(datesSql + " VERSION AS OF " + first)).get(0);
    assertThat(byVersion.get("dates").asInt()).isEqualTo(1);
    assertThat(byVersion.get("first_date").asText()).isEqualTo("2023-12-31");
    // TIMESTAMP AS OF the first commit's own time: that version, not the later one.
    JsonNode byTime = json(sql(datesSql + " TIMESTAMP AS OF '" + commitTime.get(first) + "'")).get(0);
    assertThat(byTime.get("dates").asInt()).isEqualTo(1);
    JsonNode latestByTime = json(sql(datesSql + " TIMESTAMP AS OF '" + commitTime.get(latest) + "'")).get(0);
    assertThat(latestByTime.get("dates").asInt()).isEqualTo(2);

    Cli tooNew = Cli.run("sql", "--warehouse", wh, "SELECT 1 FROM gold.survival_curve VERSION AS OF " + (latest + 5));
    assertThat(tooNew.exitCode()).isEqualTo(2);
    assertThat(tooNew.err().strip().lines().count()).as(tooNew.err()).isEqualTo(1);
  }

  @Test
  void describeTableExtendedShowsACommentForEveryColumnOfEveryTable() {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), wh);
    for (String table : Tables.ALL) {
      assertThat(warehouse.exists(table)).as("the pipeline created %s", table).isTrue();
      TableDefinition def = Tables.get(table);
      Map<String, String> comments = new LinkedHashMap<>();
      String tableComment = null;
      boolean columns = true;
      for (JsonNode row : json(sql("DESCRIBE TABLE EXTENDED " + table))) {
        String name = row.get("col_name").asText();
        if (name.isEmpty() || name.startsWith("#")) {
          columns = false; // partitioning and the detailed table information follow
        } else if (columns) {
          comments.put(name, row.get("comment").isNull() ? "" : row.get("comment").asText());
        } else if (name.equals("Comment")) {
          tableComment = row.get("data_type").asText();
        }
      }
      assertThat(comments.keySet()).as(table).containsExactlyElementsOf(def.columnNames());
      for (ColumnDefinition c : def.columns()) {
        assertThat(comments.get(c.name())).as("comment of %s.%s", table, c.name()).isNotBlank().isEqualTo(c.comment());
      }
      assertThat(tableComment).as("comment of %s", table).isEqualTo(def.comment());
    }
  }

  @Test
  void tablesAreRegisteredAgainFromTheWarehouseAtTheNextRun() {
    ok(Cli.run("km", "--warehouse", wh, "--query",
        "SELECT datediff(coalesce(exit_date, DATE'2024-06-30'), established_date) AS days, CAST(is_exited AS INT) AS exited FROM silver.firm",
        "--time", "days", "--event", "exited", "--format", "csv", "--output-table", "gold.km_all_firms"));
    long curveRows = json(sql("SELECT count(*) AS n FROM gold.km_all_firms")).get(0).get("n").asLong();
    assertThat(curveRows).isGreaterThan(1);
    assertThat(Files.isDirectory(dir.resolve("wh/gold/km_all_firms/_delta_log"))).isTrue();

    // A new process starts with an empty catalog: forget the registrations (the files stay).
    var catalog = SharedSpark.spark().sessionState().catalog();
    for (String[] t : new String[][] {{"gold", "cohort_summary"}, {"gold", "km_all_firms"}, {"silver", "firm"}}) {
      catalog.dropTable(new TableIdentifier(t[1], Option.apply(t[0])), false, false);
      assertThat(catalog.tableExists(new TableIdentifier(t[1], Option.apply(t[0])))).isFalse();
    }
    assertThat(json(sql("SELECT count(*) AS n FROM gold.km_all_firms")).get(0).get("n").asLong()).isEqualTo(curveRows);
    assertThat(json(sql("SELECT count(*) AS n FROM gold.cohort_summary")).get(0).get("n").asLong()).isPositive();
    JsonNode location = json(sql("DESCRIBE TABLE EXTENDED silver.firm")).stream()
        .filter(r -> r.get("col_name").asText().equals("Location")).findFirst().orElseThrow();
    assertThat(location.get("data_type").asText()).endsWith("/wh/silver/firm");
  }

  @Test
  void shellRunsMultiLineStatementsAndGoesOnAfterAnError() {
    String input = String.join("\n",
        "SELECT 1 AS a;",
        "SELECT 'x;y' AS b, -- a ; in a comment",
        "       2 AS c",
        ";",
        "SELECT nope FROM gold.no_such_table;",
        "/* block ; comment */ SELECT count(*) AS n",
        "  FROM gold.cohort_summary WHERE dimension = 'all'");
    Cli shell = Cli.runWithInput(input, "sql", "--warehouse", wh, "--format", "csv");
    assertThat(shell.out()).isEqualTo("a\n1\nb,c\nx;y,2\nn\n2\n"); // one 'all' row per as-of date
    assertThat(shell.err().strip().lines().toList()).as(shell.err()).hasSize(1);
    assertThat(shell.lastErrLine()).startsWith("regsurv sql: error: ").contains("no_such_table");
    assertThat(shell.exitCode()).isEqualTo(2);

    Cli clean = Cli.runWithInput("SELECT 1 AS a;\nquit\nSELECT 2 AS b;\n", "sql", "--warehouse", wh, "--format", "json");
    assertThat(clean.exitCode()).as(clean.err()).isZero();
    assertThat(clean.out()).isEqualTo("{\"a\":1}\n");
  }

  @Test
  void scriptFileAndBadUsage() throws IOException {
    Path script = dir.resolve("q.sql");
    Files.writeString(script, "SELECT dimension, count(*) AS cohorts\nFROM gold.cohort_summary\nGROUP BY dimension ORDER BY dimension;\n");
    Cli run = Cli.run("sql", "--warehouse", wh, "-f", script.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("dimension | cohorts").contains("all       | 2").contains("(2 rows)");

    Cli both = Cli.run("sql", "--warehouse", wh, "-f", script.toString(), "SELECT 1");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.lastErrLine()).contains("either a QUERY or -f FILE");
    Cli missing = Cli.run("sql", "--warehouse", wh, "-f", dir.resolve("nope.sql").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().strip().lines().count()).isEqualTo(1);
    assertThat(missing.lastErrLine()).contains("no such file");
  }

  @Test
  void notebookApiAnswersTypedJsonWithBoundParametersAndRefusesLargeResults() throws IOException {
    try (io.regsurv.api.Notebook nb = io.regsurv.api.Notebook.open(wh)) {
      JsonNode r = Json.MAPPER.readTree(nb.queryJson(
          "SELECT as_of_date, cohort, n_firms FROM gold.cohort_summary WHERE dimension = :dim ORDER BY as_of_date",
          "{\"dim\": \"all\"}"));
      assertThat(r.get("columns").findValuesAsText("type")).containsExactly("date", "string", "bigint");
      assertThat(r.get("rows")).hasSize(2);
      assertThat(r.get("rows").get(0).get(0).asText()).isEqualTo("2023-12-31");
      assertThat(r.get("rows").get(1).get(2).asLong()).isPositive();
      nb.setMaxRows(3);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> nb.queryJson("SELECT * FROM silver.firm"))
          .hasMessageContaining("more than 3 rows");
    }
    assertThat(SharedSpark.spark().sparkContext().isStopped()).as("the shared session is not the notebook's to stop").isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.regsurv.api.Notebook.open(dir.resolve("empty").toString()))
        .hasMessageContaining("no gold.survival_curve");
  }

  private static String sql(String query) {
    Cli r = Cli.run("sql", "--warehouse", wh, "--format", "json", "--max-rows", "100000", query);
    assertThat(r.exitCode()).as("%s: %s", query, r.err()).isZero();
    return r.out();
  }

  private static List<JsonNode> json(String lines) {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : lines.strip().split("\n")) {
      if (!line.isBlank()) {
        try {
          rows.add(Json.MAPPER.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return rows;
  }

  private static void ok(Cli r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }
}
