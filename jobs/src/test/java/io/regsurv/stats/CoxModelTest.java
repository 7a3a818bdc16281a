package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.regsurv.SharedSpark;
import io.regsurv.core.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@link CoxModel} on hand-worked tiny examples: ties, strata, reference levels and bad input. */
class CoxModelTest {
  static final StructType SCHEMA = new StructType()
      .add("time", DataTypes.StringType).add("event", DataTypes.StringType)
      .add("x", DataTypes.StringType).add("grade", DataTypes.StringType).add("site", DataTypes.StringType);

  static Dataset<Row> table(String... rows) {
    List<Row> list = new ArrayList<>();
    for (String r : rows) {
      Object[] f = r.split(",", -1);
      list.add(RowFactory.create(f));
    }
    return SharedSpark.spark().createDataFrame(list, SCHEMA);
  }

  /** Four events, two tied at time 1: Efron and Breslow partial likelihoods at β = 0 differ as worked by hand. */
  @Test
  void efronAndBreslowDifferOnTiedEventsAsWorkedByHand() {
    Dataset<Row> t = table("1,1,0,a,s", "1,1,1,a,s", "2,1,0,a,s", "3,1,1,a,s", "4,0,1,a,s");
    CoxSpec spec = CoxSpec.of("time", "event", List.of("x"));
    CoxFit efron = CoxModel.fit(t, spec, "tiny");
    CoxFit breslow = CoxModel.fit(t, spec.withTies(CoxSpec.Ties.BRESLOW), "tiny");
    // At β = 0 every e^η is 1. Time 1: risk set 5, two tied events; time 2: 3; time 3: 2.
    // Breslow: −(2·log 5 + log 3 + log 2). Efron: the second tied event sees 5 − ½·2 = 4.
    assertThat(breslow.loglikNull()).isCloseTo(-(2 * Math.log(5) + Math.log(3) + Math.log(2)), within(1e-12));
    assertThat(efron.loglikNull()).isCloseTo(-(Math.log(5) + Math.log(4) + Math.log(3) + Math.log(2)), within(1e-12));
    assertThat(efron.terms().get(0).coef()).isNotCloseTo(breslow.terms().get(0).coef(), within(1e-3));
    assertThat(efron.n()).isEqualTo(5);
    assertThat(efron.nEvents()).isEqualTo(4);
  }

  /** Separate baseline hazards: at β = 0 the stratified log-likelihood is the sum of the strata's. */
  @Test
  void strataAddTheirLogLikelihoods() {
    String[] a = {"1,1,0,a,A", "2,1,1,b,A", "2,0,0,a,A", "3,1,1,b,A", "5,1,0,a,A"};
    String[] b = {"1,0,1,a,B", "2,1,0,b,B", "4,1,1,a,B", "4,1,0,b,B", "6,1,1,a,B", "7,0,0,b,B"};
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    CoxSpec spec = CoxSpec.of("time", "event", List.of("x"));
    CoxFit fa = CoxModel.fit(table(a), spec, "A");
    CoxFit fb = CoxModel.fit(table(b), spec, "B");
    CoxFit stratified = CoxModel.fit(table(all.toArray(String[]::new)), spec.withStrata("site"), "A+B");
    CoxFit pooled = CoxModel.fit(table(all.toArray(String[]::new)), spec, "A+B");
    assertThat(stratified.loglikNull()).isCloseTo(fa.loglikNull() + fb.loglikNull(), within(1e-12));
    assertThat(pooled.loglikNull()).isNotCloseTo(stratified.loglikNull(), within(1e-3));
    assertThat(stratified.n()).isEqualTo(11);
  }

