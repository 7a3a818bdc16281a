package io.regsurv.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv classify}: bronze snapshots to the silver firm, status history and status event tables. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    header = "Classify every firm's registration status from bronze into silver (firms, status history, events).",
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
    StagePrinter.classify(common.pipeline().classify(full), spec.commandLine().getOut());
    return 0;
  }
}
