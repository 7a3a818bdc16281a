package io.regsurv.survival;

import io.regsurv.core.JobRun;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.RunConfig;
import io.regsurv.config.CoxSettings;
import io.regsurv.config.SurvivalSettings;
import io.regsurv.core.BadInputException;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.core.Uscc;
import io.regsurv.io.DriverRows;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.SideBySide;
import io.regsurv.io.Warehouse;
import io.regsurv.io.SilverFirm;
import io.regsurv.io.Tables;
import io.regsurv.stats.ConfType;
import io.regsurv.stats.CellEstimates;
import io.regsurv.stats.CoxFit;
import io.regsurv.stats.CoxModel;
import io.regsurv.stats.CoxSpec;
import io.regsurv.stats.CumulativeIncidence;
import io.regsurv.stats.RiskCells;
import io.regsurv.stats.KaplanMeier;
import io.regsurv.stats.KmOptions;
import io.regsurv.stats.LogRank;
import io.regsurv.stats.LogRankResult;
import io.regsurv.stats.Subjects;
import io.regsurv.stats.SurvivalSummary;
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
import org.apache.spark.storage.StorageLevel;

/**
 * Cohort survival from silver.firm: Kaplan–Meier curves (and their monthly grid), cumulative
 * incidence per exit cause, cohort summaries and log-rank comparisons per dimension, and monthly
 * status transitions, and a Cox proportional-hazards model of the exit hazard (survival.cox), all
 * in gold and all computed by the one engine of {@code io.regsurv.stats}.
 */