  /** Three levels: the first in sort order is the reference unless chosen; changing it re-expresses the same model. */
  @Test
  void categoricalCovariateWithChosenReference() {
    Dataset<Row> t = table("1,1,0,low,s", "2,1,0,mid,s", "3,1,0,high,s", "4,0,0,low,s", "5,1,0,mid,s", "6,1,0,high,s",
        "7,1,0,low,s", "8,0,0,mid,s", "9,1,0,high,s", "10,1,0,low,s", "2,1,0,high,s", "3,0,0,mid,s");
    CoxSpec spec = CoxSpec.of("time", "event", List.of("grade"));
    CoxFit byDefault = CoxModel.fit(t, spec, "grades");
    CoxFit byLow = CoxModel.fit(t, spec.withReferences(Map.of("grade", "low")), "grades");
    assertThat(byDefault.terms()).extracting(CoxFit.Term::term).containsExactly("gradelow", "grademid");
    assertThat(byLow.terms()).extracting(CoxFit.Term::term).containsExactly("gradehigh", "grademid");
    double low = byDefault.terms().get(0).coef();
    double mid = byDefault.terms().get(1).coef();
    assertThat(byLow.terms().get(0).coef()).isCloseTo(-low, within(1e-8));
    assertThat(byLow.terms().get(1).coef()).isCloseTo(mid - low, within(1e-8));
    assertThat(byLow.loglik()).isCloseTo(byDefault.loglik(), within(1e-10));
    assertThat(byLow.scoreChisq()).isCloseTo(byDefault.scoreChisq(), within(1e-10));
  }

  @Test
  void levelWithoutEventsIsWarnedAboutByName() {
    Dataset<Row> t = table("1,1,0,a,s", "2,0,0,b,s", "3,1,0,a,s", "4,0,0,b,s", "5,1,0,a,s", "6,0,0,b,s", "7,1,0,a,s");
    CoxFit fit = CoxModel.fit(t, CoxSpec.of("time", "event", List.of("grade")), "tiny");
    assertThat(fit.warnings()).singleElement().asString().contains("Loglik converged before variable gradeb").contains("infinite");
  }

