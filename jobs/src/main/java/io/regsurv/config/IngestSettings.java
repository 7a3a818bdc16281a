package io.regsurv.config;

/**
 * How snapshots are read: the source dialect (a file or a bundled name), the AI keyword list and
 * output file sizing (rows per written file).
 */
public record IngestSettings(String dialect, String aiKeywords, long targetFileRows) {
  public IngestSettings {
    if (dialect == null || dialect.isBlank()) {
      throw new IllegalArgumentException("ingest.dialect must name a dialect");
    }
    if (aiKeywords == null || aiKeywords.isBlank()) {
      throw new IllegalArgumentException("ingest.aiKeywords must name a keyword file (bundled: ai-keywords)");
    }
    if (targetFileRows < 1000) {
      throw new IllegalArgumentException("ingest.targetFileRows must be at least 1000, was " + targetFileRows);
    }
  }
}
