package io.regsurv.cli;

import io.regsurv.ops.Maintenance;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv maintain}: OPTIMIZE (Z-ORDER BY uscc where it pays) and VACUUM every table. */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    header = "Compact (OPTIMIZE, Z-ORDER) and VACUUM the warehouse's tables.",
    description = {
      "Compact the files of every table written since the last maintain (OPTIMIZE; Z-ORDER BY uscc on",
      "bronze.registry_snapshot, silver.firm and silver.status_history), then VACUUM every table: delete data",
      "files that no table version within the retention needs. Time travel further back than the retention",
      "is lost. Run it weekly, or nightly after 'regsurv run', never with a retention shorter than your",
      "longest job. Example: regsurv maintain --warehouse /data/warehouse"
    })
final class MaintainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--retention-hours", defaultValue = "168",
      description = "VACUUM keeps files needed by any version of the last N hours. Default: ${DEFAULT-VALUE} (7 days, Delta's default). "
          + "Delta refuses less than the table's delta.deletedFileRetentionDuration; regsurv never turns that check off.")
  int retentionHours;

  @Option(names = "--optimize-all", description = "Optimize every table and partition, not only those written since the last maintain.")
  boolean optimizeAll;

  @Override
  public Integer call() {
    List<Maintenance.TableResult> results = common.pipeline().maintain(retentionHours, optimizeAll);
    PrintWriter out = spec.commandLine().getOut();
    for (Maintenance.TableResult r : results) {
      out.printf("%-32s %-40s files +%d -%d, vacuumed %d, version %d%n", r.table(), r.optimized(), r.filesAdded(), r.filesRemoved(),
          r.filesVacuumed(), r.versionAfter());
    }
    out.printf("maintained %d tables, VACUUM retention %d h%n", results.size(), retentionHours);
    out.flush();
    return 0;
  }
}
