package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.report.ReportJob;
import io.regsurv.report.ReportJob.Kpi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The printed headline table: a missing value says why it is missing, where the value would be. */
class ReportCommandTest {

  @Test
  void missingValuesSayWhyInsteadOfNA() {
    List<Kpi> kpis = List.of(
        new Kpi("median_lifetime_days_before_2022_11_30", "median before", 1234.4, null, 900L, null, null, ReportJob.MEDIAN_DEFINITION),
        new Kpi("median_lifetime_days_since_2022_11_30", "median since", Double.NaN, null, 700L, null, null, ReportJob.MEDIAN_DEFINITION),
        new Kpi("median_lifetime_days_tiny", "median tiny", Double.NaN, null, 12L, null, null,
            ReportJob.MEDIAN_DEFINITION + "; " + ReportJob.MEDIAN_SUPPRESSED),
        new Kpi("cohort_abnormal_share", "abnormal share", Double.NaN, 0L, 0L, null, null, "share"),
        new Kpi("cohort_abnormal_share_2", "abnormal share 2", 0.0905, 9L, 100L, 0.0895, 0.0112, "share"));

    Map<String, String[]> printed = printed(kpis);

    assertThat(printed.get("median before")[0]).isEqualTo("1,234 days");
    assertThat(printed.get("median since")[0]).isEqualTo("not reached (survival stays above 50% within the data)");
    assertThat(printed.get("median tiny")[0]).isEqualTo("suppressed (fewer than survival.minCohortSize firms)");
    assertThat(printed.get("abnormal share")[0]).isEqualTo("n/a (no firms to divide by)");
    assertThat(printed.get("abnormal share 2")).containsExactly("9.05%", "8.95%", "+1.12%");
  }

  /** label → [value, published, difference] of the aligned table. */
  private static Map<String, String[]> printed(List<Kpi> kpis) {
    StringWriter text = new StringWriter();
    ReportCommand.print(new PrintWriter(text, true), kpis);
    String[] lines = text.toString().split("\n");
    assertThat(lines[0]).startsWith("figure").contains("value", "published", "difference");
    Map<String, String[]> byLabel = new LinkedHashMap<>();
    for (int i = 2; i < lines.length - 1; i++) {
      String[] cells = (lines[i] + " ").split(" \\| ", -1);
      String[] rest = new String[3];
      for (int c = 0; c < 3; c++) {
        rest[c] = c + 1 < cells.length ? cells[c + 1].strip() : "";
      }
      byLabel.put(cells[0].strip(), rest);
    }
    assertThat(byLabel).hasSize(kpis.size());
    return byLabel;
  }
}
