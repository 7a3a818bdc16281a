package io.regsurv.core;

/** A job that failed for a reason other than its input (after Spark's own retries): exit 1. */
public final class JobFailedException extends RegsurvException {
  public JobFailedException(String message) {
    super(message, null);
  }

  public JobFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return ExitCodes.JOB_FAILED;
  }
}
