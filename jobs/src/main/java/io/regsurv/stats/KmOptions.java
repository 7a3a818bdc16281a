package io.regsurv.stats;

import org.apache.commons.math3.special.Erf;

/** Options of a Kaplan–Meier estimate: the confidence-limit transformation and level. */
public record KmOptions(ConfType confType, double confLevel) {

  /** R's defaults: log limits at 95%. */
  public static final KmOptions DEFAULT = new KmOptions(ConfType.LOG, 0.95);

  public KmOptions {
    if (confType == null) {
      throw new IllegalArgumentException("conf type is required");
    }
    if (!(confLevel > 0 && confLevel < 1)) {
      throw new IllegalArgumentException("conf level must be between 0 and 1 (exclusive), was " + confLevel);
    }
  }

  /** The two-sided normal quantile z = Φ⁻¹(1 − (1 − level)/2), as R's {@code qnorm}. */
  public double z() {
    // Φ⁻¹(p) = √2·erf⁻¹(2p − 1); commons-math's erfInv is Giles' double-precision approximation.
    return Math.sqrt(2.0) * Erf.erfInv(confLevel);
  }
}
