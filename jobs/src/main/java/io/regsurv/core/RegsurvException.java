package io.regsurv.core;

/** Base of the failures the CLI turns into one error line and an exit code. */
public abstract class RegsurvException extends RuntimeException {
  protected RegsurvException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The process exit code this failure maps to. */
  public abstract int exitCode();
}
