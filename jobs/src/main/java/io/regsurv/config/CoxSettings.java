package io.regsurv.config;

import java.util.List;

/**
 * The survival stage's default Cox proportional-hazards model (gold.hazard_ratio, gold.cox_fit).
 *
 * @param covariates model covariates in order: a cohort dimension (era, province, entity_type,
 *     capital_band, establishment_year, …: the firm's cohort in it, "unknown" when missing) or any
 *     other silver.firm column (numeric as it is, text and boolean categorical); empty: no model
 * @param aiRelatedOnly fit on AI-related firms only (silver.firm.is_ai_related), as issue #24 asks
 * @param ties efron (R's default) or breslow
 * @param references reference levels as {@code column=level} (default: the first level in sort order, as R)
 * @param maxLevels most levels a categorical covariate may have
 */
public record CoxSettings(List<String> covariates, boolean aiRelatedOnly, String ties, List<String> references, int maxLevels) {

  public CoxSettings {
    covariates = covariates == null ? List.of() : List.copyOf(covariates);
    if (covariates.stream().distinct().count() != covariates.size()) {
      throw new IllegalArgumentException("survival.cox.covariates lists a column twice: " + covariates);
    }
    if (ties == null || !List.of("efron", "breslow").contains(ties)) {
      throw new IllegalArgumentException("survival.cox.ties must be efron or breslow, was " + ties);
    }
    references = references == null ? List.of() : List.copyOf(references);
    for (String r : references) {
      int eq = r.indexOf('=');
      if (eq <= 0 || !covariates.contains(r.substring(0, eq))) {
        throw new IllegalArgumentException("survival.cox.references expects covariate=level for a covariate of survival.cox.covariates, was '" + r + "'");
      }
    }
    if (maxLevels < 2) {
      throw new IllegalArgumentException("survival.cox.maxLevels must be at least 2, was " + maxLevels);
    }
  }

  /** False when no covariate is listed: the stage fits no model (gold.cox_fit says so). */
  public boolean enabled() {
    return !covariates.isEmpty();
  }

  /** What the model's gold rows depend on, for the survival stage's fingerprint. */
  List<String> fingerprintParts() {
    return List.of("cox.covariates=" + String.join(",", covariates), "cox.aiRelatedOnly=" + aiRelatedOnly, "cox.ties=" + ties,
        "cox.references=" + String.join(",", references), "cox.maxLevels=" + maxLevels);
  }
}
