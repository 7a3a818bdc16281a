package io.regsurv.report;

import io.regsurv.core.JobRun;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.regsurv.config.PublishedFigures;
import io.regsurv.config.PublishedFigures.Figure;
import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.core.KpiKind;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.Warehouse;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The headline report: published-style figures (firms existing, registered in a window and how
 * many are abnormal, exits in the last 3 and 10 years, registered year-to-date, median lifetime by
 * era) from silver, next to the published figures when the data are of the registry's size.
 */
public final class ReportJob implements StageJob<ReportJob.ReportResult> {
  /** When to put the published figures beside ours. */
  public enum Comparison {
    /** When the data look like the registry at the given scale (existing firms within 10% of the published count times the scale). */
    AUTO,
    ALWAYS,
    NEVER
  }

  private final Warehouse warehouse;
  private final RunConfig config;

  private final LocalDate asOfOrNull;
  private final Comparison comparison;
  private final double publishedScale;

  /**
   * The figures as of {@code asOfOrNull} (NULL: the latest snapshot of an AI-related firm), compared
   * with the published ones times {@code publishedScale} where they are counts (1: the full registry;
   * a synthetic registry's size over the full size for a smaller one).
   */
  public ReportJob(Warehouse warehouse, RunConfig config, LocalDate asOfOrNull, Comparison comparison, double publishedScale) {
    if (!(publishedScale > 0 && publishedScale <= 1)) {
      throw new BadInputException("Cannot report: the published figures' scale must be in (0, 1], got " + publishedScale);
    }
    this.warehouse = warehouse;
    this.config = config;
    this.asOfOrNull = asOfOrNull;
    this.comparison = comparison;
    this.publishedScale = publishedScale;
  }

  /** The figures computed, one per KPI, in print order. */
  public record Kpi(String kpi, String label, double value, Long numerator, Long denominator, Double published, Double relativeDifference, String definition) {}

  public record ReportResult(String runId, LocalDate asOfDate, long sourceVersion, List<Kpi> kpis, long versionWritten, String skippedBecauseOfRun) {

    /** True when gold.registry_kpi already held this as-of date computed from the same versions and settings. */
    public boolean skipped() {
      return skippedBecauseOfRun != null;
    }
  }

  @Override
  public LocalDate knownDate() {
    return asOfOrNull;
  }

  @Override
  public Stage stage() {
    return Stage.REPORT;
  }

  @Override
  public Inputs resolve() {
    for (String table : List.of(Tables.FIRM, Tables.STATUS_HISTORY)) {
      if (!warehouse.exists(table)) {
        throw new BadInputException("Cannot report: " + table + " does not exist in " + warehouse.root() + "; run 'regsurv classify' first");
      }
    }
    if (!warehouse.missingColumns(Tables.FIRM).isEmpty()) {
      throw new BadInputException("Cannot report: silver.firm in " + warehouse.root() + " was made by an earlier regsurv (no column "
          + String.join(", ", warehouse.missingColumns(Tables.FIRM)) + "); run 'regsurv classify' first");
    }
    Map<String, Long> read = new LinkedHashMap<>();
    read.put(Tables.FIRM, warehouse.version(Tables.FIRM));
    read.put(Tables.STATUS_HISTORY, warehouse.version(Tables.STATUS_HISTORY));
    if (warehouse.exists(Tables.COHORT_SUMMARY)) {
      read.put(Tables.COHORT_SUMMARY, warehouse.version(Tables.COHORT_SUMMARY));
    }
    LocalDate asOf = asOfOrNull != null ? asOfOrNull : latestSnapshot(aiFirms(read.get(Tables.FIRM)));
    String fingerprint = JobRunLog.fingerprint(publishedScale == 1.0
        ? List.of(comparison.name(), String.valueOf(config.survival().eraBoundary()))
        : List.of(comparison.name(), String.valueOf(config.survival().eraBoundary()), "publishedScale=" + publishedScale));
    return new Inputs(asOf, List.of(), read, fingerprint, Map.of(Tables.REGISTRY_KPI, "as_of_date"), true);
  }

  private Dataset<Row> aiFirms(long firmVersion) {
    return Kpis.counted(SilverFirm.read(warehouse, firmVersion));
  }

  @Override
  public ReportResult alreadyDone(String runId, Inputs inputs, JobRun done) {
    List<Kpi> stored = new ArrayList<>();
    // One row per figure: small by construction.
    for (Row r : warehouse.read(Tables.REGISTRY_KPI).where(col("as_of_date").equalTo(lit(Date.valueOf(inputs.date()))))
        .orderBy("kpi").collectAsList()) {
      stored.add(new Kpi(r.getAs("kpi"), r.getAs("label"), r.<Double>getAs("value"), r.getAs("numerator"), r.getAs("denominator"),
          r.getAs("published_value"), r.getAs("relative_difference"), r.getAs("definition")));
    }
    return new ReportResult(runId, inputs.date(), inputs.versionsRead().get(Tables.FIRM), stored,
        done.versionsWritten().get(Tables.REGISTRY_KPI), done.runId());
  }

