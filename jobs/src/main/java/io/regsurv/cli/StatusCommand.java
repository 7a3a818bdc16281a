package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.io.Warehouse;
import io.regsurv.ops.PipelineStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv status}: the latest stage runs from ops.job_run and what is still pending. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show the latest run of each stage and date, and the work still pending.",
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
      format.print(out, PipelineStatus.RUN_COLUMNS, table ? shortenMessages(runs) : runs);
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

  /** Characters of a message the aligned table shows; csv and json show the whole message. */
  static final int TABLE_MESSAGE_CHARS = 120;

  private static List<Row> shortenMessages(List<Row> runs) {
    int m = PipelineStatus.RUN_COLUMNS.indexOf("message");
    List<Row> out = new ArrayList<>();
    for (Row r : runs) {
      Object[] values = new Object[r.length()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.get(i);
      }
      values[m] = shorten((String) values[m], TABLE_MESSAGE_CHARS);
      out.add(RowFactory.create(values));
    }
    return out;
  }

  /** {@code text} cut to {@code max} characters, the last one an ellipsis when cut (code points, never half a pair). */
  static String shorten(String text, int max) {
    if (text == null || text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }
}
