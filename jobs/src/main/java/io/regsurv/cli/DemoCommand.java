package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.generate.FirmModel;
import io.regsurv.generate.GeneratorSettings;
import io.regsurv.pipeline.Pipeline;
import io.regsurv.report.ReportJob.Kpi;
import io.regsurv.report.ReportJob.ReportResult;
import io.regsurv.io.SparkSessions;
import java.io.PrintWriter;
import org.apache.spark.sql.RowFactory;
import java.util.List;
import java.util.Locale;
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

  /** The demo's last line: the next thing to try. */
  static final String NEXT = "Next: bin/regsurv sql \"SELECT cohort, n_firms, n_exits, survival_12m, survival_24m FROM gold.cohort_summary"
      + " WHERE dimension = 'establishment_year'\"  (the curves: bin/docs-figures or notebooks/; every command: docs/usage.md)";

  /**
   * The headline figures: first those with no published counterpart, then, last on the screen,
   * those beside the published ones at the published dates, shares as published and counts scaled
   * to the demo's size, marked {@code *} (the label's "[published count scaled x…]" shortened).
   */
  static void figures(PrintWriter out, ReportResult report, double scale) {
    List<Kpi> own = report.kpis().stream().filter(k -> k.published() == null).toList();
    List<Kpi> compared = report.kpis().stream().filter(k -> k.published() != null)
        .map(k -> new Kpi(k.kpi(), k.label().replaceFirst(" \\[published count scaled x[0-9.]+\\]$", " *"), k.value(), k.numerator(),
            k.denominator(), k.published(), k.relativeDifference(), k.definition()))
        .toList();
    out.println("Headline figures as of " + report.asOfDate() + " (silver.firm version " + report.sourceVersion() + "; gold.registry_kpi version "
        + report.versionWritten() + (report.skipped() ? ", already computed by run " + report.skippedBecauseOfRun() : "") + "):");
    // No published counterpart: no empty published and difference columns either.
    OutputFormat.TABLE.print(out, List.of("figure", "value"),
        own.stream().map(k -> RowFactory.create(k.label(), ReportCommand.format(k, k.value()))).toList());
    if (!compared.isEmpty()) {
      out.println();
      out.println("Beside the published figures (TMTpost, 2024-08-13), at the published dates:");
      ReportCommand.print(out, compared);
      if (compared.stream().anyMatch(k -> k.label().endsWith(" *"))) {
        out.printf(Locale.ROOT, "* a count: the published one scaled x%.4f to the demo's size (%,.0f of the registry's %,d firms)%n",
            scale, scale * FirmModel.FULL_SCALE_FIRMS, FirmModel.FULL_SCALE_FIRMS);
      }
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("regsurv demo: --- generate --out " + data);
    err.flush();
    long t0 = System.nanoTime();
    GeneratorSettings settings = GeneratorSettings.preset(data, false, firms);
    // The truth's calibration figures are left out here: the report below compares the pipeline's own.
    GenerateCommand.print(spec.commandLine().getOut(), settings, GenerateCommand.run(settings, err, "generate --out " + data), false);
    err.printf("regsurv demo: --- generate done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    Pipeline pipeline = common.pipeline();
    pipeline.withListener(common.withProgress(RunCommand.progress(spec, pipeline.config(), result -> !(result instanceof ReportResult))));
    // Published counts are compared at the demo's size (50,000 of the registry's 2,287,100 firms).
    Pipeline.RunResult run = pipeline.backfill(data, new Pipeline.RunOptions(null, null, false, settings.scale()));
    RunConfig config = pipeline.config();
    PrintWriter out = spec.commandLine().getOut();
    String warehouse = SparkSessions.warehouseUri(config.warehouse());
    out.println();
    out.println("Demo done. Snapshots: " + data + "/ (ground truth in " + data + "/truth/). Delta tables under " + warehouse + ":");
    out.println("  bronze.registry_snapshot, bronze.quarantine, silver.firm, silver.status_history, silver.status_event,");
    out.println("  gold.survival_curve, gold.survival_curve_monthly, gold.cumulative_incidence, gold.cohort_summary,");
    out.println("  gold.cohort_comparison, gold.status_transition_monthly, gold.hazard_ratio, gold.cox_fit, gold.registry_kpi, ops.job_run");
    out.println();
    figures(out, run.report(), settings.scale());
    out.println(NEXT);
    out.flush();
    return 0;
  }
}
