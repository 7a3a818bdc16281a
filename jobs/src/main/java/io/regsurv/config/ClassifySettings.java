package io.regsurv.config;

import io.regsurv.core.CanonicalStatus;
import java.util.List;

/**
 * The exit definition (canonical statuses whose first entry ends a firm's life), how an exit
 * date known only to lie between two snapshots is imputed, which status dictionary to use and
 * how many unknown status strings a run lists.
 *
 * @param statusDictionary a JSON file path, or the name of a bundled dictionary in {@code schemas/}
 */
public record ClassifySettings(
    List<String> exitStatuses, String intervalImputation, String statusDictionary, int unknownTopN) {
  public ClassifySettings {
    if (exitStatuses == null || exitStatuses.isEmpty()) {
      throw new IllegalArgumentException("classify.exitStatuses must list at least one status");
    }
    exitStatuses = List.copyOf(exitStatuses);
    for (String s : exitStatuses) {
      if (!CanonicalStatus.isExitCandidate(s)) {
        throw new IllegalArgumentException(
            "classify.exitStatuses: " + s + " is not a canonical status that can end a firm (known: "
                + CanonicalStatus.exitCandidates() + ")");
      }
    }
    if (!List.of("midpoint", "lower", "upper").contains(intervalImputation)) {
      throw new IllegalArgumentException(
          "classify.intervalImputation must be midpoint, lower or upper, was " + intervalImputation);
    }
    if (statusDictionary == null || statusDictionary.isBlank()) {
      statusDictionary = "status-dictionary";
    }
    if (unknownTopN < 0) {
      throw new IllegalArgumentException("classify.unknownTopN must be >= 0, was " + unknownTopN);
    }
  }
}
