package io.regsurv.cli;

import static io.regsurv.stats.RReference.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.stats.RReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.execution.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code regsurv km} on R's reference datasets (CSV output compared to 1e-9) and on bad input (exit 2, one line). */
class KmCommandTest {
  static final double TOL = 1e-9;

  @TempDir Path dir;

  static String[] args(String folder, String... extra) {
    List<String> a = new ArrayList<>(List.of("km", "--csv", RReference.path(folder, "input.csv").toString(), "--time", "time"));
    if (folder.equals("mgus2_competing")) {
      a.addAll(List.of("--event", "event"));
    } else {
      a.addAll(List.of("--event", "event"));
    }
    if (folder.equals("mgus2_age_entry")) {
      a.addAll(List.of("--entry", "entry"));
    }
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("io.regsurv.stats.RReference#folders")
  void groupedCurvesEqualSurvfit(String folder) {
    Cli run = Cli.run(args(folder, "--group", "group", "--format", "csv", "--conf-type", "log-log"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Map<String, String>> actual = RReference.parse(run.out()).stream()
        .filter(r -> Long.parseLong(r.get("n_events")) + Long.parseLong(r.get("n_censored")) > 0).toList();
    List<Map<String, String>> expected = new ArrayList<>(RReference.read(folder, "km.csv").stream()
        .filter(r -> !r.get("group").equals("all")).toList());
    expected.sort((x, y) -> {
      int c = x.get("group").compareTo(y.get("group"));
      return c != 0 ? c : Double.compare(Double.parseDouble(x.get("time")), Double.parseDouble(y.get("time")));
    });
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      Map<String, String> e = expected.get(i);
      Map<String, String> a = actual.get(i);
      String at = folder + " group " + e.get("group") + " time " + e.get("time") + " ";
      assertThat(a.get("group")).isEqualTo(e.get("group"));
      assertClose(at + "time", e.get("time"), a.get("time"), TOL);
      assertThat(a.get("n_at_risk")).as(at).isEqualTo(e.get("n_risk"));
      assertThat(a.get("n_events")).as(at).isEqualTo(e.get("n_event"));
      assertClose(at + "survival", e.get("surv"), a.get("survival"), TOL);
      assertClose(at + "std_err", e.get("std_err"), a.get("std_err"), TOL);
      assertClose(at + "ci_lower", e.get("lower_loglog"), a.get("ci_lower"), TOL);
      assertClose(at + "ci_upper", e.get("upper_loglog"), a.get("ci_upper"), TOL);
      assertClose(at + "cumulative_hazard", e.get("cumhaz"), a.get("cumulative_hazard"), TOL);
    }
    // Each curve starts at time 0 with survival 1.
    assertThat(run.out()).contains("\n" + expected.get(0).get("group") + ",0.0,");
  }

  @Test
  void summaryAndLogRankEqualR() {
    Map<String, String> horizon = RReference.read("lung_sex", "summary.csv").get(0);
    Cli run = Cli.run(args("lung_sex", "--group", "group", "--summary", "--rmst-horizon", horizon.get("rmean_horizon"), "--format", "csv"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    String[] parts = run.out().split("\\R\\R");
    List<Map<String, String>> summary = RReference.parse(parts[0]);
    List<Map<String, String>> expected = RReference.read("lung_sex", "summary.csv").stream().filter(r -> !r.get("group").equals("all")).toList();
    assertThat(summary).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(summary.get(i).get("n")).isEqualTo(expected.get(i).get("n"));
      assertThat(summary.get(i).get("events")).isEqualTo(expected.get(i).get("events"));
      assertClose("median", expected.get(i).get("median"), summary.get(i).get("median"), TOL);
      assertClose("median_lower", expected.get(i).get("median_lower_log"), summary.get(i).get("median_lower"), TOL);
      assertClose("median_upper", expected.get(i).get("median_upper_log"), summary.get(i).get("median_upper"), TOL);
      assertClose("rmst", expected.get(i).get("rmean"), summary.get(i).get("rmst"), TOL);
      assertClose("rmst_std_err", expected.get(i).get("se_rmean"), summary.get(i).get("rmst_std_err"), TOL);
    }
    List<Map<String, String>> logrank = RReference.parse(parts[1]);
    Map<String, String> test = RReference.read("lung_sex", "logrank_test.csv").get(0);
    assertClose("chisq", test.get("chisq"), logrank.get(0).get("chisq"), TOL);
    assertThat(logrank.get(0).get("df")).isEqualTo(test.get("df"));
    assertClose("p", test.get("p"), logrank.get(0).get("p_value"), 1e-6);
    assertClose("expected", RReference.read("lung_sex", "logrank_groups.csv").get(1).get("expected"), logrank.get(1).get("expected"), TOL);
  }

  @Test
  void summaryAddsToTheCurveInATableAndReplacesItInCsv() throws IOException {
    Cli curve = Cli.run(args("lung_sex", "--group", "group"));
    Cli both = Cli.run(args("lung_sex", "--group", "group", "--summary"));
    assertThat(both.exitCode()).as(both.err()).isZero();
    // Table: the curve exactly as without --summary, then the summary, then the log-rank test.
    assertThat(both.out()).startsWith(curve.out() + "\n");
    String[] blocks = both.out().split("\\R\\R");
    assertThat(blocks).hasSize(3);
    assertThat(blocks[0].lines().findFirst().orElseThrow()).startsWith("group").contains("n_at_risk", "survival");
    assertThat(blocks[1].lines().findFirst().orElseThrow()).contains("median", "rmst").doesNotContain("n_at_risk");
    assertThat(blocks[1]).endsWith("(2 rows)");
    assertThat(blocks[2].lines().findFirst().orElseThrow()).contains("chisq", "p_value");

    // csv: only the summary and the test, each block with its own header.
    Cli csv = Cli.run(args("lung_sex", "--group", "group", "--summary", "--format", "csv"));
    assertThat(csv.out()).doesNotContain("n_at_risk");
    assertThat(csv.out().split("\\R\\R")).hasSize(2);
  }

  @Test
  void usageDocDescribesSummaryInTheHelpsWords() throws IOException {
    // The km section moved from the README to docs/usage.md (the README links it).
    String readme = Files.readString(Path.of("docs/usage.md")).replace("`", "").replaceAll("\\s+", " ");
    assertThat(readme).contains("--summary: " + KmCommand.SUMMARY_HELP.substring(0, 1).toLowerCase() + KmCommand.SUMMARY_HELP.substring(1));
    Cli help = Cli.run("km", "--help");
    assertThat(help.out().replaceAll("\\s+", " ")).contains(KmCommand.SUMMARY_HELP);
  }

  @Test
  void competingPrintsAalenJohansenIncidenceEqualToR() {
    Cli run = Cli.run("km", "--csv", RReference.path("mgus2_competing", "input.csv").toString(),
        "--time", "time", "--event", "cause", "--competing", "--censor-value", "censor", "--format", "csv");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Map<String, String>> actual = RReference.parse(run.out());
    List<Map<String, String>> expected = new ArrayList<>(RReference.read("mgus2_competing", "cif.csv").stream()
        .filter(r -> r.get("group").equals("all")).toList());
    expected.sort((x, y) -> {
      int c = Double.compare(Double.parseDouble(x.get("time")), Double.parseDouble(y.get("time")));
      return c != 0 ? c : x.get("state").compareTo(y.get("state"));
    });
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).get("cause")).isEqualTo(expected.get(i).get("state"));
      assertClose("time", expected.get(i).get("time"), actual.get(i).get("time"), TOL);
      assertClose("pstate " + expected.get(i).get("time"), expected.get(i).get("pstate"), actual.get(i).get("cumulative_incidence"), TOL);
    }
  }

