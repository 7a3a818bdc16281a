package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.io.Warehouse;
import io.regsurv.classify.ClassifyJob;
import io.regsurv.classify.ClassifyResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv classify}: bronze snapshots to the silver firm, status history and status event tables. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Classify every firm's registration status (silver.firm, silver.status_history, silver.status_event).",
      "Folds in only snapshots newer than those already classified; recomputes from all of bronze when an",
      "older snapshot arrives, a classified one was re-ingested, or the dictionary or exit definition changed.",
      "Example: regsurv classify --set classify.exitStatuses=CANCELLED,REVOKED,REVOKED_CANCELLED"
    })
final class ClassifyCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--full", description = "Recompute silver from all bronze snapshots even when an incremental run would do.")
  boolean full;

  @Override
  public Integer call() {
    RunConfig config = common.config();
    Warehouse warehouse = CommonOptions.openWarehouse("classify", config);
    ClassifyResult r = new ClassifyJob(warehouse, config.classify(), full).run();
    PrintWriter out = spec.commandLine().getOut();
    out.println("classify " + r.mode() + " (" + r.reason() + ")");
    out.println("  snapshots folded in: " + (r.snapshots().isEmpty() ? "none" : r.snapshots()));
    out.println("  bronze version: " + r.bronzeVersion() + ", rows read: " + r.rowsRead());
    if (!r.mode().equals("unchanged")) {
      out.println("  firms: " + r.firms() + ", exited: " + r.exits());
      out.println("  unknown status rows: " + r.unknownRows());
      r.unknownStatuses().forEach((raw, n) -> out.println("    " + raw + "  " + n));
    }
    out.println("  run id: " + r.runId());
    return 0;
  }
}