public final class SurvivalJob implements StageJob<SurvivalJob.SurvivalResult> {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SurvivalJob.class);
  /** Separates dimension and cohort inside the engine's single group column. */
  static final String SEP = "\u001F";

  /** Survival is reported at these ages (months) in gold.cohort_summary. */
  static final int[] SUMMARY_MONTHS = {12, 24, 36, 60};

  private final Warehouse warehouse;
  private final RunConfig config;

  private final LocalDate asOfOrNull;
  private FirmFacts facts;

  /** Survival as of {@code asOfOrNull} (NULL: the latest snapshot in silver.firm). */
  public SurvivalJob(Warehouse warehouse, RunConfig config, LocalDate asOfOrNull) {
    this.warehouse = warehouse;
    this.config = config;
    this.asOfOrNull = asOfOrNull;
  }

  /**
   * What a run computed.
   *
   * @param firms firms of silver.firm with a usable code (a valid USCC or a pre-2015 registration number)
   * @param firmsUnknownStatus of those, firms of unknown status: left out of the curves
   * @param firmsInvalidUscc firms known only by an invalid USCC: not counted in {@code firms}, left out of the curves
   * @param coxModel what became of the Cox model (gold.hazard_ratio, gold.cox_fit), one line; NULL when skipped
   * @param coxSeconds wall time of the Cox model's fit on its own thread, beside the curves (its subjects are counted in the
   *     cells' pass when its covariates are cohort dimensions, and its two writes run side by side with the others; 0 when
   *     skipped): bench/run reports it
   */
  public record SurvivalResult(
      String runId,
      LocalDate asOfDate,
      long sourceVersion,
      boolean delayedEntry,
      long firms,
      long firmsUnknownStatus,
      long firmsInvalidUscc,
      long cohortsPublished,
      long cohortsSuppressed,
      long curveRows,
      Map<String, Long> versionsWritten,
      String skippedBecauseOfRun,
      String coxModel,
      double coxSeconds) {

    /** True when gold already held this as-of date computed from the same silver versions and settings. */
    public boolean skipped() {
      return skippedBecauseOfRun != null;
    }
  }

  /** The tables survival writes (status transitions only when silver.status_event exists). */
  private static final List<String> WRITES =
      List.of(Tables.SURVIVAL_CURVE, Tables.SURVIVAL_CURVE_MONTHLY, Tables.COHORT_SUMMARY, Tables.CUMULATIVE_INCIDENCE, Tables.COHORT_COMPARISON,
          Tables.HAZARD_RATIO, Tables.COX_FIT);

  /** What the driver needs to know about the firms, from one small aggregation. */
  private record FirmFacts(
      long firmVersion, LocalDate latestSnapshot, long firms, long unknownStatus, long invalidUscc, boolean surveysSurvivorsOnly) {}

  @Override
  public LocalDate knownDate() {
    return asOfOrNull;
  }

  @Override
  public Stage stage() {
    return Stage.SURVIVAL;
  }

  @Override
  public Inputs resolve() {
    if (!warehouse.exists(Tables.FIRM)) {
      throw new BadInputException("Cannot compute survival: silver.firm does not exist in " + warehouse.root() + "; run 'regsurv classify' first");
    }
    if (!warehouse.missingColumns(Tables.FIRM).isEmpty()) {
      throw new BadInputException("Cannot compute survival: silver.firm in " + warehouse.root() + " was made by an earlier regsurv (no column "
          + String.join(", ", warehouse.missingColumns(Tables.FIRM)) + "); run 'regsurv classify' first");
    }
    List<String> firmColumns = Tables.get(Tables.FIRM).columnNames();
    for (String c : config.survival().cox().covariates()) {
      if (!SurvivalSubjects.isCohortCovariate(c) && !firmColumns.contains(c)) {
        throw new BadInputException("Cannot compute survival: survival.cox.covariates names '" + c
            + "', which is neither a cohort dimension (" + String.join(", ", SurvivalSubjects.DIMENSIONS.subList(1, SurvivalSubjects.DIMENSIONS.size()))
            + ") nor a column of silver.firm");
      }
    }
    long firmVersion = warehouse.version(Tables.FIRM);
    // Every fact is about the firms survival can use: a mistyped code is not a firm.
    Column firm = SurvivalSubjects.identified();
    Row r =
        SilverFirm.read(warehouse, firmVersion).agg(
                max(when(firm, col("last_seen_snapshot"))),
                count(when(firm, 1)),
                count(when(firm.and(not(SurvivalSubjects.knownStatus())), 1)),
                count(when(firm.and(col("is_exited")).and(col("exit_date").lt(col("first_seen_snapshot"))), 1)),
                count(when(firm.and(col("established_date").lt(col("first_seen_snapshot"))), 1)),
                count(when(not(firm), 1)))
            .head();
    if (r.getLong(1) == 0) {
      throw new BadInputException("Cannot compute survival: silver.firm is empty"
          + (r.getLong(5) == 0 ? "" : " but for " + r.getLong(5) + " firms known only by an invalid USCC"));
    }
    // Dumps that list exited firms observe every firm from its establishment; survivor-only
    // dumps (no firm already exited at its first sighting, yet firms older than the dump) do not.
    facts = new FirmFacts(
        firmVersion, r.getDate(0).toLocalDate(), r.getLong(1), r.getLong(2), r.getLong(5), r.getLong(3) == 0 && r.getLong(4) > 0);
    LocalDate asOf = asOfOrNull != null ? asOfOrNull : facts.latestSnapshot();
    Map<String, Long> read = new LinkedHashMap<>(Map.of(Tables.FIRM, firmVersion));
    Map<String, String> writes = new LinkedHashMap<>();
    WRITES.forEach(t -> writes.put(t, "as_of_date"));
    if (warehouse.exists(Tables.STATUS_EVENT)) {
      read.put(Tables.STATUS_EVENT, warehouse.version(Tables.STATUS_EVENT));
      writes.put(Tables.STATUS_TRANSITION_MONTHLY, "as_of_date");
    }
    return new Inputs(asOf, List.of(), read, JobRunLog.fingerprint(config.survival().fingerprintParts()), writes, true);
  }

  @Override
  public SurvivalResult alreadyDone(String runId, Inputs inputs, JobRun done) {
    Row published =
        warehouse.read(Tables.COHORT_SUMMARY).where(col("as_of_date").equalTo(lit(Date.valueOf(inputs.date()))))
            .agg(sum(when(col("suppressed"), 0).otherwise(1)), sum(when(col("suppressed"), 1).otherwise(0))).head();
    return new SurvivalResult(runId, inputs.date(), facts.firmVersion(), false, facts.firms(), facts.unknownStatus(), facts.invalidUscc(),
        published.isNullAt(0) ? 0 : published.getLong(0), published.isNullAt(1) ? 0 : published.getLong(1), done.rowsWritten(),
        done.versionsWritten(), done.runId(), null, 0);
  }

  @Override
  public Outcome outcome(SurvivalResult r) {
    // Rows read: every silver.firm row, the firms known only by an invalid USCC included.
    long rowsRead = r.firms() + r.firmsInvalidUscc();
    if (r.skipped()) {
      return new Outcome(null, rowsRead, 0L, null, Map.of(),
          "skipped: gold already computed from the same silver versions by run " + r.skippedBecauseOfRun(), false);
    }
    return new Outcome(null, rowsRead, r.curveRows(), null, r.versionsWritten(),
        r.cohortsPublished() + " cohorts published, " + r.cohortsSuppressed() + " suppressed, " + r.firmsUnknownStatus()
            + " firms of unknown status left out of survival, " + r.firmsInvalidUscc() + " firms known only by an invalid USCC left out"
            + (r.delayedEntry() ? ", delayed entry on" : "") + "; " + r.coxModel(), false);
  }

  @Override
  public SurvivalResult run(String runId, Inputs inputs) {
    SurvivalSettings s = config.survival();
    LocalDate asOf = inputs.date();
    long firmVersion = facts.firmVersion();
    boolean delayedEntry =
        switch (s.delayedEntry()) {
          case "on" -> true;
          case "off" -> false;
          default -> facts.surveysSurvivorsOnly();
        };
    CoxSettings cox = s.cox();
    // The default model's covariates are cohort dimensions: its subjects are counted in the cells' pass.
    CohortCells.Cox coxInPass = cox.enabled() && cox.covariates().stream().allMatch(SurvivalSubjects::isCohortCovariate)
        ? new CohortCells.Cox(cox.covariates(), cox.aiRelatedOnly(), delayedEntry) : null;
    Dataset<Row> subjects = CohortCells.of(SurvivalSubjects.fromFirms(SilverFirm.read(warehouse, firmVersion), asOf, delayedEntry),
        s.cohortDimensions(), s.eraBoundary(), coxInPass);
    Map<String, Long> written = new LinkedHashMap<>();
    long[] counts;
    long curveRows;
    String coxModel;
    double coxSeconds;
    // The gold tables are written side by side: each write starts as soon as its rows are ready (a
    // few small jobs and a commit, mostly driver latency) and each is one commit of its own table.
    // The transitions read silver.status_event on their own, so they start first.
    try (SideBySide writes = new SideBySide()) {
      if (inputs.versionsRead().containsKey(Tables.STATUS_EVENT)) {
        long eventVersion = inputs.versionsRead().get(Tables.STATUS_EVENT);
        writes.submit(Tables.STATUS_TRANSITION_MONTHLY, () -> warehouse.replaceDate(Tables.STATUS_TRANSITION_MONTHLY, "as_of_date", asOf,
            transitions(warehouse.readVersion(Tables.STATUS_EVENT, eventVersion), asOf, firmVersion)));
      }
      // One pass over the firms counts the cells, collected: they are bounded by cohorts × distinct entry
      // times × distinct exit times × (causes + 1) (without delayed entry: cohorts × distinct times ×
      // (causes + 1)), never by firms, and the Cox model's by covariate patterns × distinct entry and
      // exit times × 2; beyond survival.maxDriverCells the distributed engine runs instead.
      java.util.Optional<CohortCells.Collected> collected = CohortCells.collect(subjects, s.maxDriverCells(), coxInPass != null);
      // The Cox model is fitted on a thread of its own while this one computes the curves: from the
      // counted cells both are driver work, and the curves' writes leave a core partly idle. If the
      // curves fail, leaving the scope waits for the fit as for the writes.
      List<CoxModel.CollapsedCell> counted = collected.map(CohortCells.Collected::cox).orElse(null);
      java.util.concurrent.Future<CoxRows> coxFit =
          writes.start(() -> coxRows(SilverFirm.read(warehouse, firmVersion), counted, asOf, firmVersion, delayedEntry));
      if (collected.isPresent()) {
        curveRows = writeFromCells(collected.get().cells(), asOf, firmVersion, writes);
        counts = published(collected.get().cells());
      } else {
        log.warn("survival: more than {} risk-set cells (survival.maxDriverCells); computing with the distributed engine", s.maxDriverCells());
        long[] result = distributed(Subjects.aggregated(CohortCells.cohortsOnly(subjects)), asOf, firmVersion, written);
        curveRows = result[0];
        counts = new long[] {result[1], result[2]};
      }
      CoxRows model = SideBySide.result(coxFit);
      writes.submit(Tables.HAZARD_RATIO, () -> writeRows(Tables.HAZARD_RATIO, asOf, model.terms()));
      writes.submit(Tables.COX_FIT, () -> writeRows(Tables.COX_FIT, asOf, List.of(model.fit())));
      coxModel = model.summary();
      coxSeconds = model.seconds();
      log.debug("survival: Cox model fitted in {} s", String.format(java.util.Locale.ROOT, "%.1f", coxSeconds));
      Map<String, Long> versions = writes.await();
      // In the stage's order of tables, not the order submitted (the transitions went first).
      inputs.writes().keySet().stream().filter(versions::containsKey).forEach(t -> written.put(t, versions.get(t)));
    }
    return new SurvivalResult(runId, asOf, firmVersion, delayedEntry, facts.firms(), facts.unknownStatus(), facts.invalidUscc(),
        counts[0], counts[1], curveRows, written, null, coxModel, coxSeconds);
  }

  /** The Cox model's rows for gold.hazard_ratio and gold.cox_fit, its line for ops.job_run, and the fit's wall time on its thread. */
  private record CoxRows(List<Row> terms, Row fit, String summary, double seconds) {}

  /**
   * The default Cox model (survival.cox) on the same subjects as the curves, fitted by
   * {@link CoxModel}: when every covariate is a cohort dimension (the default), from the subjects
   * collapsed by their values in the cells' pass ({@code counted}, NULL otherwise); else one Spark
   * aggregation groups the firms by their values, and up to survival.maxDriverCells groups, within
   * CoxModel's bound of patterns × terms, are fitted on the driver, more by a Spark job per
   * Newton–Raphson step that returns p-vectors and p×p matrices. Rows for gold.hazard_ratio (one per term) and gold.cox_fit (one),
   * which the caller writes in one Delta commit each. A model that cannot be fitted (switched off, no events, a constant or
   * collinear covariate, too many levels: CoxModel's bad-input cases, likely in a small or young
   * warehouse) does not fail the stage: gold.cox_fit says why, gold.hazard_ratio has no rows for
   * the date, and the log has a warning. R's warnings (non-convergence, a coefficient running to
   * infinity) go to gold.cox_fit and the log. Returns the rows and one line for ops.job_run.
   */
  private CoxRows coxRows(Dataset<Row> firms, List<CoxModel.CollapsedCell> counted, LocalDate asOf, long firmVersion, boolean delayedEntry) {
    long start = System.nanoTime();
    SurvivalSettings s = config.survival();
    CoxSettings cox = s.cox();
    String population = cox.aiRelatedOnly() ? "ai_related" : "all";
    CoxFit fit = null;
    String reason;
    if (!cox.enabled()) {
      reason = "switched off (survival.cox.covariates is empty)";
    } else {
      Map<String, String> references = new LinkedHashMap<>();
      for (String r : cox.references()) {
        references.put(r.substring(0, r.indexOf('=')), r.substring(r.indexOf('=') + 1));
      }
      // A cohort dimension's levels are its cohorts (establishment_year too, though its cohorts are numbers).
      List<String> categorical = cox.covariates().stream().filter(SurvivalSubjects::isCohortCovariate).toList();
      CoxSpec spec = new CoxSpec("time_days", "event", delayedEntry ? "entry_days" : null, cox.covariates(), categorical, null,
          CoxSpec.Ties.parse(cox.ties()), references, cox.maxLevels(), s.confLevel());
      String source = "silver.firm (" + (cox.aiRelatedOnly() ? "AI-related firms" : "all firms") + ", survival.cox)";
      // Counted in the cells' pass: fitted from those cells. Otherwise, or when the model is one
      // CoxModel rejects (it then names the problem), from the subjects.
      java.util.Optional<CoxFit> fromCells = counted == null ? java.util.Optional.empty() : CoxModel.fitCollapsed(counted, spec, source);
      if (fromCells.isPresent()) {
        fit = fromCells.get();
        reason = null;
      } else {
        Dataset<Row> subjects = SurvivalSubjects.fromFirms(firms, asOf, delayedEntry)
            .filter(SurvivalSubjects.isCoxSubject(cox.aiRelatedOnly(), delayedEntry));
        // One aggregation reads the subjects (CoxModel persists them itself when its Spark path needs several passes).
        Dataset<Row> model = SurvivalSubjects.withCovariates(subjects, cox.covariates(), s.eraBoundary());
        try {
          fit = CoxModel.fit(model, spec, source, s.maxDriverCells());
          reason = null;
        } catch (BadInputException notFittable) {
          reason = notFittable.getMessage();
        }
      }
    }
    Date asOfDate = Date.valueOf(asOf);
    List<Row> terms = new ArrayList<>();
    String summary;
    if (fit == null) {
      log.warn("survival: no Cox model as of {}: {}", asOf, reason);
      summary = "Cox model not fitted: " + reason;
    } else {
      for (CoxFit.Term t : fit.terms()) {
        String covariate = covariateOf(t.term(), cox.covariates());
        String level = t.term().length() > covariate.length() ? t.term().substring(covariate.length()) : null;
        terms.add(RowFactory.create(asOfDate, firmVersion, t.term(), covariate, level, t.coef(), t.hazardRatio(), t.stdErr(), t.z(),
            t.pValue(), t.hrLower(), t.hrUpper(), fit.confLevel()));
      }
      for (String w : fit.warnings()) {
        log.warn("survival: Cox model as of {}: {}", asOf, w);
      }
      summary = "Cox model: " + fit.terms().size() + " terms, " + fit.n() + " firms, " + fit.nEvents() + " exits"
          + (fit.warnings().isEmpty() ? "" : ", " + fit.warnings().size() + " warning(s)");
    }
    Row fitRow = RowFactory.create(asOfDate, firmVersion, String.join(" + ", cox.covariates()), population, cox.ties(), delayedEntry,
        fit != null, reason,
        fit == null ? null : fit.n(),
        fit == null ? null : fit.nEvents(),
        fit == null ? null : fit.loglikNull(),
        fit == null ? null : fit.loglik(),
        fit == null ? null : fit.lrChisq(),
        fit == null ? null : fit.df(),
        fit == null ? null : fit.lrP(),
        fit == null ? null : fit.waldChisq(),
        fit == null ? null : fit.waldP(),
        fit == null ? null : fit.scoreChisq(),
        fit == null ? null : fit.scoreP(),
        fit == null || Double.isNaN(fit.concordance()) ? null : fit.concordance(),
        fit == null ? null : fit.iterations(),
        fit == null ? null : fit.converged(),
        fit == null || fit.warnings().isEmpty() ? null : String.join("; ", fit.warnings()),
        s.confLevel());
    return new CoxRows(terms, fitRow, summary, (System.nanoTime() - start) / 1e9);
  }

  /** The covariate a model term belongs to: R names a categorical term covariate + level, so the longest covariate that prefixes it. */
  static String covariateOf(String term, List<String> covariates) {
    String best = null;
    for (String c : covariates) {
      if ((term.equals(c) || term.startsWith(c)) && (best == null || c.length() > best.length())) {
        best = c;
      }
    }
    if (best == null) {
      throw new IllegalStateException("Cox term '" + term + "' belongs to none of " + covariates);
    }
    return best;
  }

  /** Cohorts published and suppressed (smaller than survival.minCohortSize). */
  private long[] published(RiskCells cells) {
    long published = 0;
    long suppressed = 0;
    for (String g : cells.groups()) {
      if (size(cells, g)[0] >= config.survival().minCohortSize()) {
        published++;
      } else {
        suppressed++;
      }
    }
    return new long[] {published, suppressed};
  }

  /** {firms, exits} of one cohort. */
  private static long[] size(RiskCells cells, String group) {
    long n = 0;
    long exits = 0;
    for (RiskCells.Cell c : cells.cells(group)) {
      n += c.weight();
      exits += (long) c.event() * c.weight();
    }
    return new long[] {n, exits};
  }

  /**
   * Every gold table from the collected cells, computed on the driver ({@link CellEstimates}) and
   * written once each (one Delta commit per table): the Spark jobs are those of the writes, however
   * many cohorts and dimensions. Returns the number of curve rows.
   */
  private long writeFromCells(RiskCells all, LocalDate asOf, long firmVersion, SideBySide writes) {
    SurvivalSettings s = config.survival();
    List<String> publishedGroups = new ArrayList<>();
    for (String g : all.groups()) {
      if (size(all, g)[0] >= s.minCohortSize()) {
        publishedGroups.add(g);
      }
    }
    RiskCells cells = all.only(publishedGroups);
    KmOptions options = new KmOptions(ConfType.parse(s.confType()), s.confLevel());
    Date asOfDate = Date.valueOf(asOf);
    // Each group's dimension and cohort split once (a curve has thousands of rows), as shared strings.
    Map<String, String[]> names = new java.util.HashMap<>();
    java.util.function.Function<String, String[]> name = g -> names.computeIfAbsent(g, x -> x.split(SEP, 2));
    // The cumulative incidence first: the largest table, whose write is the stage's last to end
    // when it starts last; started first, it is written while the curves are computed.
    DriverRows.Columns cif = new DriverRows.Columns(Tables.get(Tables.CUMULATIVE_INCIDENCE).schema());
    CellEstimates.cumulativeIncidence(cells, s.confLevel(), r -> {
      String[] dc = name.apply(r.getString(0));
      cif.add(asOfDate, firmVersion, dc[0], dc[1], r.get(2), r.get(1), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7), r.get(8));
    });
    writes.submit(Tables.CUMULATIVE_INCIDENCE, () -> writeRows(Tables.CUMULATIVE_INCIDENCE, asOf, cif));
    List<Row> km = CellEstimates.kaplanMeier(cells, options);
    // The two long tables go in as columns (DriverRows.Columns), not as a second list of boxed rows.
    DriverRows.Columns curve = new DriverRows.Columns(Tables.get(Tables.SURVIVAL_CURVE).schema());
    for (Row r : km) {
      String[] dc = name.apply(r.getString(0));
      curve.add(asOfDate, firmVersion, dc[0], dc[1], r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6),
          r.get(7), r.get(8), r.get(9), r.get(10), r.get(11), r.get(12));
    }
    writes.submit(Tables.SURVIVAL_CURVE, () -> writeRows(Tables.SURVIVAL_CURVE, asOf, curve));
    Map<String, List<Row>> curves = CellEstimates.byGroup(km);
    List<Row> monthly = new ArrayList<>();
    for (Map.Entry<String, List<Row>> c : curves.entrySet()) {
      String[] dc = name.apply(c.getKey());
      for (CurveGrid.Month m : CurveGrid.monthly(c.getValue())) {
        Row r = m.row();
        monthly.add(RowFactory.create(asOfDate, firmVersion, dc[0], dc[1], m.month(), m.month() * CurveGrid.DAYS_PER_MONTH,
            r.get(2), r.get(6), r.get(8), r.get(9)));
      }
    }
    writes.submit(Tables.SURVIVAL_CURVE_MONTHLY, () -> writeRows(Tables.SURVIVAL_CURVE_MONTHLY, asOf, monthly));
    Map<String, Row> stats = new java.util.HashMap<>();
    for (Row r : CellEstimates.summary(km, s.rmstHorizonDays())) {
      stats.put(r.getString(0), r);
    }
    double[] times = new double[SUMMARY_MONTHS.length];
    for (int i = 0; i < SUMMARY_MONTHS.length; i++) {
      times[i] = SUMMARY_MONTHS[i] * CurveGrid.DAYS_PER_MONTH;
    }
    List<Row> summaries = new ArrayList<>();
    for (String g : all.groups()) {
      String[] dc = name.apply(g);
      long[] size = size(all, g);
      Row st = stats.get(g);
      Object[] v = new Object[17];
      v[0] = asOfDate;
      v[1] = firmVersion;
      v[2] = dc[0];
      v[3] = dc[1];
      v[4] = size[0];
      v[5] = size[1];
      v[6] = size[0] < s.minCohortSize();
      if (st != null) {
        v[7] = st.get(4);
        v[8] = st.get(5);
        v[9] = st.get(6);
        Row[] at = CellEstimates.survivalAt(curves.get(g), times);
        for (int i = 0; i < times.length; i++) {
          v[10 + i] = at[i] == null ? null : at[i].get(6);
        }
        v[14] = st.get(10);
        v[15] = st.get(11);
      }
      v[16] = (double) s.rmstHorizonDays();
      summaries.add(RowFactory.create(v));
    }
    writes.submit(Tables.COHORT_SUMMARY, () -> writeRows(Tables.COHORT_SUMMARY, asOf, summaries));
    Map<String, LogRankResult> tests = CellEstimates.logRank(cells, g -> g.substring(0, g.indexOf(SEP)));
    writes.submit(Tables.COHORT_COMPARISON, () -> warehouse.replaceDate(Tables.COHORT_COMPARISON, "as_of_date", asOf,
        comparisonRows(tests, asOf, firmVersion)));
    return curve.size();
  }

  /** Driver-made rows (in the table's column order) as one Delta commit replacing the as-of date. */
  private long writeRows(String table, LocalDate asOf, List<Row> rows) {
    return DriverRows.write(warehouse.spark(), rows, Tables.get(table).schema(), frame -> warehouse.replaceDate(table, "as_of_date", asOf, frame));
  }

  private long writeRows(String table, LocalDate asOf, DriverRows.Columns rows) {
    return DriverRows.write(warehouse.spark(), rows, frame -> warehouse.replaceDate(table, "as_of_date", asOf, frame));
  }

  /**
   * The distributed engine, for inputs with more cells than the driver may hold: the estimators of
   * {@code io.regsurv.stats} as Spark plans (a few dozen jobs per run). Returns {curve rows,
   * cohorts published, cohorts suppressed}.
   */
  private long[] distributed(Dataset<Row> aggregatedCells, LocalDate asOf, long firmVersion, Map<String, Long> written) {
    SurvivalSettings s = config.survival();
    Dataset<Row> cells = aggregatedCells.persist(StorageLevel.MEMORY_AND_DISK());
    // Cohort sizes: one row per (dimension, cohort), small by construction.
    Dataset<Row> sizes =
        split(cells.groupBy(Subjects.GROUP)
                .agg(sum(Subjects.WEIGHT).as("n_firms"), sum(col(Subjects.EVENT).multiply(col(Subjects.WEIGHT))).as("n_exits")))
            .cache();
    Dataset<Row> published = sizes.filter(col("n_firms").geq(s.minCohortSize())).select(group().as(Subjects.GROUP));
    Dataset<Row> engineInput = cells.join(broadcast(published), Subjects.GROUP).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long curveRows = writeCurves(engineInput, sizes, asOf, firmVersion, written);
      Dataset<Row> cif = withLineage(split(CumulativeIncidence.estimate(engineInput, s.confLevel())), asOf, firmVersion);
      written.put(Tables.CUMULATIVE_INCIDENCE, warehouse.replaceDate(Tables.CUMULATIVE_INCIDENCE, "as_of_date", asOf, cif));
      written.put(Tables.COHORT_COMPARISON, warehouse.replaceDate(Tables.COHORT_COMPARISON, "as_of_date", asOf,
          comparisonRows(LogRank.testEach(engineInput, substring_index(col(Subjects.GROUP), SEP, 1)), asOf, firmVersion)));
      Row counts = sizes.agg(sum(when(col("n_firms").geq(s.minCohortSize()), 1).otherwise(0)), sum(when(col("n_firms").lt(s.minCohortSize()), 1).otherwise(0))).head();
      return new long[] {curveRows, counts.isNullAt(0) ? 0 : counts.getLong(0), counts.isNullAt(1) ? 0 : counts.getLong(1)};
    } finally {
      engineInput.unpersist();
      sizes.unpersist();
      cells.unpersist();
    }
  }

  /** Kaplan–Meier curves, their monthly grid and the cohort summaries; returns the number of curve rows. */
  private long writeCurves(Dataset<Row> engineInput, Dataset<Row> sizes, LocalDate asOf, long firmVersion, Map<String, Long> written) {
    SurvivalSettings s = config.survival();
    KmOptions options = new KmOptions(ConfType.parse(s.confType()), s.confLevel());
    Dataset<Row> curve = withLineage(split(KaplanMeier.estimate(engineInput, options)), asOf, firmVersion).cache();
    try {
      written.put(Tables.SURVIVAL_CURVE, warehouse.replaceDate(Tables.SURVIVAL_CURVE, "as_of_date", asOf, curve));
      long curveRows = curve.count(); // cached: the rows just written, without reading them back
      Dataset<Row> monthly = withLineage(CurveGrid.monthly(curve.drop("as_of_date", "source_version"), List.of("dimension", "cohort")), asOf, firmVersion);
      written.put(Tables.SURVIVAL_CURVE_MONTHLY, warehouse.replaceDate(Tables.SURVIVAL_CURVE_MONTHLY, "as_of_date", asOf, monthly));
      written.put(Tables.COHORT_SUMMARY, warehouse.replaceDate(Tables.COHORT_SUMMARY, "as_of_date", asOf, summaries(curve, sizes, asOf, firmVersion)));
      return curveRows;
    } finally {
      curve.unpersist();
    }
  }

  private static java.util.stream.Collector<String, ?, scala.collection.immutable.Seq<String>> scalaSeq() {
    return java.util.stream.Collectors.collectingAndThen(
        java.util.stream.Collectors.toList(), l -> scala.jdk.javaapi.CollectionConverters.asScala(l).toList());
  }

  /** Dimension and cohort as the engine's single group column; {@link #split} undoes it. */
  static Column group() {
    return concat(col("dimension"), lit(SEP), col("cohort"));
  }

  /** The engine's group column back into dimension and cohort; time into time_days. */
  static Dataset<Row> split(Dataset<Row> engineOutput) {
    return engineOutput
        .withColumn("dimension", substring_index(col(Subjects.GROUP), SEP, 1))
        .withColumn("cohort", substring_index(col(Subjects.GROUP), SEP, -1))
        .withColumnRenamed(Subjects.TIME, "time_days")
        .drop(Subjects.GROUP);
  }

  static Dataset<Row> withLineage(Dataset<Row> rows, LocalDate asOf, long sourceVersion) {
    return rows.withColumn("as_of_date", lit(Date.valueOf(asOf))).withColumn("source_version", lit(sourceVersion));
  }

  /** Published cohorts with their statistics; suppressed ones with their size only. */
  private Dataset<Row> summaries(Dataset<Row> curve, Dataset<Row> sizes, LocalDate asOf, long sourceVersion) {
    SurvivalSettings s = config.survival();
    Dataset<Row> engineCurve =
        curve.select(group().as(Subjects.GROUP), col("time_days").as(Subjects.TIME),
            col("n_at_risk"), col("n_events"), col("n_censored"), col("n_entered"), col("survival"), col("std_err"),
            col("ci_lower"), col("ci_upper"), col("conf_level"), col("conf_type"), col("cumulative_hazard"));
    Dataset<Row> stats = split(SurvivalSummary.of(engineCurve, s.rmstHorizonDays()));
    List<Double> times = new ArrayList<>();
    for (int m : SUMMARY_MONTHS) {
      times.add(m * CurveGrid.DAYS_PER_MONTH);
    }
    Dataset<Row> at = split(SurvivalSummary.survivalAt(engineCurve, times).withColumnRenamed("at_time", Subjects.TIME));
    Column[] atMonths = new Column[SUMMARY_MONTHS.length];
    for (int i = 0; i < SUMMARY_MONTHS.length; i++) {
      atMonths[i] = max(when(col("time_days").equalTo(times.get(i)), col("survival"))).as("survival_" + SUMMARY_MONTHS[i] + "m");
    }
    Dataset<Row> atWide = at.groupBy("dimension", "cohort").agg(atMonths[0], java.util.Arrays.copyOfRange(atMonths, 1, atMonths.length));
    List<String> keys = List.of("dimension", "cohort");
    scala.collection.immutable.Seq<String> keySeq = keys.stream().collect(scalaSeq());
    return sizes
        .join(stats, keySeq, "left")
        .join(atWide, keySeq, "left")
        .select(
            lit(Date.valueOf(asOf)).as("as_of_date"),
            lit(sourceVersion).as("source_version"),
            col("dimension"),
            col("cohort"),
            col("n_firms"),
            col("n_exits"),
            col("n_firms").lt(s.minCohortSize()).as("suppressed"),
            col("median").as("median_days"),
            col("median_lower").as("median_ci_lower"),
            col("median_upper").as("median_ci_upper"),
            col("survival_12m"),
            col("survival_24m"),
            col("survival_36m"),
            col("survival_60m"),
            col("rmst").as("rmst_days"),
            col("rmst_std_err").as("rmst_se"),
            lit((double) s.rmstHorizonDays()).as("rmst_horizon_days"));
  }

  /** Log-rank per dimension with at least two published cohorts; one row per cohort. */
  private Dataset<Row> comparisonRows(Map<String, LogRankResult> tests, LocalDate asOf, long sourceVersion) {
    List<Row> rows = new ArrayList<>();
    for (String dimension : config.survival().cohortDimensions()) {
      LogRankResult test = tests.get(dimension);
      if (test == null || test.groups().size() < 2) {
        continue;
      }
      for (LogRankResult.Group g : test.groups()) {
        rows.add(RowFactory.create(Date.valueOf(asOf), sourceVersion, dimension, g.group().substring(dimension.length() + 1),
            g.observed(), g.expected(), test.chiSquare(), test.degreesOfFreedom(), test.pValue()));
      }
    }
    return warehouse.spark().createDataFrame(rows, Tables.get(Tables.COHORT_COMPARISON).schema());
  }

  /**
   * Transitions per month of their (possibly imputed) date, up to the as-of date. Events of firms
   * known only by an invalid USCC are left out like the firms: such a row of an exited firm gives
   * an exit of its own. silver.status_event has no uscc_valid, so the check is redone here (a UDF,
   * see {@link Uscc#isValid(Column)}), over the events only, not the firms.
   */
  static Dataset<Row> transitions(Dataset<Row> events, LocalDate asOf, long sourceVersion) {
    return events
        .filter(col("event_date").isNotNull().and(col("event_date").leq(Date.valueOf(asOf))))
        .filter(not(Uscc.isMistyped(col("uscc"), Uscc.isValid(col("uscc")))))
        .withColumn("month", date_trunc("month", col("event_date")).cast("date"))
        .groupBy("month", "from_status", "to_status", "transition_kind")
        .agg(count(lit(1)).as("n_transitions"))
        .withColumn("as_of_date", lit(Date.valueOf(asOf)))
        .withColumn("source_version", lit(sourceVersion));
  }
}
