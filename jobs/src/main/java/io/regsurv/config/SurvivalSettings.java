package io.regsurv.config;

import java.time.LocalDate;
import java.util.List;

/**
 * Survival estimation: as-of (censoring) date, cohort dimensions, the minimum cohort size that is
 * published, confidence intervals, the RMST horizon and delayed entry (left truncation: auto turns
 * it on when the first snapshot lists no firm that had already exited, i.e. the dumps list
 * survivors only, so firms older than the first dump are observed from their age at that dump).
 *
 * <p>{@code maxDriverCells}: the most risk-set cells (distinct cohort, entry, exit time, event,
 * cause) the stage collects to the driver and estimates there; beyond it (or at 0) the distributed
 * engine runs. It changes how gold is computed, not what it holds, so it is not in the fingerprint.
 *
 * <p>{@code cox}: the default Cox model of the stage ({@link CoxSettings}).
 */
public record SurvivalSettings(
    LocalDate asOfDate,
    List<String> cohortDimensions,
    LocalDate eraBoundary,
    int minCohortSize,
    double confLevel,
    String confType,
    int rmstHorizonDays,
    String delayedEntry,
    long maxDriverCells,
    CoxSettings cox) {

  public SurvivalSettings {
    if (cohortDimensions == null || cohortDimensions.isEmpty()) {
      throw new IllegalArgumentException("survival.cohortDimensions must list at least one dimension");
    }
    cohortDimensions = List.copyOf(cohortDimensions);
    if (eraBoundary == null) {
      throw new IllegalArgumentException("survival.eraBoundary must be a date");
    }
    if (minCohortSize < 1) {
      throw new IllegalArgumentException("survival.minCohortSize must be at least 1, was " + minCohortSize);
    }
    if (!(confLevel > 0 && confLevel < 1)) {
      throw new IllegalArgumentException("survival.confLevel must be between 0 and 1, was " + confLevel);
    }
    if (!List.of("log", "log-log", "plain").contains(confType)) {
      throw new IllegalArgumentException("survival.confType must be log, log-log or plain, was " + confType);
    }
    if (!List.of("auto", "on", "off").contains(delayedEntry)) {
      throw new IllegalArgumentException("survival.delayedEntry must be auto, on or off, was " + delayedEntry);
    }
    if (maxDriverCells < 0) {
      throw new IllegalArgumentException("survival.maxDriverCells must be 0 or more, was " + maxDriverCells);
    }
    if (cox == null) {
      throw new IllegalArgumentException("survival.cox must be set (covariates [] to fit no model)");
    }
    if (rmstHorizonDays < 1) {
      throw new IllegalArgumentException("survival.rmstHorizonDays must be positive, was " + rmstHorizonDays);
    }
  }

  /**
   * What gold depends on besides silver and the as-of date (the run's date), one part per setting,
   * for the skip rule's fingerprint; a setting added here changes every fingerprint once.
   */
  public List<String> fingerprintParts() {
    List<String> parts = new java.util.ArrayList<>(List.of("cohortDimensions=" + String.join(",", cohortDimensions), "eraBoundary=" + eraBoundary, "minCohortSize=" + minCohortSize,
        "confLevel=" + confLevel, "confType=" + confType, "rmstHorizonDays=" + rmstHorizonDays, "delayedEntry=" + delayedEntry));
    // The Cox model (gold.hazard_ratio, gold.cox_fit): a changed model recomputes the stage.
    parts.addAll(cox.fingerprintParts());
    return List.copyOf(parts);
  }
}
