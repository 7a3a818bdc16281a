package io.regsurv.report;

import static io.regsurv.SilverFixtures.firm;
import static io.regsurv.SilverFixtures.firms;
import static io.regsurv.SilverFixtures.history;
import static io.regsurv.SilverFixtures.period;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportJobTest {
  @TempDir Path dir;
  Warehouse warehouse;

  @BeforeEach
  void silver() {
    warehouse = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    warehouse.ensure(Tables.FIRM);
    warehouse.ensure(Tables.STATUS_HISTORY);
    firms(
            firm("A", "2023-01-01", "ACTIVE", null, null, "2023-01-31", "2024-07-31", "广东"),
            firm("B", "2023-02-01", "CANCELLED", "2023-06-01", "CANCELLED", "2023-02-28", "2024-07-31", "广东"),
            firm("C", "2021-01-01", "REVOKED", "2022-01-01", "REVOKED", "2023-01-31", "2024-07-31", "北京"),
            firm("D", "2024-03-01", "ACTIVE", null, null, "2024-03-31", "2024-07-31", "北京"),
            firm("E", "2023-03-01", "SUSPENDED", "2024-07-30", "SUSPENDED", "2023-03-31", "2024-07-31", "北京"),
            firm("F", "2024-03-01", "ACTIVE", null, null, "2024-03-31", "2024-07-31", "北京", false))
        .write().format("delta").mode("append").save(warehouse.location(Tables.FIRM));
    history(
            period("A", "ACTIVE", "2023-01-01", null),
            period("B", "ACTIVE", "2023-02-01", "2023-06-01"),
            period("B", "CANCELLED", "2023-06-01", null),
            period("C", "ACTIVE", "2021-01-01", "2022-01-01"),
            period("C", "REVOKED", "2022-01-01", null),
            period("D", "ACTIVE", "2024-03-01", null),
            period("E", "ACTIVE", "2023-03-01", "2024-07-30"),
            period("E", "SUSPENDED", "2024-07-30", null),
            period("F", "ACTIVE", "2024-03-01", null))
        .write().format("delta").mode("append").save(warehouse.location(Tables.STATUS_HISTORY));
  }

  private Map<String, Double> values(ReportJob.ReportResult r) {
    return r.kpis().stream().collect(Collectors.toMap(ReportJob.Kpi::kpi, ReportJob.Kpi::value));
  }

  @Test
  void headlineFiguresCountAiFirmsByStatusOnTheAsOfDate() {
    ReportJob.ReportResult r = io.regsurv.pipeline.Pipeline.on(warehouse, RunConfig.defaults()).report(LocalDate.of(2024, 7, 31), ReportJob.Comparison.NEVER, false);
    Map<String, Double> v = values(r);
    assertThat(v).containsEntry("existing_firms", 2.0) // A, D (E suspended the day before, F not AI)
        .containsEntry("registered_since_era", 4.0) // A, B, D, E
        .containsEntry("abnormal_since_era", 2.0) // B cancelled, E suspended
        .containsEntry("abnormal_share_since_era", 0.5)
        .containsEntry("exits_last_3y", 3.0) // B, C, E
        .containsEntry("cancelled_revoked_last_3y", 2.0) // B, C
        .containsEntry("exits_last_10y", 3.0)
        .containsEntry("registered_ytd", 1.0); // D
    assertThat(v.keySet()).noneMatch(k -> k.startsWith("published_"));
    assertThat(warehouse.read(Tables.REGISTRY_KPI).count()).isEqualTo(r.kpis().size());
  }

  @Test
  void statusIsTakenOnTheDayAsked() {
    Map<String, Double> v = values(io.regsurv.pipeline.Pipeline.on(warehouse, RunConfig.defaults()).report(LocalDate.of(2024, 7, 29), ReportJob.Comparison.NEVER, false));
    assertThat(v).containsEntry("existing_firms", 3.0).containsEntry("abnormal_since_era", 1.0);
  }

  @Test
  void publishedFiguresAreComputedOnTheirOwnDatesWhenAsked() {
    ReportJob.ReportResult r = io.regsurv.pipeline.Pipeline.on(warehouse, RunConfig.defaults()).report(LocalDate.of(2024, 7, 31), ReportJob.Comparison.ALWAYS, false);
    ReportJob.Kpi abnormal = r.kpis().stream().filter(k -> k.kpi().equals("published_abnormal_since_chatgpt")).findFirst().orElseThrow();
    assertThat(abnormal.value()).isEqualTo(1.0); // on 2024-07-29 only B is abnormal
    assertThat(abnormal.published()).isEqualTo(78612.0);
    assertThat(abnormal.relativeDifference()).isCloseTo((1.0 - 78612) / 78612, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void rerunForTheSameDateReplacesItsRows() {
    io.regsurv.pipeline.Pipeline pipeline = io.regsurv.pipeline.Pipeline.on(warehouse, RunConfig.defaults());
    ReportJob.ReportResult first = pipeline.report(LocalDate.of(2024, 7, 31), ReportJob.Comparison.NEVER, false);
    pipeline.report(LocalDate.of(2024, 7, 29), ReportJob.Comparison.NEVER, false);
    // Forced, so the rerun really writes (an unforced one is skipped as already done) — and with the
    // published figures this time, so the replaced rows differ from the first run's.
    ReportJob.ReportResult again = pipeline.report(LocalDate.of(2024, 7, 31), ReportJob.Comparison.ALWAYS, true);
    assertThat(again.skipped()).isFalse();
    assertThat(again.versionWritten()).isGreaterThan(first.versionWritten());
    assertThat(again.kpis().size()).isGreaterThan(first.kpis().size());
    assertThat(warehouse.read(Tables.REGISTRY_KPI).filter("as_of_date = DATE'2024-07-31'").count()).isEqualTo(again.kpis().size());
    assertThat(warehouse.read(Tables.REGISTRY_KPI).filter("as_of_date = DATE'2024-07-29'").count()).isGreaterThan(0);
    assertThat(warehouse.read(Tables.REGISTRY_KPI).select("as_of_date").distinct().count()).isEqualTo(2);
  }


  @Test
  void commandPrintsTheFigures() {
    Cli r = Cli.run("report", "--warehouse", dir.resolve("wh").toString(), "--as-of", "2024-07-31", "--compare", "always");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("AI-related firms existing (active) on 2024-07-31", "50.00%", "1,804,300", "gold.registry_kpi");
  }

  @Test
  void reportWithoutSilverIsBadInput(@TempDir Path empty) {
    Warehouse none = new Warehouse(SharedSpark.spark(), empty.toString());
    assertThatThrownBy(() -> io.regsurv.pipeline.Pipeline.on(none, RunConfig.defaults()).report(null, ReportJob.Comparison.AUTO, false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("run 'regsurv classify' first");
  }

  @Test
  void compareAutoFindsThePublishedExistingCountByItsKindNotItsPlaceInTheFile() {
    List<io.regsurv.config.PublishedFigures.Figure> figures = new java.util.ArrayList<>(io.regsurv.config.PublishedFigures.load().figures());
    io.regsurv.config.PublishedFigures.Figure existing = ReportJob.existingFigure(figures);
    assertThat(existing.kind()).isEqualTo(io.regsurv.core.KpiKind.EXISTING);
    java.util.Collections.reverse(figures);
    assertThat(ReportJob.existingFigure(figures)).isEqualTo(existing);
    assertThat(figures.get(0)).isNotEqualTo(existing);
  }

  @Test
  void aSmallerRegistryIsComparedWithThePublishedCountsAtItsScaleAndSharesAsPublished() {
    ReportJob.ReportResult r = io.regsurv.pipeline.Pipeline.on(warehouse, RunConfig.defaults())
        .report(LocalDate.of(2024, 7, 31), ReportJob.Comparison.ALWAYS, 0.5, false);
    ReportJob.Kpi abnormal = r.kpis().stream().filter(k -> k.kpi().equals("published_abnormal_since_chatgpt")).findFirst().orElseThrow();
    assertThat(abnormal.published()).isEqualTo(78612.0 * 0.5);
    assertThat(abnormal.label()).endsWith("[published count scaled x0.5000]");
    assertThat(abnormal.relativeDifference()).isCloseTo((1.0 - 39306) / 39306, org.assertj.core.data.Offset.offset(1e-12));
    ReportJob.Kpi share = r.kpis().stream().filter(k -> k.kpi().equals("published_abnormal_share_since_chatgpt")).findFirst().orElseThrow();
    assertThat(share.published()).isEqualTo(0.089);
    assertThat(share.label()).doesNotContain("scaled");
    assertThatThrownBy(() -> io.regsurv.pipeline.Pipeline.on(warehouse, RunConfig.defaults()).report(null, ReportJob.Comparison.ALWAYS, 2.0, false))
        .hasMessageContaining("scale must be in (0, 1]");
  }
}
