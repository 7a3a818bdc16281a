package io.regsurv.io;

import io.regsurv.core.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The project's tables: names as constants and their definitions, read once from schemas/tables/. */
public final class Tables {
  public static final String REGISTRY_SNAPSHOT = "bronze.registry_snapshot";
  public static final String QUARANTINE = "bronze.quarantine";
  public static final String FIRM = "silver.firm";
  public static final String STATUS_HISTORY = "silver.status_history";
  public static final String STATUS_EVENT = "silver.status_event";
  public static final String CLASSIFY_WATERMARK = "silver.classify_watermark";
  public static final String JOB_RUN = "ops.job_run";
  public static final String SURVIVAL_CURVE = "gold.survival_curve";
  public static final String SURVIVAL_CURVE_MONTHLY = "gold.survival_curve_monthly";
  public static final String CUMULATIVE_INCIDENCE = "gold.cumulative_incidence";
  public static final String COHORT_SUMMARY = "gold.cohort_summary";
  public static final String COHORT_COMPARISON = "gold.cohort_comparison";
  public static final String STATUS_TRANSITION_MONTHLY = "gold.status_transition_monthly";
  public static final String HAZARD_RATIO = "gold.hazard_ratio";
  public static final String COX_FIT = "gold.cox_fit";
  public static final String REGISTRY_KPI = "gold.registry_kpi";

  /** Every table, in data-flow order (creation and catalog registration follow it). */
  public static final List<String> ALL =
      List.of(
          REGISTRY_SNAPSHOT,
          QUARANTINE,
          FIRM,
          STATUS_HISTORY,
          STATUS_EVENT,
          CLASSIFY_WATERMARK,
          SURVIVAL_CURVE,
          SURVIVAL_CURVE_MONTHLY,
          CUMULATIVE_INCIDENCE,
          COHORT_SUMMARY,
          COHORT_COMPARISON,
          STATUS_TRANSITION_MONTHLY,
          HAZARD_RATIO,
          COX_FIT,
          REGISTRY_KPI,
          JOB_RUN);

  public static final List<String> DATABASES = List.of("bronze", "silver", "gold", "ops");

  private static final Map<String, TableDefinition> DEFINITIONS =
      ALL.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), Tables::load));

  private Tables() {}

  /** The definition of a table named {@code layer.noun}. */
  public static TableDefinition get(String name) {
    TableDefinition def = DEFINITIONS.get(name);
    if (def == null) {
      throw new IllegalArgumentException("Unknown table " + name + "; known: " + ALL);
    }
    return def;
  }

  private static TableDefinition load(String name) {
    String resource = "schemas/tables/" + name + ".json";
    TableDefinition def = Json.bind(Json.readResource(resource), TableDefinition.class, resource);
    if (!def.name().equals(name)) {
      throw new IllegalStateException(resource + " defines " + def.name());
    }
    return def;
  }
}
