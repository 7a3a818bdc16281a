package io.regsurv.cli;

import io.regsurv.report.ReportJob;
import io.regsurv.report.ReportJob.Kpi;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv report}: the headline figures, printed and stored in gold.registry_kpi. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    header = "Compute, print and store the headline figures (gold.registry_kpi).",
    description = {
      "Compute the headline figures from silver.firm / silver.status_history and store them in gold.registry_kpi:",
      "AI-related firms existing on the as-of date; registered since the era boundary (2022-11-30) and how many",
      "are cancelled, revoked or suspended on the as-of date (count and share); exits in the last 3 and 10 years;",
      "registered year-to-date; median lifetime by era (from gold.cohort_summary when survival has run).",
      "Next to them, the published figures (TMTpost, 2024-08-13) computed on their own dates, with the relative",
      "difference, when the data are of the registry's size (--compare auto)."
    })
final class ReportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD", description = "As-of date (default: survival.asOfDate, else the latest snapshot).")
  LocalDate asOf;

  @Option(names = "--compare", defaultValue = "auto", description = "Print the published figures beside ours: auto (when the data are of the registry's size), always or never. Default: auto.")
  ReportJob.Comparison compare;

  @Option(names = "--published-scale", paramLabel = "S", defaultValue = "1",
      description = "Compare with the published counts times S, for a registry of S times the full size (the demo's: 50,000 / 2,287,100). Shares are compared as published. Default: ${DEFAULT-VALUE}.")
  double publishedScale;

  @Option(names = "--force", description = "Recompute even when gold.registry_kpi already holds this as-of date from the same silver versions.")
  boolean force;

  @Override
  public Integer call() {
    StagePrinter.report(common.pipeline().report(asOf, compare, publishedScale, force), spec.commandLine().getOut());
    return 0;
  }

  /** label, value, published, difference: counts with separators, shares as percentages. */
  static void print(PrintWriter out, List<Kpi> kpis) {
    List<Row> rows = new ArrayList<>();
    for (Kpi k : kpis) {
      rows.add(RowFactory.create(k.label(), format(k, k.value()), k.published() == null ? "" : format(k, k.published()),
          k.relativeDifference() == null ? "" : String.format(Locale.ROOT, "%+.2f%%", 100 * k.relativeDifference())));
    }
    OutputFormat.TABLE.print(out, List.of("figure", "value", "published", "difference"), rows);
  }

  /** Printed for a median whose Kaplan–Meier curve never falls to 0.5: gold holds NULL (NaN here). */
  static final String MEDIAN_NOT_REACHED = "not reached (survival stays above 50% within the data)";

  static String format(Kpi k, double v) {
    if (Double.isNaN(v)) {
      // Say why there is no number, where the number would be.
      if (k.kpi().startsWith("median")) {
        return k.definition() != null && k.definition().endsWith(ReportJob.MEDIAN_SUPPRESSED)
            ? "suppressed (fewer than survival.minCohortSize firms)" : MEDIAN_NOT_REACHED;
      }
      return "n/a (no firms to divide by)";
    }
    if (k.kpi().contains("share")) {
      return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
    if (k.kpi().startsWith("median")) {
      return String.format(Locale.ROOT, "%,.0f days", v);
    }
    return String.format(Locale.ROOT, "%,.0f", v);
  }
}
