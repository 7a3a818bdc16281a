package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.stats.CoxReferenceTest;
import io.regsurv.stats.RReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code regsurv cox} end to end in process: R's lung reference to 1e-6 and bad input (exit 2, one line naming the column or term). */
class CoxCommandTest {
  static final double TOL = 1e-6;

  @TempDir Path dir;

  private String lung() {
    return CoxReferenceTest.path("lung", "input.csv").toString();
  }

  @Test
  void lungCsvEqualsCoxph() {
    for (String ties : List.of("efron", "breslow")) {
      Cli run = Cli.run("cox", "--csv", lung(), "--time", "time", "--event", "event", "--covariates", "age,sex,ecog",
          "--ties", ties, "--format", "csv", "--warehouse", dir.resolve("wh").toString());
      assertThat(run.exitCode()).as(run.err()).isZero();
      String[] blocks = run.out().split("\\R\\R");
      assertThat(blocks).hasSize(2);
      List<Map<String, String>> terms = RReference.parse(blocks[0]);
      List<Map<String, String>> expected = CoxReferenceTest.read("lung", "coef_" + ties + ".csv");
      assertThat(terms).extracting(r -> r.get("term")).containsExactly("age", "sexmale", "ecog");
      for (int i = 0; i < expected.size(); i++) {
        for (String c : CoxCommand.TERM_COLUMNS.subList(1, CoxCommand.TERM_COLUMNS.size())) {
          relative(ties + " " + expected.get(i).get("term") + " " + c, expected.get(i).get(c), terms.get(i).get(c));
        }
      }
      Map<String, String> model = RReference.parse(blocks[1]).get(0);
      Map<String, String> r = CoxReferenceTest.read("lung", "fit_" + ties + ".csv").get(0);
      for (String c : List.of("loglik_null", "loglik", "lr_chisq", "score_chisq", "concordance")) {
        relative(ties + " " + c, r.get(c), model.get(c));
      }
      assertThat(model.get("n")).isEqualTo(r.get("n"));
      assertThat(model.get("n_events")).isEqualTo(r.get("n_events"));
      assertThat(model.get("iterations")).isEqualTo(r.get("iterations"));
      assertThat(Double.parseDouble(model.get("wald_chisq"))).isCloseTo(Double.parseDouble(r.get("wald_chisq")), org.assertj.core.api.Assertions.within(0.005));
    }
  }

  @Test
  void chosenReferenceAndOutputTable() {
    Cli run = Cli.run("cox", "--csv", lung(), "--time", "time", "--event", "event", "--covariates", "sex",
        "--reference", "sex=male", "--format", "json", "--output-table", "gold.cox_test", "--warehouse", dir.resolve("wh").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"term\":\"sexfemale\"");
    assertThat(SharedSpark.spark().table("gold.cox_test").count()).isEqualTo(1);
  }

  @Test
  void badInputFailsWithOneLineAndExitTwo() throws IOException {
    String wh = dir.resolve("wh").toString();
    Cli.run("cox", "--csv", lung(), "--time", "time", "--event", "event", "--covariates", "age,nope", "--warehouse", wh)
        .assertBadInput("column 'nope' not found");
    Path noEvents = write("none.csv", "t,e,x\n5,0,1\n6,0,2\n");
    Cli.run("cox", "--csv", noEvents.toString(), "--time", "t", "--event", "e", "--covariates", "x", "--warehouse", wh)
        .assertBadInput("no events");
    Path constant = write("const.csv", "t,e,x,g\n5,1,1,a\n6,0,1,b\n7,1,1,a\n");
    Cli.run("cox", "--csv", constant.toString(), "--time", "t", "--event", "e", "--covariates", "g,x", "--warehouse", wh)
        .assertBadInput("covariate term 'x' is constant");
    Path collinear = write("coll.csv", "t,e,x,g\n5,1,0,a\n6,1,1,b\n7,0,0,a\n8,1,1,b\n");
    Cli.run("cox", "--csv", collinear.toString(), "--time", "t", "--event", "e", "--covariates", "x,g", "--warehouse", wh)
        .assertBadInput("covariate term 'gb' is collinear");
    Path text = write("text.csv", "t,e,x\n5,1,1\n6,0,abc\n7,1,3\n");
    Cli.run("cox", "--csv", text.toString(), "--time", "t", "--event", "e", "--covariates", "x", "--warehouse", wh)
        .assertBadInput("numeric covariate 'x' has 1 non-numeric value(s), e.g. 'abc'");
    Cli.run("cox", "--csv", collinear.toString(), "--time", "t", "--event", "e", "--covariates", "t", "--max-levels", "2",
        "--categorical", "t", "--warehouse", wh).assertBadInput("'t' has more than 2 levels");
    Cli.run("cox", "--csv", lung(), "--time", "time", "--event", "event", "--covariates", "sex", "--ties", "exact", "--warehouse", wh)
        .assertBadInput("ties must be efron or breslow");
  }

  private static void relative(String what, String expected, String actual) {
    double e = Double.parseDouble(expected);
    double a = Double.parseDouble(actual);
    assertThat(Math.abs(a - e) / Math.abs(e)).as(what + ": expected " + expected + ", was " + actual).isLessThanOrEqualTo(TOL);
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }
}
