package io.regsurv.core;

import java.util.Arrays;
import java.util.Locale;

/** The stages of the pipeline, as ops.job_run names them. */
public enum Stage {
  INGEST,
  CLASSIFY,
  SURVIVAL,
  REPORT,
  MAINTAIN;

  /** The name stored in ops.job_run.stage and typed on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stage named {@code id} in ops.job_run. */
  public static Stage of(String id) {
    return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown stage " + id));
  }

  @Override
  public String toString() {
    return id();
  }
}
