package io.regsurv.config;

import java.util.Objects;

/**
 * Everything a job needs to know that is not a file to read: where the warehouse is and how each
 * stage behaves. Defaults live in {@code regsurv/default-config.json} (documented in docs/reference.md);
 * a user file and {@code --set key=value} options override them.
 */
public record RunConfig(
    String warehouse,
    IngestSettings ingest,
    ClassifySettings classify,
    SurvivalSettings survival,
    PrivacySettings privacy) {

  public RunConfig {
    Objects.requireNonNull(warehouse, "warehouse must be set");
    if (warehouse.isBlank()) {
      throw new IllegalArgumentException("warehouse must not be blank");
    }
    Objects.requireNonNull(ingest, "ingest must be set");
    Objects.requireNonNull(classify, "classify must be set");
    Objects.requireNonNull(survival, "survival must be set");
    Objects.requireNonNull(privacy, "privacy must be set");
  }

  /** The built-in defaults, no user file, no overrides. */
  public static RunConfig defaults() {
    return ConfigLoader.load(null, java.util.Map.of());
  }
}
