package io.regsurv.generate;

import java.util.SplittableRandom;

/** A registered capital string as real extracts write it, and the hazard factor of its band. */
record Capital(String text, double hazard) {
  // Capital bands (万): ≤10, ≤100, ≤1000, larger; each with its share of companies and amounts.
  private static final double[] BAND_SHARE = {0.25, 0.45, 0.22, 0.08};
  private static final double[] BAND_HAZARD = {1.30, 1.0, 0.80, 0.60};
  private static final int[][] BAND_AMOUNTS = {{1, 3, 5, 10}, {20, 30, 50, 100}, {200, 300, 500, 1000}, {2000, 5000, 10000}};

  /** The band comes from quantile {@code u[0]} (then left as the position within the band); the text from {@code rng}. */
  static Capital pick(SplittableRandom rng, EntityType type, double[] u) {
    if (type.kind() == EntityType.Kind.INDIVIDUAL) {
      // Individual businesses often have no registered capital at all.
      double x = rng.nextDouble();
      return new Capital(x < 0.5 ? "N/A" : x < 0.6 ? "" : (1 + rng.nextInt(50)) + "万元", 1.0);
    }
    if (type.kind() == EntityType.Kind.BRANCH) {
      return new Capital(rng.nextBoolean() ? "N/A" : "", 1.0);
    }
    int band = 0;
    double x = u[0];
    while (band < BAND_SHARE.length - 1 && x >= BAND_SHARE[band]) {
      x -= BAND_SHARE[band];
      band++;
    }
    u[0] = Math.min(x / BAND_SHARE[band], Math.nextDown(1.0));
    int amount = BAND_AMOUNTS[band][rng.nextInt(BAND_AMOUNTS[band].length)];
    // Small capital, higher hazard: shell and one-person firms close quickest.
    double hazard = BAND_HAZARD[band];
    if (type.kind() == EntityType.Kind.FOREIGN) {
      double f = rng.nextDouble();
      if (f < 0.45) {
        return new Capital(grouped(amount) + "(万美元)", hazard);
      } else if (f < 0.85) {
        return new Capital(grouped(amount) + "(万港元)", hazard);
      } else if (f < 0.95) {
        return new Capital(grouped(amount) + "(万香港元)", hazard);
      }
      // Seen in real extracts: the currency without the amount.
      return new Capital("(万香港元)", hazard);
    }
    double f = rng.nextDouble();
    String text = f < 0.6 ? grouped(amount) + "(万元人民币)" : f < 0.95 ? amount + "万元" : "N/A";
    return new Capital(text, hazard);
  }

  private static String grouped(int amount) {
    return String.format(java.util.Locale.ROOT, "%,d", amount);
  }
}
