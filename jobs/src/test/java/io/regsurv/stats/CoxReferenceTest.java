package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CoxModel} against R's coxph (survival 3.5-3) on the references in test resources
 * {@code r-cox/} (copied from shared/reference/r-cox): every coefficient, standard error, test
 * and likelihood to 1e-6 relative, both tie methods.
 */
public class CoxReferenceTest {
  static final double TOL = 1e-6;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("lung", "efron"), Arguments.of("lung", "breslow"),
        Arguments.of("mgus2_age_entry", "efron"), Arguments.of("mgus2_age_entry", "breslow"));
  }

  /** A local path of a reference file. */
  public static Path path(String folder, String file) {
    try {
      return Path.of(CoxReferenceTest.class.getResource("/r-cox/" + folder + "/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows of a reference CSV (R's write.csv: quoted text, no embedded commas). */
  public static List<Map<String, String>> read(String folder, String file) {
    try (InputStream in = CoxReferenceTest.class.getResourceAsStream("/r-cox/" + folder + "/" + file)) {
      return RReference.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\"", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model of each reference folder (its NOTE.txt). */
  public static CoxSpec spec(String folder, String ties) {
    CoxSpec spec = folder.equals("lung")
        ? CoxSpec.of("time", "event", List.of("age", "sex", "ecog"))
        : CoxSpec.of("time", "event", List.of("sex", "hgb")).withEntry("entry");
    return spec.withTies(CoxSpec.Ties.parse(ties));
  }

  /** Largest relative difference to R per quantity over all cases, printed after the tests. */
  static final Map<String, Double> WORST = new java.util.concurrent.ConcurrentSkipListMap<>();

  @org.junit.jupiter.api.AfterAll
  static void printWorst() {
    WORST.forEach((q, d) -> System.out.printf("max relative difference to R, %s: %.3g%n", q, d));
  }

  /** |a − e| ≤ tol·|e| (relative), the quantity's name in the message. */
  static double relative(String what, String expected, double actual, double tol) {
    double e = Double.parseDouble(expected);
    double diff = Math.abs(actual - e) / Math.max(Math.abs(e), Double.MIN_NORMAL);
    WORST.merge(what.substring(what.lastIndexOf(' ') + 1), diff, Math::max);
    assertThat(diff).as(what + ": expected " + expected + ", was " + actual).isLessThanOrEqualTo(tol);
    return diff;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void coefficientsAndTestsEqualCoxph(String folder, String ties) {
    Dataset<Row> input = SharedSpark.spark().read().option("header", "true").csv(path(folder, "input.csv").toString());
    CoxFit fit = CoxModel.fit(input, spec(folder, ties), folder);

    List<Map<String, String>> coef = read(folder, "coef_" + ties + ".csv");
    assertThat(fit.terms()).extracting(CoxFit.Term::term).containsExactlyElementsOf(coef.stream().map(r -> r.get("term")).toList());
    double worst = 0;
    for (int i = 0; i < coef.size(); i++) {
      Map<String, String> e = coef.get(i);
      CoxFit.Term a = fit.terms().get(i);
      String at = folder + " " + ties + " " + a.term() + " ";
      worst = Math.max(worst, relative(at + "coef", e.get("coef"), a.coef(), TOL));
      worst = Math.max(worst, relative(at + "hazard_ratio", e.get("hazard_ratio"), a.hazardRatio(), TOL));
      worst = Math.max(worst, relative(at + "std_err", e.get("std_err"), a.stdErr(), TOL));
      worst = Math.max(worst, relative(at + "z", e.get("z"), a.z(), TOL));
      worst = Math.max(worst, relative(at + "p_value", e.get("p_value"), a.pValue(), TOL));
      worst = Math.max(worst, relative(at + "hr_lower", e.get("hr_lower"), a.hrLower(), TOL));
      worst = Math.max(worst, relative(at + "hr_upper", e.get("hr_upper"), a.hrUpper(), TOL));
    }
    Map<String, String> m = read(folder, "fit_" + ties + ".csv").get(0);
    String at = folder + " " + ties + " ";
    assertThat(fit.n()).isEqualTo(Long.parseLong(m.get("n")));
    assertThat(fit.nEvents()).isEqualTo(Long.parseLong(m.get("n_events")));
    worst = Math.max(worst, relative(at + "loglik_null", m.get("loglik_null"), fit.loglikNull(), TOL));
    worst = Math.max(worst, relative(at + "loglik", m.get("loglik"), fit.loglik(), TOL));
    worst = Math.max(worst, relative(at + "lr_chisq", m.get("lr_chisq"), fit.lrChisq(), TOL));
    worst = Math.max(worst, relative(at + "score_chisq", m.get("score_chisq"), fit.scoreChisq(), TOL));
    worst = Math.max(worst, relative(at + "concordance", m.get("concordance"), fit.concordance(), TOL));
    assertThat(fit.df()).isEqualTo(Integer.parseInt(m.get("lr_df")));
    // The reference's Wald statistic is summary.coxph's, rounded to 2 decimals.
    assertThat(Math.abs(fit.waldChisq() - Double.parseDouble(m.get("wald_chisq")))).as(at + "wald_chisq " + fit.waldChisq()).isLessThanOrEqualTo(0.005);
    assertThat(fit.iterations()).as(at + "iterations").isEqualTo(Integer.parseInt(m.get("iterations")));
    assertThat(fit.converged()).isTrue();
    assertThat(fit.warnings()).isEmpty();
    System.out.printf("%s %s: max relative difference to R %.3g%n", folder, ties, worst);
  }
}