  @Test
  void statusColumnWithEventValuesAndOutputTable() throws IOException {
    Path csv = write("status.csv", "years,status\n1.5,cancelled\n2.25,active\n2.25,revoked\n4,active\n");
    Cli run = Cli.run("km", "--csv", csv.toString(), "--time", "years", "--event", "status",
        "--event-values", "cancelled,revoked", "--censor-values", "active", "--format", "csv",
        "--output-table", "gold.km_status_test", "--warehouse", dir.resolve("wh").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Map<String, String>> rows = RReference.parse(run.out());
    assertThat(rows).extracting(r -> r.get("time")).containsExactly("0.0", "1.5", "2.25", "4.0");
    assertClose("S(1.5)", "0.75", rows.get(1).get("survival"), TOL);
    assertClose("S(2.25)", "0.5", rows.get(2).get("survival"), TOL);
    assertThat(SharedSpark.spark().table("gold.km_status_test").count()).isEqualTo(4);
  }

  @Test
  void kmLeavesNothingCachedInTheSession() throws IOException {
    Path csv = write("cache.csv", "t,e,g\n1,1,a\n2,0,a\n3,1,b\n4,1,b\n");
    // The cache manager is the session's shared state; counting entries (not asserting it empty)
    // keeps the test independent of what earlier tests in this JVM left behind.
    CacheManager cache = ((org.apache.spark.sql.classic.SparkSession) SharedSpark.spark()).sharedState().cacheManager();
    int before = cache.numCachedEntries();
    Cli curve = Cli.run("km", "--csv", csv.toString(), "--time", "t", "--event", "e", "--format", "csv");
    assertThat(curve.exitCode()).as(curve.err()).isZero();
    assertThat(RReference.parse(curve.out())).hasSize(5);
    assertThat(cache.numCachedEntries()).as("after a curve").isEqualTo(before);
    Cli summary = Cli.run("km", "--csv", csv.toString(), "--time", "t", "--event", "e", "--group", "g", "--summary", "--format", "csv");
    assertThat(summary.exitCode()).as(summary.err()).isZero();
    assertThat(cache.numCachedEntries()).as("after a summary").isEqualTo(before);
  }

  /** Beyond --max-cells the driver refuses, naming the option that works; --distributed prints the same numbers. */
  @Test
  void tooManyCellsNamesDistributedWhichGivesTheSameCurves() {
    Cli.run(args("lung_sex", "--group", "group", "--max-cells", "10")).assertBadInput("use --distributed");
    Cli driver = Cli.run(args("lung_sex", "--group", "group", "--summary", "--format", "csv"));
    Cli spark = Cli.run(args("lung_sex", "--group", "group", "--summary", "--format", "csv", "--distributed", "--max-cells", "10"));
    assertThat(spark.exitCode()).as(spark.err()).isZero();
    List<String> a = driver.out().lines().toList();
    List<String> b = spark.out().lines().toList();
    assertThat(a).hasSameSizeAs(b).hasSizeGreaterThan(4);
    for (int i = 0; i < a.size(); i++) {
      String[] x = a.get(i).split(",", -1);
      String[] y = b.get(i).split(",", -1);
      assertThat(x).as("line " + i).hasSameSizeAs(y);
      for (int f = 0; f < x.length; f++) {
        if (x[f].matches("-?[0-9.]+(E-?[0-9]+)?") && x[f].contains(".")) {
          assertClose("line " + i + " field " + f, y[f], x[f], 1e-12);
        } else {
          assertThat(x[f]).as("line " + i + " field " + f).isEqualTo(y[f]);
        }
      }
    }
  }

  @Test
  void badInputFailsWithOneLineAndExitTwo() throws IOException {
    Path good = write("good.csv", "t,e,a\n5,1,0\n6,0,1\n");
    Cli.run("km", "--csv", good.toString(), "--time", "duration", "--event", "e").assertBadInput("column 'duration' not found");
    Path text = write("text.csv", "t,e\n5,1\nabc,0\n");
    Cli.run("km", "--csv", text.toString(), "--time", "t", "--event", "e").assertBadInput("non-numeric value(s), e.g. 'abc'");
    Path negative = write("neg.csv", "t,e\n5,1\n-2,0\n");
    Cli.run("km", "--csv", negative.toString(), "--time", "t", "--event", "e").assertBadInput("negative duration");
    Path entryAfter = write("entry.csv", "a,t,e\n1,5,1\n7,6,0\n");
    Cli.run("km", "--csv", entryAfter.toString(), "--time", "t", "--event", "e", "--entry", "a").assertBadInput("entry ≥ exit");
    Path badEvent = write("event.csv", "t,e\n5,1\n6,2\n");
    Cli.run("km", "--csv", badEvent.toString(), "--time", "t", "--event", "e").assertBadInput("outside the declared set, e.g. '2'");
    Path status = write("status.csv", "t,s\n5,cancelled\n6,moved\n");
    Cli.run("km", "--csv", status.toString(), "--time", "t", "--event", "s", "--event-values", "cancelled",
        "--censor-values", "active").assertBadInput("e.g. 'moved'");
    Cli.run("km", "--csv", good.toString(), "--time", "t", "--event", "e", "--conf-type", "arcsin").assertBadInput("conf type must be");
    Cli.run("km", "--csv", dir.resolve("nope.csv").toString(), "--time", "t", "--event", "e").assertBadInput("file not found");
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }
}
