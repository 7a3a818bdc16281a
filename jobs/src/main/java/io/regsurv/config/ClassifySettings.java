package io.regsurv.config;

import java.util.List;

/**
 * The exit definition (canonical statuses whose first entry ends a firm's life) and how an exit
 * date known only to lie between two snapshots is imputed.
 */
public record ClassifySettings(List<String> exitStatuses, String intervalImputation) {
  public ClassifySettings {
    if (exitStatuses == null || exitStatuses.isEmpty()) {
      throw new IllegalArgumentException("classify.exitStatuses must list at least one status");
    }
    exitStatuses = List.copyOf(exitStatuses);
    if (!List.of("midpoint", "lower", "upper").contains(intervalImputation)) {
      throw new IllegalArgumentException(
          "classify.intervalImputation must be midpoint, lower or upper, was " + intervalImputation);
    }
  }
}
