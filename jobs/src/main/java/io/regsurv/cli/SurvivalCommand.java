package io.regsurv.cli;

import io.regsurv.pipeline.Pipeline;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv survival}: cohort survival curves and their companions in gold. */
@Command(
    name = "survival",
    mixinStandardHelpOptions = true,
    header = "Compute survival curves, cumulative incidence, cohort summaries and log-rank tests into gold.",
    description = {
      "Compute from silver.firm, per cohort of every configured dimension (survival.cohortDimensions):",
      "Kaplan-Meier curves (gold.survival_curve, monthly grid in gold.survival_curve_monthly), cumulative",
      "incidence per exit cause (gold.cumulative_incidence), cohort summaries with median, RMST and S at",
      "12/24/36/60 months (gold.cohort_summary), log-rank tests per dimension (gold.cohort_comparison) and",
      "monthly status transitions (gold.status_transition_monthly), and hazard ratios of a Cox model of the",
      "exit hazard (survival.cox.covariates, AI-related firms by default: gold.hazard_ratio, gold.cox_fit;",
      "a model that cannot be fitted is recorded there, not an error). Durations are days since establishment;",
      "firms still alive are censored at their last observation or the as-of date. Cohorts smaller than",
      "survival.minCohortSize are listed as suppressed in gold.cohort_summary. A rerun for the same as-of",
      "date replaces its rows."
    })
final class SurvivalCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD", description = "Censoring date (default: survival.asOfDate, else the latest snapshot).")
  LocalDate asOf;

  @Option(names = "--force", description = "Recompute even when gold already holds this as-of date from the same silver versions and settings.")
  boolean force;

  @Override
  public Integer call() {
    Pipeline pipeline = common.pipeline();
    StagePrinter.survival(pipeline.survival(asOf, force), pipeline.config().survival().minCohortSize(), spec.commandLine().getOut());
    return 0;
  }
}
