package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.regsurv.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cox fit without Spark, and the fit of raw groups aggregated by Spark on the driver, equal the
 * fit whose every Newton–Raphson step is a Spark job ({@link CoxModel#fit} with no driver cells) on
 * every file the reader takes, up to the order of floating-point sums (1e-9 relative), and equals R's
 * coxph on the references; files or models the Spark path would read otherwise or reject are left to it.
 */
class CoxCsvTest {
  @TempDir Path dir;

  @Test
  void referencesEqualR() throws IOException {
    // As R wrote them (text quoted, below), and without the quotes.
    for (CoxSpec.Ties ties : CoxSpec.Ties.values()) {
      CoxSpec lungModel = CoxSpec.of("time", "event", List.of("age", "sex", "ecog")).withTies(ties);
      assertEqualsR(CoxCsv.fit(unquoted("lung"), lungModel, "lung", 1_000_000).orElseThrow(), "lung", ties.name().toLowerCase(java.util.Locale.ROOT));
    }
    Path lung = reference("lung", "input.csv");
    Path mgus2 = reference("mgus2_age_entry", "input.csv");
    for (CoxSpec.Ties ties : CoxSpec.Ties.values()) {
      String name = ties.name().toLowerCase(java.util.Locale.ROOT);
      CoxSpec lungModel = CoxSpec.of("time", "event", List.of("age", "sex", "ecog")).withTies(ties);
      CoxFit fit = CoxCsv.fit(lung, lungModel, "lung", 1_000_000).orElseThrow();
      assertEqualsR(fit, "lung", name);
      assertSameFit(lung, lungModel);
      CoxSpec mgusModel = CoxSpec.of("time", "event", List.of("sex", "hgb")).withEntry("entry").withTies(ties);
      assertEqualsR(CoxCsv.fit(mgus2, mgusModel, "mgus2", 1_000_000).orElseThrow(), "mgus2_age_entry", name);
      assertSameFit(mgus2, mgusModel);
    }
  }

  /** Strata, delayed entry, missing values of every kind, a numeric column declared categorical, a chosen reference, ties. */
  @Test
  void seededFilesGiveTheSparkPathsFit() throws IOException {
    Random random = new Random(11);
    StringBuilder sb = new StringBuilder("id,entry,time,event,region,size,band,year\n");
    String[] regions = {"北京", "上海", "广东", "NA", "", " "};
    for (int i = 0; i < 3_000; i++) {
      int entry = random.nextInt(20);
      int band = random.nextInt(4);
      double size = Math.round(random.nextGaussian() * 100) / 10.0;
      sb.append(i).append(',').append(entry).append(',').append(entry + 1 + random.nextInt(60 + 20 * band)).append(',')
          .append(random.nextDouble() < 0.55 + 0.1 * band ? 1 : 0).append(',')
          .append(random.nextInt(40) == 0 ? regions[3 + random.nextInt(3)] : regions[random.nextInt(3)]).append(',')
          .append(random.nextInt(50) == 0 ? "NA" : random.nextBoolean() ? " " + size + " " : size + "0").append(',')
          .append("b").append(band).append(',').append(2018 + random.nextInt(6)).append('\n');
    }
    Path file = write(sb.toString());
    CoxSpec base = CoxSpec.of("time", "event", List.of("region", "size", "band"));
    assertSameFit(file, base);
    assertSameFit(file, base.withTies(CoxSpec.Ties.BRESLOW).withEntry("entry"));
    assertSameFit(file, CoxSpec.of("time", "event", List.of("size", "year")).withCategorical(List.of("year"))
        .withReferences(Map.of("year", "2020")).withStrata("region"));
    assertSameFit(file, CoxSpec.of("time", "event", List.of("band", "size")).withStrata("year").withEntry("entry"));
    // More groups of subjects than the driver may hold: the Spark path, the same fit.
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> table = SharedSpark.spark().read().option("header", "true").csv(file.toString());
    assertSameFit(CoxModel.fit(table, base, "f", 50), CoxModel.fit(table, base, "f", 0));
  }

  @Test
  void filesAndModelsOtherwiseReadOrRejectedAreLeftToTheSparkPath() throws IOException {
    CoxSpec xg = CoxSpec.of("t", "e", List.of("x", "g"));
    String good = "t,e,x,g\n1,1,1.5,a\n2,0,2.5,b\n3,1,0.5,a\n4,1,3,b\n5,1,1,a\n6,0,2,b\n7,1,1.5,b\n8,1,2.5,a\n9,0,3,a\n";
    assertThat(CoxCsv.fit(write(good), xg, "f", 100)).isPresent();
    for (String csv : List.of(
        "t,e,x,g\n1,1,1.5,\"a\"\"\"\n2,0,2.5,b\n3,1,0.5,a\n4,1,3,b\n", // a doubled quote
        "t,e,x,g\n1,1,1.5,a\n2,0,abc,b\n3,1,0.5,a\n4,1,3,b\n",       // a word in a numeric column
        "t,e,x,g\n1,1,1.5,a\n2,0,Inf,b\n3,1,0.5,a\n4,1,3,b\n",       // a value Spark may read as a number
        "t,e,x,g\n1,1,1.5,a\n2,0,2.5,a\n3,1,0.5,a\n4,1,3,a\n",       // one level
        "t,e,x,g\n1,0,1.5,a\n2,0,2.5,b\n3,0,0.5,a\n4,0,3,b\n",       // no events
        "t,e,x,g\n1,1,2,a\n2,0,2,b\n3,1,2,a\n4,1,2,b\n",             // constant term
        "t,e,x,g\n1,1,NA,a\n2,0,2.5,NA\n",                           // no complete row
        "t,e,x,g\n-1,1,1.5,a\n2,0,2.5,b\n3,1,0.5,a\n4,1,3,b\n")) {   // negative time
      assertThat(CoxCsv.fit(write(csv), xg, "f", 100)).as("%s", csv).isEmpty();
    }
    assertThat(CoxCsv.fit(write(good), xg.withReferences(Map.of("g", "c")), "f", 100)).as("no such level").isEmpty();
    assertThat(CoxCsv.fit(write(good), xg.withReferences(Map.of("x", "1")), "f", 100)).as("numeric reference").isEmpty();
    assertThat(CoxCsv.fit(write(good), CoxSpec.of("t", "e", List.of("x")).withCategorical(List.of("x")), "f", 100))
        .as("x categorical: 6 levels").isPresent();
    assertThat(CoxCsv.fit(write(good), CoxSpec.of("t", "e", List.of("x")).withCategorical(List.of("x")).withMaxLevels(5), "f", 100))
        .as("more levels than allowed").isEmpty();
    assertThat(CoxCsv.fit(write(good), xg, "f", 3)).as("more cells than allowed").isEmpty();
  }

  /** The file without Spark, its cells collected from Spark and fitted on the driver, and Spark's sweeps: one fit. */
  private void assertSameFit(Path file, CoxSpec spec) throws IOException {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> table = SharedSpark.spark().read().option("header", "true")
        .option("encoding", "UTF-8").option("mode", "FAILFAST").csv(file.toString());
    CoxFit spark = CoxModel.fit(table, spec, "f", 0);
    assertSameFit(CoxCsv.fit(file, spec, "f", 1_000_000).orElseThrow(), spark);
    assertSameFit(CoxModel.fit(table, spec, "f"), spark);
  }

  private static void assertSameFit(CoxFit local, CoxFit spark) {
    assertThat(local.terms()).hasSameSizeAs(spark.terms());
    for (int j = 0; j < spark.terms().size(); j++) {
      CoxFit.Term a = local.terms().get(j);
      CoxFit.Term b = spark.terms().get(j);
      assertThat(a.term()).isEqualTo(b.term());
      close(a.coef(), b.coef(), a.term() + " coef");
      close(a.stdErr(), b.stdErr(), a.term() + " se");
      close(a.pValue(), b.pValue(), a.term() + " p");
      close(a.hrLower(), b.hrLower(), a.term() + " lower");
    }
    assertThat(local.n()).isEqualTo(spark.n());
    assertThat(local.nEvents()).isEqualTo(spark.nEvents());
    assertThat(local.iterations()).isEqualTo(spark.iterations());
    close(local.loglikNull(), spark.loglikNull(), "loglik null");
    close(local.loglik(), spark.loglik(), "loglik");
    close(local.waldChisq(), spark.waldChisq(), "wald");
    close(local.scoreChisq(), spark.scoreChisq(), "score");
    close(local.concordance(), spark.concordance(), "concordance");
    assertThat(local.warnings()).isEqualTo(spark.warnings());
  }

  private static void close(double a, double b, String what) {
    assertThat(a).as(what).isCloseTo(b, within(1e-9 * Math.max(1, Math.abs(b))));
  }

  private static void assertEqualsR(CoxFit fit, String folder, String ties) throws IOException {
    List<String> coef = Files.readAllLines(reference(folder, "coef_" + ties + ".csv"));
    for (int j = 1; j < coef.size(); j++) {
      String[] r = coef.get(j).replace("\"", "").split(",");
      CoxFit.Term t = fit.terms().get(j - 1);
      assertThat(t.term()).isEqualTo(r[0]);
      assertThat(t.coef()).as(r[0]).isCloseTo(Double.parseDouble(r[1]), within(1e-6 * Math.abs(Double.parseDouble(r[1]))));
      assertThat(t.stdErr()).as(r[0]).isCloseTo(Double.parseDouble(r[3]), within(1e-6 * Math.abs(Double.parseDouble(r[3]))));
    }
    String[] f = Files.readAllLines(reference(folder, "fit_" + ties + ".csv")).get(1).split(",");
    assertThat(fit.n()).isEqualTo(Long.parseLong(f[0]));
    assertThat(fit.loglik()).isCloseTo(Double.parseDouble(f[3]), within(1e-6 * Math.abs(Double.parseDouble(f[3]))));
    assertThat(fit.concordance()).isCloseTo(Double.parseDouble(f[8]), within(1e-6));
  }

  private static Path reference(String folder, String file) {
    try {
      return Path.of(CoxCsvTest.class.getResource("/r-cox/" + folder + "/" + file).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A reference input without R's quotes (its fields hold no commas). */
  private Path unquoted(String folder) throws IOException {
    return write(Files.readString(reference(folder, "input.csv")).replace("\"", ""));
  }

  private Path write(String csv) throws IOException {
    Path file = Files.createTempFile(dir, "cox", ".csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    return file;
  }
}
