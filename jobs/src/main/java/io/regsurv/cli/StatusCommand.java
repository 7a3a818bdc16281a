package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.io.Warehouse;
import io.regsurv.ops.PipelineStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv status}: the latest stage runs from ops.job_run and what is still pending. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Print the latest run of each stage and snapshot date (from ops.job_run), then what is pending:",
      "failed last runs, snapshots in bronze not yet classified, gold computed from an older silver.firm.",
      "Example: regsurv status --warehouse /data/warehouse"
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--format", defaultValue = "table", description = "table (aligned), csv or json (one object per line). Default: table.")
  OutputFormat format;

  @Option(names = "--limit", defaultValue = "20", description = "Show at most this many runs. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Override
  public Integer call() {
    RunConfig config = common.config();
    Warehouse warehouse = CommonOptions.openWarehouse("status", config);
    PipelineStatus status = new PipelineStatus(warehouse);
    List<Row> runs = status.latestRuns(limit);
    List<Row> pending = status.pending();
    PrintWriter out = spec.commandLine().getOut();
    boolean table = format == OutputFormat.TABLE;
    if (table) {
      out.println("Latest runs (" + warehouse.root() + "):");
    }
    if (runs.isEmpty() && table) {
      out.println("  none yet (ops.job_run is empty or missing)");
    } else {
      format.print(out, PipelineStatus.RUN_COLUMNS, runs);
    }
    if (table) {
      out.println();
      out.println("Pending:");
    }
    if (pending.isEmpty() && table) {
      out.println("  nothing: every snapshot is classified and gold is up to date with silver");
    } else {
      format.print(out, PipelineStatus.PENDING_COLUMNS, pending);
    }
    out.flush();
    return 0;
  }
}