  @Test
  void badInputNamesTheColumnOrTerm() {
    CoxSpec spec = CoxSpec.of("time", "event", List.of("x", "grade"));
    assertThatThrownBy(() -> CoxModel.fit(table("1,0,0,a,s", "2,0,1,b,s"), spec, "t"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("no events");
    assertThatThrownBy(() -> CoxModel.fit(table("1,1,1,a,s", "2,1,1,b,s", "3,0,1,a,s"), spec, "t"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("'x' is constant");
    // x equals the dummy of grade b: collinear, named.
    assertThatThrownBy(() -> CoxModel.fit(table("1,1,0,a,s", "2,1,1,b,s", "3,0,0,a,s", "4,1,1,b,s"), spec, "t"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("'gradeb' is collinear");
    assertThatThrownBy(() -> CoxModel.fit(table("1,1,0,a,s", "2,1,1,b,s", "3,0,x9,a,s"), spec, "t"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("numeric covariate 'x' has 1 non-numeric value(s), e.g. 'x9'");
    assertThatThrownBy(() -> CoxModel.fit(table("1,1,0,a,s", "2,1,1,b,s", "3,0,0,c,s"), spec.withMaxLevels(2), "t"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("'grade' has more than 2 levels");
    assertThatThrownBy(() -> CoxModel.fit(table("1,1,0,a,s", "2,1,1,b,s"), spec.withReferences(Map.of("grade", "z")), "t"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("--reference grade=z: no such level");
    // Times and events as km checks them (the driver's aggregation leaves them to those checks).
    String[] good = {"1,1,0,a,s", "2,1,1,b,s", "3,0,0,a,s", "4,1,1,b,s", "5,1,0,b,s"};
    for (String[] bad : List.of(
        new String[] {"-1,1,0,a,s", "negative duration"},
        new String[] {"x,1,0,a,s", "time column 'time' has 1 missing or non-numeric value(s), e.g. 'x'"},
        new String[] {",1,0,a,s", "time column 'time' has 1 missing or non-numeric value(s)"},
        new String[] {"NaN,1,0,a,s", "time column 'time' has 1"},
        new String[] {"6,2,0,a,s", "event column 'event' has 1 value(s) outside the declared set, e.g. '2'"},
        new String[] {"6,,0,a,s", "event column 'event' has 1 value(s) outside"})) {
      List<String> rows = new ArrayList<>(List.of(good));
      rows.add(bad[0]);
      assertThatThrownBy(() -> CoxModel.fit(table(rows.toArray(String[]::new)), spec, "t"))
          .as(bad[0]).isInstanceOf(BadInputException.class).hasMessageContaining(bad[1]);
    }
  }

  /** Text that cannot start a number skips the cast: every text still reads as Spark's try_cast reads it. */
  @Test
  void numbersAreReadAsSparksCastReadsThem() {
    List<String> texts = List.of("1", " 2.5 ", "\t3", "\n-4e2", "+.5", ".5", "5.", "Inf", "-inf", "+Infinity", "infinity", "NaN", "nan",
        "-NaN", "0x1p3", "1.5d", "2f", "abc", "北京", "", " ", "NA", "e5", "-", "+", ".", "1,5", "１２", "\u00a01", "n/a", "inferior");
    Dataset<Row> t = SharedSpark.spark().createDataset(texts, org.apache.spark.sql.Encoders.STRING()).toDF("v");
    org.apache.spark.sql.Column v = org.apache.spark.sql.functions.col("v");
    List<Row> rows = t.select(v, CoxModel.parsed(v), v.try_cast("double")).collectAsList();
    assertThat(rows).hasSize(texts.size());
    assertThat(rows.stream().filter(r -> !r.isNullAt(2)).count()).as("texts Spark reads as numbers").isEqualTo(17);
    for (Row r : rows) {
      assertThat(r.get(1)).as("'%s'", r.getString(0)).isEqualTo(r.get(2));
    }
  }
  /**
   * The fit from collapsed cells puts them in one order before any sum: the same subjects, handed in
   * shuffled, with some cells split in two, give the same fit to the last bit; and it is the Spark
   * path's model (one row per subject) to rounding.
   */
  @Test
  void collapsedCellsGiveOneFitWhateverTheirOrder() {
    java.util.Random random = new java.util.Random(7);
    List<CoxModel.CollapsedCell> cells = new ArrayList<>();
    List<Row> subjects = new ArrayList<>();
    String[] grades = {"low", "mid", "high"};
    String[] sites = {"A", "B"};
    for (int i = 0; i < 400; i++) {
      double time = 1 + random.nextInt(40);
      int event = random.nextInt(3) == 0 ? 0 : 1;
      List<String> values = List.of(grades[random.nextInt(3)], sites[random.nextInt(2)]);
      long weight = 1 + random.nextInt(4);
      cells.add(new CoxModel.CollapsedCell(0, time, event, values, weight));
      for (int w = 0; w < weight; w++) {
        subjects.add(RowFactory.create(String.valueOf(time), String.valueOf(event), "0", values.get(0), values.get(1)));
      }
    }
    CoxSpec spec = CoxSpec.of("time", "event", List.of("grade", "site")).withCategorical(List.of("grade", "site"));
    CoxFit fit = CoxModel.fitCollapsed(cells, spec, "cells").orElseThrow();

    List<CoxModel.CollapsedCell> reordered = new ArrayList<>();
    for (CoxModel.CollapsedCell c : cells) {
      if (c.weight() > 1 && random.nextBoolean()) {
        reordered.add(new CoxModel.CollapsedCell(c.entry(), c.time(), c.event(), new ArrayList<>(c.values()), 1));
        reordered.add(new CoxModel.CollapsedCell(c.entry(), c.time(), c.event(), c.values(), c.weight() - 1));
      } else {
        reordered.add(c);
      }
    }
    java.util.Collections.shuffle(reordered, random);
    assertThat(CoxModel.fitCollapsed(reordered, spec, "cells").orElseThrow()).isEqualTo(fit);

    CoxFit spark = CoxModel.fit(SharedSpark.spark().createDataFrame(subjects, SCHEMA), spec, "subjects");
    assertThat(spark.terms()).hasSameSizeAs(fit.terms());
    for (int j = 0; j < fit.terms().size(); j++) {
      assertThat(fit.terms().get(j).term()).isEqualTo(spark.terms().get(j).term());
      assertThat(fit.terms().get(j).coef()).isCloseTo(spark.terms().get(j).coef(), within(1e-10));
      assertThat(fit.terms().get(j).stdErr()).isCloseTo(spark.terms().get(j).stdErr(), within(1e-10));
    }
    assertThat(fit.loglik()).isCloseTo(spark.loglik(), within(1e-9));
    assertThat(fit.concordance()).isCloseTo(spark.concordance(), within(1e-12));
  }
}
