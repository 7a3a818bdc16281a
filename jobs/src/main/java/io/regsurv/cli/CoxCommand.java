package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.io.Warehouse;
import io.regsurv.stats.CoxFit;
import io.regsurv.stats.RiskCells;
import io.regsurv.stats.CoxModel;
import io.regsurv.stats.CoxSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv cox}: a Cox proportional-hazards model of any table, equal to R's coxph. */
@Command(
    name = "cox",
    mixinStandardHelpOptions = true,
    description = {
      "Hazard ratios of a Cox proportional-hazards model (R's coxph) on a query, a CSV file or a Delta table.",
      "Example: regsurv cox --query \"SELECT duration_days, exited, province, era FROM silver.firm WHERE ai_related\"",
      "           --time duration_days --event exited --covariates era,province --reference province=Beijing"
    })
final class CoxCommand implements Callable<Integer> {
  static final List<String> TERM_COLUMNS = List.of("term", "coef", "hazard_ratio", "std_err", "z", "p_value", "hr_lower", "hr_upper");

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SubjectInput input;

  @Option(names = "--time", required = true, paramLabel = "COL", description = "Duration (exit time) column.")
  String time;

  @Option(names = "--event", required = true, paramLabel = "COL", description = "Event column, 0/1.")
  String event;

  @Option(names = "--entry", paramLabel = "COL", description = "Delayed-entry time column: at risk on (entry, time], as R's Surv(entry, time, event).")
  String entry;

  @Option(names = "--covariates", required = true, split = ",", paramLabel = "COL",
      description = "Model covariates: numeric columns as they are, text and boolean columns as categorical (dummy coded).")
  List<String> covariates;

  @Option(names = "--categorical", split = ",", paramLabel = "COL", description = "Covariates to treat as categorical although their values are numbers.")
  List<String> categorical;

  @Option(names = "--strata", paramLabel = "COL", description = "Separate baseline hazards per value of this column, as R's strata().")
  String strata;

  @Option(names = "--ties", defaultValue = "efron", paramLabel = "METHOD", description = "efron (R's default) or breslow. Default: ${DEFAULT-VALUE}.")
  String ties;

  @Option(names = "--reference", paramLabel = "COL=LEVEL", description = "Reference level of a categorical covariate (repeatable). Default: the first level in sort order, as R.")
  List<String> references;

  @Option(names = "--conf-level", defaultValue = "0.95", paramLabel = "P", description = "Level of the hazard-ratio limits. Default: ${DEFAULT-VALUE}.")
  double confLevel;

  @Option(names = "--max-levels", defaultValue = "200", paramLabel = "N", description = "Most levels a categorical covariate may have. Default: ${DEFAULT-VALUE}.")
  int maxLevels;

  @Option(names = "--format", defaultValue = "table", description = "table (aligned), csv or json (one object per line). Default: table.")
  OutputFormat format;

  @Option(names = "--output-table", paramLabel = "DB.NAME", description = "Also write the term rows to this Delta table in the warehouse (replaced).")
  String outputTable;

  @Override
  public Integer call() {
    CoxSpec model;
    try {
      Map<String, String> refs = new LinkedHashMap<>();
      for (String r : references == null ? List.<String>of() : references) {
        int eq = r.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--reference expects COL=LEVEL, was '" + r + "'");
        }
        refs.put(r.substring(0, eq), r.substring(eq + 1));
      }
      model = new CoxSpec(time, event, entry, covariates, categorical, strata, CoxSpec.Ties.parse(ties), refs, maxLevels, confLevel);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("Cannot fit a Cox model: " + e.getMessage());
    }
    OutputTable.check(outputTable);
    RunConfig config = common.config();
    // A plain local CSV needs no Spark: the same cells and the same Newton–Raphson, on the driver.
    java.util.Optional<CoxFit> local = outputTable == null ? input.localCoxFit(model, RiskCells.DEFAULT_MAX_CELLS) : java.util.Optional.empty();
    Warehouse warehouse = local.isPresent() ? null : CommonOptions.openWarehouse("cox", config, input.byName());
    CoxFit fit = local.isPresent() ? local.get() : CoxModel.fit(input.read(warehouse.spark(), "Cannot fit a Cox model to"), model, input.source());

    List<Row> terms = new ArrayList<>();
    for (CoxFit.Term t : fit.terms()) {
      terms.add(RowFactory.create(t.term(), t.coef(), t.hazardRatio(), t.stdErr(), t.z(), t.pValue(), t.hrLower(), t.hrUpper()));
    }
    if (outputTable != null) {
      StructType schema = new StructType().add("term", DataTypes.StringType, false);
      for (String c : TERM_COLUMNS.subList(1, TERM_COLUMNS.size())) {
        schema = schema.add(c, DataTypes.DoubleType, false);
      }
      OutputTable.write(warehouse, outputTable, warehouse.spark().createDataFrame(terms, schema));
    }
    PrintWriter out = spec.commandLine().getOut();
    format.print(out, TERM_COLUMNS, terms);
    out.println();
    Map<String, Object> lines = CoxModel.modelLines(fit);
    format.print(out, new ArrayList<>(lines.keySet()), List.of(RowFactory.create(lines.values().toArray())));
    // As R: a model that did not converge or a coefficient running to infinity is said, not hidden.
    PrintWriter err = spec.commandLine().getErr();
    for (String warning : fit.warnings()) {
      err.println("Warning: " + warning);
    }
    err.flush();
    return 0;
  }

}
