package io.regsurv.config;

/** How snapshots are read: the source dialect (a file or a bundled name) and output file sizing. */
public record IngestSettings(String dialect, long targetFileRows) {
  public IngestSettings {
    if (dialect == null || dialect.isBlank()) {
      throw new IllegalArgumentException("ingest.dialect must name a dialect");
    }
    if (targetFileRows < 1000) {
      throw new IllegalArgumentException("ingest.targetFileRows must be at least 1000, was " + targetFileRows);
    }
  }
}
