package io.regsurv.core;

/** The exit codes every regsurv command uses. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int JOB_FAILED = 1;
  public static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
