package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.io.Warehouse;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regsurv sql}: a query against the bronze, silver, gold and ops tables, printed for people or scripts. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a Spark SQL query against the warehouse's catalog (databases bronze, silver, gold, ops).",
      "Delta time travel works: SELECT ... FROM gold.survival_curve VERSION AS OF 3.",
      "Example: regsurv sql \"SELECT cohort, n_firms FROM gold.cohort_summary LIMIT 5\""
    })
final class SqlCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL statement.")
  String query;

  @Option(names = "--format", defaultValue = "table", description = "table (aligned), csv or json (one object per line). Default: table.")
  OutputFormat format;

  @Option(names = "--max-rows", defaultValue = "10000", description = "Print at most this many rows. Default: ${DEFAULT-VALUE}.")
  int maxRows;

  @Override
  public Integer call() {
    RunConfig config = common.config();
    Warehouse warehouse = CommonOptions.openWarehouse("sql", config);
    Dataset<Row> result = warehouse.spark().sql(query);
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    PrintWriter out = spec.commandLine().getOut();
    boolean truncated = rows.size() > maxRows;
    format.print(out, Arrays.asList(result.columns()), truncated ? rows.subList(0, maxRows) : rows);
    if (truncated) {
      spec.commandLine().getErr().println("regsurv sql: showing the first " + maxRows + " rows (--max-rows)");
    }
    return 0;
  }
}