  @Override
  public Outcome outcome(ReportResult r) {
    if (r.skipped()) {
      return new Outcome(null, null, 0L, null, Map.of(), "skipped: figures already computed from the same versions by run " + r.skippedBecauseOfRun(), false);
    }
    return new Outcome(null, (long) r.kpis().size(), (long) r.kpis().size(), null, Map.of(Tables.REGISTRY_KPI, r.versionWritten()),
        r.kpis().size() + " figures", false);
  }

  @Override
  public ReportResult run(String runId, Inputs inputs) {
    LocalDate asOf = inputs.date();
    long firmVersion = inputs.versionsRead().get(Tables.FIRM);
    Dataset<Row> firms = aiFirms(firmVersion);
    Dataset<Row> history = warehouse.readVersion(Tables.STATUS_HISTORY, inputs.versionsRead().get(Tables.STATUS_HISTORY));
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
      Double pub = Double.isNaN(f.published()) ? null : scaled(f, f.published());
      Double diff = pub == null ? null : (value - pub) / pub;
      Kpi k = new Kpi(f.kpi(), scaledLabel(f), value, num, den, pub, diff, Kpis.definition(f));
      byName.put(f.kpi(), k);
    }
    for (Figure f : headline) {
      kpis.add(byName.get(f.kpi()));
    }
    kpis.addAll(medianLifetimeByEra(asOf));
    if (compare(comparison, byName.get(existingFigure(published).kpi()))) {
      for (Figure f : published) {
        kpis.add(byName.get(f.kpi()));
      }
    }

    long written = warehouse.replaceDate(Tables.REGISTRY_KPI, "as_of_date", asOf, toRows(kpis, asOf, firmVersion));
    return new ReportResult(runId, asOf, firmVersion, kpis, written, null);
  }

  /**
   * A published figure at this registry's scale: counts times {@link #publishedScale} (a 1/20-size
   * registry is compared with 1/20 of each published count), shares as published.
   */
  private double scaled(Figure f, double published) {
    return f.kind() == KpiKind.ABNORMAL_SHARE ? published : published * publishedScale;
  }

  /** The figure's label, marked when its published count was scaled. */
  private String scaledLabel(Figure f) {
    if (publishedScale == 1.0 || f.kind() == KpiKind.ABNORMAL_SHARE || Double.isNaN(f.published())) {
      return f.label();
    }
    return f.label() + String.format(java.util.Locale.ROOT, " [published count scaled x%.4f]", publishedScale);
  }

  /**
   * The published count of existing firms, which decides whether the data are of the registry's
   * size (--compare auto): found by its kind, not by its place in published-figures.json.
   */
  static Figure existingFigure(List<Figure> published) {
    return published.stream().filter(f -> f.kind() == KpiKind.EXISTING).findFirst()
        .orElseThrow(() -> new IllegalStateException("published-figures.json has no figure of kind existing"));
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

  /** The definition of a median lifetime figure: says why its value can be NaN. */
  public static final String MEDIAN_DEFINITION =
      "Kaplan-Meier median of gold.cohort_summary, dimension era; NaN when survival never falls to 0.5 within the data";

  /** Appended to {@link #MEDIAN_DEFINITION} when the era cohort is too small to publish (its median is then NaN). */
  public static final String MEDIAN_SUPPRESSED = "suppressed: the cohort has fewer than survival.minCohortSize firms";

  /** Median lifetime by era from gold.cohort_summary of the same as-of date, when survival has run. */
  private List<Kpi> medianLifetimeByEra(LocalDate asOf) {
    List<Kpi> out = new ArrayList<>();
    if (!warehouse.exists(Tables.COHORT_SUMMARY)) {
      return out;
    }
    List<Row> rows =
        warehouse.read(Tables.COHORT_SUMMARY)
            .filter(col("dimension").equalTo("era").and(col("as_of_date").equalTo(Date.valueOf(asOf))))
            .select("cohort", "median_days", "n_firms", "suppressed")
            .orderBy("cohort")
            .collectAsList(); // one row per era: small by construction
    for (Row r : rows) {
      double median = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
      out.add(new Kpi("median_lifetime_days_" + r.getString(0), "median lifetime (days) of firms established " + r.getString(0).replace('_', ' '),
          median, null, r.getLong(2), null, null,
          r.getBoolean(3) ? MEDIAN_DEFINITION + "; " + MEDIAN_SUPPRESSED : MEDIAN_DEFINITION));
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
