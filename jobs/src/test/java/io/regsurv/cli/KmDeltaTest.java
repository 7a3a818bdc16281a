package io.regsurv.cli;

import static io.regsurv.stats.RReference.assertClose;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.stats.RReference;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regsurv km --delta}: a Delta table with typed columns (integer time and 0/1 event) gives
 * R's survfit curves for aml, as the CSV input does; a missing table is bad input.
 */
class KmDeltaTest {
  static final double TOL = 1e-9;

  @Test
  void deltaTableWithTypedColumnsGivesSurvfitCurves(@TempDir Path dir) {
    String table = dir.resolve("aml").toString();
    SharedSpark.spark().read().option("header", "true").csv(RReference.path("aml", "input.csv").toString())
        .select(col("time").cast("int").as("weeks"), col("event").cast("int").as("relapsed"), col("group").as("arm"))
        .write().format("delta").save(table);

    Cli run = Cli.run("km", "--delta", table, "--time", "weeks", "--event", "relapsed", "--group", "arm", "--format", "csv");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Map<String, String>> actual = RReference.parse(run.out()).stream()
        .filter(r -> Long.parseLong(r.get("n_events")) + Long.parseLong(r.get("n_censored")) > 0).toList();
    List<Map<String, String>> expected = RReference.read("aml", "km.csv").stream().filter(r -> !r.get("group").equals("all"))
        .sorted(Comparator.<Map<String, String>, String>comparing(r -> r.get("group")).thenComparingDouble(r -> Double.parseDouble(r.get("time"))))
        .toList();
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      Map<String, String> e = expected.get(i);
      Map<String, String> a = actual.get(i);
      String at = "aml " + e.get("group") + " time " + e.get("time") + " ";
      assertThat(a.get("group")).as(at).isEqualTo(e.get("group"));
      assertClose(at + "time", e.get("time"), a.get("time"), TOL);
      assertThat(a.get("n_at_risk")).as(at).isEqualTo(e.get("n_risk"));
      assertThat(a.get("n_events")).as(at).isEqualTo(e.get("n_event"));
      assertClose(at + "survival", e.get("surv"), a.get("survival"), TOL);
      assertClose(at + "std_err", e.get("std_err"), a.get("std_err"), TOL);
      assertClose(at + "ci_lower", e.get("lower_log"), a.get("ci_lower"), TOL);
      assertClose(at + "ci_upper", e.get("upper_log"), a.get("ci_upper"), TOL);
    }
  }

  @Test
  void missingDeltaTableIsBadInput(@TempDir Path dir) {
    Cli run = Cli.run("km", "--delta", dir.resolve("nothing").toString(), "--time", "t", "--event", "e");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.lastErrLine()).contains("nothing");
  }
}
