package io.regsurv.report;

import io.regsurv.core.JobRun;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.regsurv.config.PublishedFigures;
import io.regsurv.config.PublishedFigures.Figure;
import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The headline report: published-style figures (firms existing, registered in a window and how
 * many are abnormal, exits in the last 3 and 10 years, registered year-to-date, median lifetime by
 * era) from silver, next to the published figures when the data are of the registry's size.
 */
public final class ReportJob {
  /** When to put the published figures beside ours. */
  public enum Comparison {
    /** When the data look like the full registry (existing firms within 10% of the published count). */
    AUTO,
    ALWAYS,
    NEVER
  }

  private final Warehouse warehouse;
  private final RunConfig config;

  public ReportJob(Warehouse warehouse, RunConfig config) {
    this.warehouse = warehouse;
    this.config = config;
  }

  /** The figures computed, one per KPI, in print order. */
  public record Kpi(String kpi, String label, double value, Long numerator, Long denominator, Double published, Double relativeDifference, String definition) {}

  public record ReportResult(String runId, LocalDate asOfDate, long sourceVersion, List<Kpi> kpis, long versionWritten, String skippedBecauseOfRun) {

    /** True when gold.registry_kpi already held this as-of date computed from the same versions and settings. */
    public boolean skipped() {
      return skippedBecauseOfRun != null;
    }
  }

  public ReportResult run(LocalDate asOfOrNull, Comparison comparison) {
    return run(asOfOrNull, comparison, false);
  }

  /** Computes the figures for the as-of date, unless gold already has them from the same inputs (and not {@code force}). */
  public ReportResult run(LocalDate asOfOrNull, Comparison comparison, boolean force) {
    Instant started = Instant.now();
    if (!warehouse.exists(Tables.FIRM) || !warehouse.exists(Tables.STATUS_HISTORY)) {
      throw new BadInputException("Cannot report: silver.firm does not exist in " + warehouse.root() + "; run 'regsurv classify' first");
    }
    String runId = UUID.randomUUID().toString();
    long firmVersion = warehouse.version(Tables.FIRM);
    long historyVersion = warehouse.version(Tables.STATUS_HISTORY);
    Dataset<Row> firms = warehouse.readVersion(Tables.FIRM, firmVersion).filter(col("is_ai_related"));
    Dataset<Row> history = warehouse.readVersion(Tables.STATUS_HISTORY, historyVersion);
    LocalDate asOf = asOfOrNull != null ? asOfOrNull : latestSnapshot(firms);
    Map<String, Long> read = new LinkedHashMap<>(Map.of(Tables.FIRM, firmVersion, Tables.STATUS_HISTORY, historyVersion));
    if (warehouse.exists(Tables.COHORT_SUMMARY)) {
      read.put(Tables.COHORT_SUMMARY, warehouse.version(Tables.COHORT_SUMMARY));
    }
    String fingerprint = JobRunLog.fingerprint(List.of(comparison.name(), String.valueOf(config.survival().eraBoundary())));
    JobRunLog log = new JobRunLog(warehouse);
    if (!force) {
      java.util.Optional<Row> done = log.upToDate("report", asOf, fingerprint, read, Map.of(Tables.REGISTRY_KPI, "as_of_date"));
      if (done.isPresent()) {
        List<Kpi> stored = new ArrayList<>();
        // One row per figure: small by construction.
        for (Row r : warehouse.read(Tables.REGISTRY_KPI).where(col("as_of_date").equalTo(org.apache.spark.sql.functions.lit(Date.valueOf(asOf))))
            .orderBy("kpi").collectAsList()) {
          stored.add(new Kpi(r.getAs("kpi"), r.getAs("label"), r.<Double>getAs("value"), r.getAs("numerator"), r.getAs("denominator"),
              r.getAs("published_value"), r.getAs("relative_difference"), r.getAs("definition")));
        }
        log.record(new JobRun(runId, "report", asOf, started, Instant.now(), JobRun.SKIPPED, null, 0L, null, List.of(), read, Map.of(),
            fingerprint, "skipped: figures already computed from the same versions by run " + done.get().getAs("run_id")));
        Map<String, Long> versions = done.get().getJavaMap(done.get().fieldIndex("versions_written"));
        return new ReportResult(runId, asOf, firmVersion, stored, versions.get(Tables.REGISTRY_KPI), done.get().getAs("run_id"));
      }
    }

    List<Figure> headline = Kpis.headline(asOf, config.survival().eraBoundary());
    List<Figure> published = PublishedFigures.load().figures();
    List<Figure> all = new ArrayList<>(headline);
    all.addAll(published);

    Dataset<Row> frame = Kpis.withStatusOn(firms, history, Kpis.datesNeeded(all));
    List<Column> aggs = new ArrayList<>();
    for (Figure f : all) {
      aggs.add(Kpis.numerator(f));
      aggs.add(Kpis.denominator(f));
    }
    Row counts = frame.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();

    List<Kpi> kpis = new ArrayList<>();
    Map<String, Kpi> byName = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      Figure f = all.get(i);
      long num = counts.isNullAt(2 * i) ? 0 : counts.getLong(2 * i);
      Long den = counts.isNullAt(2 * i + 1) ? null : counts.getLong(2 * i + 1);
      double value = den == null ? num : (den == 0 ? Double.NaN : (double) num / den);
      Double pub = Double.isNaN(f.published()) ? null : f.published();
      Double diff = pub == null ? null : (value - pub) / pub;
      Kpi k = new Kpi(f.kpi(), f.label(), value, num, den, pub, diff, Kpis.definition(f));
      byName.put(f.kpi(), k);
    }
    for (Figure f : headline) {
      kpis.add(byName.get(f.kpi()));
    }
    kpis.addAll(medianLifetimeByEra(asOf));
    if (compare(comparison, byName.get(published.get(0).kpi()))) {
      for (Figure f : published) {
        kpis.add(byName.get(f.kpi()));
      }
    }

