package io.regsurv;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Something a test needs from outside the repository (the real registry sample, Debian's Jupyter).
 * On a developer's machine a missing one skips the test with the reason; under CI=true, where
 * {@code bin/test} installs it and ../shared sits beside the clone, its absence is a failure, so a
 * wrong path cannot turn the test into a silent skip.
 */
public final class Prerequisite {
  private Prerequisite() {}

  public static void require(boolean present, String whatIsMissing) {
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true, yet " + whatIsMissing + " (CI must run this test, not skip it)");
    }
    assumeTrue(present, whatIsMissing);
  }
}
