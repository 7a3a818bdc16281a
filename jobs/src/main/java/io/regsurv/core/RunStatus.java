package io.regsurv.core;

import java.util.Locale;

/** How a stage run ended, as ops.job_run.status records it. */
public enum RunStatus {
  SUCCEEDED,
  FAILED,
  /** The work was already done from the same inputs: nothing was written. */
  SKIPPED;

  /** The value stored in ops.job_run.status. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return id();
  }
}