    long written = warehouse.replaceDate(Tables.REGISTRY_KPI, "as_of_date", asOf, toRows(kpis, asOf, firmVersion));
    log
        .record(
            new JobRun(runId, "report", asOf, started, Instant.now(), JobRun.SUCCEEDED, (long) kpis.size(), (long) kpis.size(), null, List.of(),
                read, Map.of(Tables.REGISTRY_KPI, written), fingerprint, kpis.size() + " figures"));
    return new ReportResult(runId, asOf, firmVersion, kpis, written, null);
  }

  private static LocalDate latestSnapshot(Dataset<Row> firms) {
    Row r = firms.agg(max("last_seen_snapshot")).head();
    if (r.isNullAt(0)) {
      throw new BadInputException("Cannot report: silver.firm has no AI-related firms");
    }
    return r.getDate(0).toLocalDate();
  }

  private static boolean compare(Comparison comparison, Kpi existingPublished) {
    return switch (comparison) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> existingPublished.relativeDifference() != null && Math.abs(existingPublished.relativeDifference()) <= 0.10;
    };
  }

  /** Median lifetime by era from gold.cohort_summary of the same as-of date, when survival has run. */
  private List<Kpi> medianLifetimeByEra(LocalDate asOf) {
    List<Kpi> out = new ArrayList<>();
    if (!warehouse.exists(Tables.COHORT_SUMMARY)) {
      return out;
    }
    List<Row> rows =
        warehouse.read(Tables.COHORT_SUMMARY)
            .filter(col("dimension").equalTo("era").and(col("as_of_date").equalTo(Date.valueOf(asOf))))
            .select("cohort", "median_days", "n_firms")
            .orderBy("cohort")
            .collectAsList(); // one row per era: small by construction
    for (Row r : rows) {
      double median = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
      out.add(new Kpi("median_lifetime_days_" + r.getString(0), "median lifetime (days) of firms established " + r.getString(0).replace('_', ' '),
          median, null, r.getLong(2), null, null,
          "Kaplan-Meier median of gold.cohort_summary, dimension era; NaN when survival never falls to 0.5 within the data"));
    }
    return out;
  }

  private Dataset<Row> toRows(List<Kpi> kpis, LocalDate asOf, long sourceVersion) {
    List<Row> rows = new ArrayList<>();
    for (Kpi k : kpis) {
      rows.add(RowFactory.create(Date.valueOf(asOf), sourceVersion, k.kpi(), k.label(), k.value(), k.numerator(), k.denominator(),
          k.published(), k.relativeDifference(), k.definition()));
    }
    return warehouse.spark().createDataFrame(rows, Tables.get(Tables.REGISTRY_KPI).schema());
  }
}
