package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.io.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv demo}: a small synthetic registry through the whole pipeline, end to end. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a small synthetic registry (regsurv generate, demo preset: 50,000 firms, 6 snapshots),",
      "then run the whole pipeline on it: ingest every snapshot, classify, survival, report. Prints the",
      "headline figures and where the tables are. Rerunning it replaces what it wrote (idempotent)."
    })
final class DemoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "demo-data", description = "Where the generated snapshots go. Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--firms", paramLabel = "N", description = "Firms ever registered (default: the generator's demo preset, 50,000).")
  Long firms;

  @Override
  public Integer call() throws IOException {
    RunConfig config = common.config();
    Stages stages = new Stages(spec, common);
    List<String[]> plan = new ArrayList<>();
    List<String> generate = new ArrayList<>(List.of("generate", "--out", data));
    if (firms != null) {
      generate.add("--firms");
      generate.add(firms.toString());
    }
    plan.add(generate.toArray(String[]::new));
    int code = stages.runAll(plan);
    if (code != 0) {
      return code;
    }
    plan.clear();
    for (var e : RunCommand.snapshotFolders(data).entrySet()) {
      plan.add(new String[] {"ingest", "--snapshot-date", e.getKey().toString(), e.getValue()});
    }
    plan.add(new String[] {"classify"});
    plan.add(new String[] {"survival"});
    plan.add(new String[] {"report"});
    code = stages.runAll(plan);
    if (code != 0) {
      return code;
    }
    PrintWriter out = spec.commandLine().getOut();
    String warehouse = SparkSessions.warehouseUri(config.warehouse());
    out.println();
    out.println("Demo done. Snapshots: " + data + "/ (ground truth in " + data + "/truth/). Delta tables under " + warehouse + ":");
    out.println("  bronze.registry_snapshot, bronze.quarantine, silver.firm, silver.status_history, silver.status_event,");
    out.println("  gold.survival_curve, gold.survival_curve_monthly, gold.cumulative_incidence, gold.cohort_summary,");
    out.println("  gold.cohort_comparison, gold.status_transition_monthly, gold.registry_kpi, ops.job_run");
    out.println("Try: bin/regsurv sql \"SELECT dimension, cohort, n_firms, median_days, survival_12m FROM gold.cohort_summary WHERE dimension = 'era'\"");
    out.flush();
    return 0;
  }
}
