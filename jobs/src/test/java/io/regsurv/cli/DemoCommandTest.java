package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.report.ReportJob.Kpi;
import io.regsurv.report.ReportJob.ReportResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  static final double SCALE = 50_000 / 2_287_100.0;

  @Test
  void endsWithTheFiguresBesideThePublishedOnesCountsMarkedAsScaledThenTheNextThingToTry() {
    List<Kpi> kpis = List.of(
        new Kpi("existing", "AI-related firms existing (active) on 2024-08-07", 39_375, 39_375L, null, null, null, "d"),
        new Kpi("median_before", "median lifetime (days) of firms established before 2022-11-30", Double.NaN, null, null, null, null, "d"),
        new Kpi("existing_published", "AI-related firms existing (active) in early August 2024 [published count scaled x0.0219]", 39_375, 39_375L,
            null, 39_445.0, -0.0018, "d"),
        new Kpi("abnormal_share_published", "share of those cancelled, revoked or suspended on 2024-07-29", 0.0895, 1_718L, 19_192L, 0.089, 0.0058, "d"));
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    DemoCommand.figures(out, new ReportResult("report-1", LocalDate.of(2024, 8, 7), 8, kpis, 1, null), SCALE);
    out.println(DemoCommand.NEXT);
    out.flush();
    List<String> lines = text.toString().lines().toList();

    int beside = lines.indexOf("Beside the published figures (TMTpost, 2024-08-13), at the published dates:");
    assertThat(beside).as(text.toString()).isPositive();
    List<String> own = lines.subList(0, beside);
    List<String> compared = lines.subList(beside, lines.size());
    assertThat(String.join("\n", own)).contains("AI-related firms existing (active) on 2024-08-07", "not reached").doesNotContain("39,445");
    assertThat(own.get(1)).as("no empty published column").startsWith("figure").endsWith("value");
    assertThat(compared).anySatisfy(l -> assertThat(l).contains("existing (active) in early August 2024 *").contains("39,375", "39,445", "-0.18%")
        .doesNotContain("[published count scaled"));
    assertThat(compared).anySatisfy(l -> assertThat(l).contains("share of those cancelled").doesNotContain(" *").contains("8.95%", "8.90%", "+0.58%"));
    assertThat(compared).contains("* a count: the published one scaled x0.0219 to the demo's size (50,000 of the registry's 2,287,100 firms)");
    assertThat(lines.get(lines.size() - 1)).startsWith("Next: bin/regsurv sql \"SELECT cohort, n_firms");
  }
}
