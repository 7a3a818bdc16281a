package io.regsurv.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  /** The full registry's shape at 1/20 of its size: every published figure within 1% of its share. */
  @Test
  void oneTwentiethScaleReproducesThePublishedFiguresWithinOnePercent() {
    long firms = FirmModel.FULL_SCALE_FIRMS / 20;
    FirmModel model = new FirmModel(42, firms);
    Calibration calibration = new Calibration(FirmModel.REGISTRY_END);
    for (long i = 0; i < firms; i++) {
      calibration.add(model.firm(i));
    }
    double scale = (double) firms / FirmModel.FULL_SCALE_FIRMS;
    Map<String, Long> figures = calibration.figures();
    assertThat(figures).hasSize(6);
    for (Map.Entry<String, Long> e : figures.entrySet()) {
      double target = Calibration.PUBLISHED.get(e.getKey()) * scale;
      assertThat(e.getValue() / target).as(e.getKey() + " = " + e.getValue() + " vs " + target).isBetween(0.99, 1.01);
    }
    // 8.9% of the post-ChatGPT cohort in an abnormal state, as published.
    assertThat((double) figures.get("F2_cohort_abnormal") / figures.get("F2_cohort")).isBetween(0.088, 0.090);
  }

  @Test
  void hazardIsHighestInTheFirstYearsAndAFewPercentAreNotAiRelated() {
    FirmModel model = new FirmModel(3, 40_000);
    long[] exitsByAgeYear = new long[6];
    long nonAi = 0;
    long reinstated = 0;
    long moved = 0;
    for (long i = 0; i < 40_000; i++) {
      Firm f = model.firm(i);
      nonAi += f.aiRelated() ? 0 : 1;
      reinstated += f.reinstated() ? 1 : 0;
      moved += f.moved() ? 1 : 0;
      if (f.firstExitDay() != Firm.NO_EXIT) {
        int age = (int) ((f.firstExitDay() - f.establishedDay()) / 365.25);
        if (age < exitsByAgeYear.length) {
          exitsByAgeYear[age]++;
        }
        assertThat(f.firstExitDay()).isGreaterThan(f.establishedDay());
      }
      assertThat(f.name().contains("人工智能") || f.businessScope().contains("人工智能")).isEqualTo(f.aiRelated());
    }
    assertThat(exitsByAgeYear[0]).isGreaterThan(exitsByAgeYear[3]);
    assertThat(exitsByAgeYear[1]).isGreaterThan(exitsByAgeYear[4]);
    assertThat(nonAi / 40_000.0).isBetween(0.04, 0.06);
    assertThat(reinstated).isPositive();
    assertThat(moved / 40_000.0).isBetween(0.005, 0.03);
  }
}
