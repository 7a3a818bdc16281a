package io.regsurv.stats;

import java.util.List;
import java.util.Map;

/**
 * What a Cox proportional-hazards fit reads from an arbitrary table and how, as R's
 * {@code coxph(Surv(entry, time, event) ~ covariates + strata(strata), ties = ties)}.
 *
 * @param time exit time column (numeric or numeric text)
 * @param event event column, 0/1
 * @param entry delayed-entry column (at risk on (entry, time]), or null
 * @param covariates model covariates in order; numeric columns enter as they are, text and
 *     boolean columns as categorical (dummy coded)
 * @param categorical covariates to treat as categorical even though their values are numbers
 * @param strata column whose values get separate baseline hazards, or null
 * @param ties Efron (R's default) or Breslow handling of tied event times
 * @param references reference level per categorical column (default: the first level in sort order)
 * @param maxLevels most levels a categorical covariate may have
 * @param confLevel level of the hazard-ratio confidence limits
 */
public record CoxSpec(
    String time,
    String event,
    String entry,
    List<String> covariates,
    List<String> categorical,
    String strata,
    Ties ties,
    Map<String, String> references,
    int maxLevels,
    double confLevel) {

  /** How tied event times enter the partial likelihood. */
  public enum Ties {
    EFRON,
    BRESLOW;

    public static Ties parse(String text) {
      for (Ties t : values()) {
        if (t.name().equalsIgnoreCase(text.strip())) {
          return t;
        }
      }
      throw new IllegalArgumentException("ties must be efron or breslow, was '" + text + "'");
    }
  }

  public CoxSpec {
    if (time == null || event == null) {
      throw new IllegalArgumentException("time and event columns are required");
    }
    if (covariates == null || covariates.isEmpty()) {
      throw new IllegalArgumentException("at least one covariate is required");
    }
    if (covariates.stream().distinct().count() != covariates.size()) {
      throw new IllegalArgumentException("a covariate is listed twice: " + covariates);
    }
    if (!(confLevel > 0 && confLevel < 1)) {
      throw new IllegalArgumentException("conf level must be between 0 and 1 (exclusive), was " + confLevel);
    }
    if (maxLevels < 2) {
      throw new IllegalArgumentException("max levels must be at least 2, was " + maxLevels);
    }
    covariates = List.copyOf(covariates);
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    references = references == null ? Map.of() : Map.copyOf(references);
    ties = ties == null ? Ties.EFRON : ties;
  }

  /** Right-censored data, Efron ties, no strata, default references, 200 levels, 95% limits. */
  public static CoxSpec of(String time, String event, List<String> covariates) {
    return new CoxSpec(time, event, null, covariates, null, null, Ties.EFRON, null, 200, 0.95);
  }

  public CoxSpec withEntry(String column) {
    return new CoxSpec(time, event, column, covariates, categorical, strata, ties, references, maxLevels, confLevel);
  }

  public CoxSpec withStrata(String column) {
    return new CoxSpec(time, event, entry, covariates, categorical, column, ties, references, maxLevels, confLevel);
  }

  public CoxSpec withTies(Ties value) {
    return new CoxSpec(time, event, entry, covariates, categorical, strata, value, references, maxLevels, confLevel);
  }

  public CoxSpec withReferences(Map<String, String> value) {
    return new CoxSpec(time, event, entry, covariates, categorical, strata, ties, value, maxLevels, confLevel);
  }

  public CoxSpec withCategorical(List<String> value) {
    return new CoxSpec(time, event, entry, covariates, value, strata, ties, references, maxLevels, confLevel);
  }

  public CoxSpec withMaxLevels(int value) {
    return new CoxSpec(time, event, entry, covariates, categorical, strata, ties, references, value, confLevel);
  }

  public CoxSpec withConfLevel(double value) {
    return new CoxSpec(time, event, entry, covariates, categorical, strata, ties, references, maxLevels, value);
  }
}
