package io.regsurv.survival;

import static io.regsurv.SilverFixtures.firm;
import static io.regsurv.SilverFixtures.firms;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.ConfigLoader;
import io.regsurv.config.RunConfig;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import io.regsurv.pipeline.Pipeline;
import io.regsurv.stats.CoxFit;
import io.regsurv.stats.CoxModel;
import io.regsurv.stats.CoxSpec;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The survival stage's Cox model (survival.cox) on 80 hand-made firms: gold.hazard_ratio and
 * gold.cox_fit equal what {@link CoxModel} fits on subjects derived here by hand (AI-related firms
 * only, durations in days, era from the boundary), with their lineage; the skip rule sees the
 * model's settings; a model that cannot be fitted is recorded, not fatal. One warehouse, one
 * sequence of runs (each survival run costs seconds).
 */
class SurvivalCoxTest {
  static final LocalDate AS_OF = LocalDate.of(2024, 7, 31);
  static final LocalDate ERA = LocalDate.of(2022, 11, 30);
  static final List<String> PROVINCES = List.of("广东", "北京", "上海");
  @TempDir Path dir;

  /** A firm: established, exit date (or null), province, AI-related. */
  record Firm(String uscc, LocalDate established, LocalDate exit, String province, boolean ai) {}

  static List<Firm> registry() {
    Random random = new Random(24);
    List<Firm> out = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      LocalDate established = LocalDate.of(2021, 1, 1).plusDays(random.nextInt(1200));
      String province = PROVINCES.get(i % 3);
      // Hazards differ by province, so the model has something to find; every third exit is censored.
      boolean exits = random.nextDouble() < (i % 3 == 0 ? 0.7 : i % 3 == 1 ? 0.45 : 0.3);
      long room = ChronoUnit.DAYS.between(established, AS_OF);
      LocalDate exit = exits ? established.plusDays(1 + random.nextInt((int) room - 1)) : null;
      out.add(new Firm(String.format("F%05d", i), established, exit, province, i % 8 != 0));
    }
    return out;
  }

  Warehouse silver(List<Firm> registry) {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    warehouse.ensure(Tables.FIRM);
    List<Row> rows = new ArrayList<>();
    for (Firm f : registry) {
      rows.add(firm(f.uscc(), f.established().toString(), f.exit() == null ? "ACTIVE" : "CANCELLED",
          f.exit() == null ? null : f.exit().toString(), f.exit() == null ? null : "CANCELLED", f.established().toString(),
          AS_OF.toString(), f.province(), f.ai()));
    }
    firms(rows.toArray(Row[]::new)).write().format("delta").mode("append").save(warehouse.location(Tables.FIRM));
    return warehouse;
  }

  static RunConfig config(String covariates) {
    return ConfigLoader.load(null, Map.of("survival.cohortDimensions", "all", "survival.cox.covariates", covariates));
  }

  /** R's coxph(Surv(time, event) ~ era + province) on the AI-related firms, subjects made here, not by the stage. */
  static CoxFit direct(List<Firm> registry) {
    List<Row> subjects = new ArrayList<>();
    for (Firm f : registry) {
      if (f.ai()) {
        LocalDate end = f.exit() == null ? AS_OF : f.exit();
        subjects.add(RowFactory.create((double) ChronoUnit.DAYS.between(f.established(), end), f.exit() == null ? 0 : 1,
            (f.established().isBefore(ERA) ? "before_" : "since_") + ERA, f.province()));
      }
    }
    StructType schema = new StructType().add("time", DataTypes.DoubleType).add("event", DataTypes.IntegerType)
        .add("era", DataTypes.StringType).add("province", DataTypes.StringType);
    return CoxModel.fit(SharedSpark.spark().createDataFrame(subjects, schema), CoxSpec.of("time", "event", List.of("era", "province")), "test");
  }

  @Test
  void hazardRatiosEqualCoxModelOnTheSameFirmsWithLineageTheSkipRuleSeesTheModelAndAnUnfittableModelIsRecorded() {
    List<Firm> registry = registry();
    Warehouse warehouse = silver(registry);
    SurvivalJob.SurvivalResult run = Pipeline.on(warehouse, config("era,province")).survival(AS_OF, false);
    assertThat(run.skipped()).isFalse();
    CoxFit expected = direct(registry);
    assertThat(expected.terms()).extracting(CoxFit.Term::term).containsExactly("erasince_2022-11-30", "province北京", "province广东");

    List<Row> terms = warehouse.read(Tables.HAZARD_RATIO).orderBy("term").collectAsList();
    assertThat(terms).hasSize(3);
    for (int i = 0; i < terms.size(); i++) {
      Row r = terms.get(i);
      CoxFit.Term e = expected.terms().get(i);
      assertThat(r.<Date>getAs("as_of_date")).isEqualTo(Date.valueOf(AS_OF));
      assertThat(r.<Long>getAs("source_version")).isEqualTo(warehouse.version(Tables.FIRM));
      assertThat(r.<String>getAs("term")).isEqualTo(e.term());
      assertThat(r.<String>getAs("covariate")).isEqualTo(i == 0 ? "era" : "province");
      assertThat(r.<String>getAs("level")).isEqualTo(e.term().substring(i == 0 ? 3 : 8));
      double[] actual = {r.getAs("coef"), r.getAs("hazard_ratio"), r.getAs("std_err"), r.getAs("z"), r.getAs("p_value"),
          r.getAs("hr_lower"), r.getAs("hr_upper")};
      double[] want = {e.coef(), e.hazardRatio(), e.stdErr(), e.z(), e.pValue(), e.hrLower(), e.hrUpper()};
      for (int k = 0; k < want.length; k++) {
        assertThat(actual[k]).as(e.term() + " statistic " + k).isCloseTo(want[k], Offset.offset(1e-9 * Math.max(1, Math.abs(want[k]))));
      }
      assertThat(r.<Double>getAs("conf_level")).isEqualTo(0.95);
    }
    Row fit = warehouse.read(Tables.COX_FIT).head();
    assertThat(warehouse.read(Tables.COX_FIT).count()).isEqualTo(1);
    assertThat(fit.<Boolean>getAs("fitted")).isTrue();
    assertThat(fit.<String>getAs("not_fitted_reason")).isNull();
    assertThat(fit.<Long>getAs("source_version")).isEqualTo(warehouse.version(Tables.FIRM));
    assertThat(fit.<String>getAs("covariates")).isEqualTo("era + province");
    assertThat(fit.<String>getAs("population")).isEqualTo("ai_related");
    assertThat(fit.<Long>getAs("n")).isEqualTo(registry.stream().filter(Firm::ai).count()).isEqualTo(expected.n());
    assertThat(fit.<Long>getAs("n_events")).isEqualTo(expected.nEvents()).isPositive();
    assertThat(fit.<Double>getAs("loglik")).isCloseTo(expected.loglik(), Offset.offset(1e-9 * Math.abs(expected.loglik())));
    assertThat(fit.<Double>getAs("lr_chisq")).isCloseTo(expected.lrChisq(), Offset.offset(1e-8));
    assertThat(fit.<Double>getAs("score_chisq")).isCloseTo(expected.scoreChisq(), Offset.offset(1e-8));
    assertThat(fit.<Double>getAs("concordance")).isCloseTo(expected.concordance(), Offset.offset(1e-12));
    assertThat(fit.<Integer>getAs("lr_df")).isEqualTo(3);
    assertThat(fit.<Integer>getAs("iterations")).isEqualTo(expected.iterations());
    long hrVersion = warehouse.version(Tables.HAZARD_RATIO);

    // Same silver, same settings: skipped, nothing rewritten.
    assertThat(Pipeline.on(warehouse, config("era,province")).survival(AS_OF, false).skipped()).isTrue();
    assertThat(warehouse.version(Tables.HAZARD_RATIO)).isEqualTo(hrVersion);

    // Another model, here one that cannot be fitted (entity_type is NULL for every fixture firm: one
    // level, "unknown", a constant covariate): recomputed, one commit per table, the date's rows
    // replaced, recorded in gold.cox_fit and ops.job_run, and the stage succeeds.
    SurvivalJob.SurvivalResult other = Pipeline.on(warehouse, config("province,entity_type")).survival(AS_OF, false);
    assertThat(other.skipped()).isFalse();
    assertThat(other.versionsWritten().get(Tables.HAZARD_RATIO)).isEqualTo(hrVersion + 1);
    assertThat(warehouse.read(Tables.HAZARD_RATIO).count()).isZero();
    assertThat(warehouse.read(Tables.COX_FIT).count()).isEqualTo(1);
    Row notFitted = warehouse.read(Tables.COX_FIT).head();
    assertThat(notFitted.<Boolean>getAs("fitted")).isFalse();
    assertThat(notFitted.<String>getAs("covariates")).isEqualTo("province + entity_type");
    assertThat(notFitted.<String>getAs("not_fitted_reason")).contains("entity_type", "constant");
    assertThat(notFitted.<Long>getAs("n")).isNull();
    Row logged = warehouse.read(Tables.JOB_RUN).where(col("run_id").equalTo(other.runId())).select("status", "message").head();
    assertThat(logged.getString(0)).isEqualTo(io.regsurv.core.RunStatus.SUCCEEDED.id());
    assertThat(logged.getString(1)).contains("Cox model not fitted", "constant");

    // Switched off (no covariates): said so, not an error.
    Pipeline.on(warehouse, config("")).survival(AS_OF, false);
    Row off = warehouse.read(Tables.COX_FIT).head();
    assertThat(off.<Boolean>getAs("fitted")).isFalse();
    assertThat(off.<String>getAs("not_fitted_reason")).contains("switched off");
    assertThat(off.<String>getAs("covariates")).isEmpty();
  }

  @Test
  void aTermBelongsToTheLongestCovariateThatPrefixesIt() {
    assertThat(SurvivalJob.covariateOf("province广东", List.of("era", "province"))).isEqualTo("province");
    assertThat(SurvivalJob.covariateOf("capital_band10-100", List.of("capital", "capital_band"))).isEqualTo("capital_band");
    assertThat(SurvivalJob.covariateOf("entry_age_days", List.of("entry_age_days"))).isEqualTo("entry_age_days");
  }
}
