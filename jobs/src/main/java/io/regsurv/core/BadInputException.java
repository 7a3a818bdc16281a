package io.regsurv.core;

/** Bad arguments, configuration or input files: the user must fix something (exit 2). */
public final class BadInputException extends RegsurvException {
  public BadInputException(String message) {
    super(message, null);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int exitCode() {
    return ExitCodes.BAD_INPUT;
  }
}
