package io.regsurv.cli;

import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.io.DriverRows;
import io.regsurv.io.Warehouse;
import io.regsurv.stats.CellEstimates;
import io.regsurv.stats.ConfType;
import io.regsurv.stats.RiskCells;
import io.regsurv.stats.CumulativeIncidence;
import io.regsurv.stats.KaplanMeier;
import io.regsurv.stats.KmOptions;
import io.regsurv.stats.LogRank;
import io.regsurv.stats.LogRankResult;
import io.regsurv.stats.SubjectSpec;
import io.regsurv.stats.Subjects;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code regsurv km}: Kaplan–Meier curves, summaries, log-rank tests and cumulative incidence of any table, by the survival job's engine. */
@Command(
    name = "km",
    mixinStandardHelpOptions = true,
    description = {
      "Survival curves of any population: a query on the warehouse, a CSV file or a Delta table.",
      "Example: regsurv km --query \"SELECT duration_days, exited, province FROM silver.firm WHERE ai_related\"",
      "           --time duration_days --event exited --group province --summary"
    })
final class KmCommand implements Callable<Integer> {
  /** docs/usage.md says the same, word for word. */
  static final String SUMMARY_HELP = "Also print, after the curve, per group n, events, median with CI and RMST, and with --group"
      + " the log-rank test; with --format csv or json, print only these (the log-rank test after an empty line), not the curve.";

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  SubjectInput input;

  @Option(names = "--time", required = true, paramLabel = "COL", description = "Duration (exit time) column.")
  String time;

  @Option(names = "--event", required = true, paramLabel = "COL",
      description = "Event column: 0/1; a status column with --event-values; the exit cause with --competing.")
  String event;

  @Option(names = "--event-values", split = ",", paramLabel = "V", description = "Values of --event that count as an event (others are censored).")
  List<String> eventValues;

  @Option(names = "--censor-values", split = ",", paramLabel = "V",
      description = "With --event-values: the censored values; any other value is then an error.")
  List<String> censorValues;

  @Option(names = "--entry", paramLabel = "COL", description = "Delayed-entry time column: at risk on (entry, time], as R's Surv(entry, time, event).")
  String entry;

  @Option(names = "--group", paramLabel = "COL", description = "One curve per value of this column.")
  String group;

  @Option(names = "--conf-type", defaultValue = "log", paramLabel = "TYPE", description = "log (R's default), log-log or plain, for survival curves; cumulative incidence (--competing) always has log limits, as R's multi-state survfit. Default: ${DEFAULT-VALUE}.")
  String confType;

  @Option(names = "--conf-level", defaultValue = "0.95", paramLabel = "P", description = "Confidence level. Default: ${DEFAULT-VALUE}.")
  double confLevel;

  @Option(names = "--format", defaultValue = "table", description = "table (aligned), csv or json (one object per line). Default: table.")
  OutputFormat format;

  @Option(names = "--output-table", paramLabel = "DB.NAME", description = "Also write the curve (or incidence) table to this Delta table in the warehouse (replaced).")
  String outputTable;

  @Option(names = "--summary", description = SUMMARY_HELP)
  boolean summary;

  @Option(names = "--rmst-horizon", paramLabel = "T", description = "RMST horizon (default: the largest time, as R's rmean=\"common\").")
  Double rmstHorizon;

  @Option(names = "--competing", description = "--event holds the exit cause: print Aalen-Johansen cumulative incidence per cause.")
  boolean competing;

  @Option(names = "--censor-value", defaultValue = "censor", paramLabel = "V", description = "With --competing: the value meaning censored (empty also). Default: ${DEFAULT-VALUE}.")
  String censorValue;

  @Option(names = "--max-cells", paramLabel = "N", defaultValue = "2000000",
      description = "The most distinct (group, entry, time, event, cause) cells estimated on the driver (default: ${DEFAULT-VALUE});"
          + " more is an error that names --distributed.")
  long maxCells;

  @Option(names = "--distributed", description = "Estimate with Spark jobs instead of on the driver: for inputs with more than --max-cells"
      + " distinct cells (e.g. --group on a column with a million values). Slower for everything else.")
  boolean distributed;

  @Override
  public Integer call() {
    KmOptions options;
    try {
      options = new KmOptions(ConfType.parse(confType), confLevel);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("Cannot estimate survival: " + e.getMessage());
    }
    OutputTable.check(outputTable);
    RunConfig config = common.config();
    SubjectSpec subjectSpec = new SubjectSpec(time, event, entry, group, eventValues, censorValues, competing, censorValue);
    if (!distributed && outputTable == null) {
      // A plain local CSV needs no Spark: the same cells, read in one pass, and the same estimates.
      java.util.Optional<RiskCells> local = input.localCells(subjectSpec, maxCells);
      if (local.isPresent()) {
        return fromCells(spec.commandLine().getOut(), null, null, local.get(), options);
      }
    }
    Warehouse warehouse = CommonOptions.openWarehouse("km", config, input.byName());
    SparkSession spark = warehouse.spark();
    String source = input.source();
    // Every column of a CSV as text: Subjects.from parses numbers itself and names the bad values.
    Dataset<Row> table = input.read(spark, "Cannot estimate survival from");
    Dataset<Row> subjects = Subjects.from(table, subjectSpec, source).cache();
    try {
      PrintWriter out = spec.commandLine().getOut();
      if (!distributed) {
        // One aggregation, collected with a limit: the driver holds at most --max-cells cells, never the rows.
        RiskCells cells = RiskCells.collect(subjects, maxCells).orElseThrow(() -> new BadInputException(
            "Cannot estimate survival from " + source + ": more than " + maxCells + " distinct (group, entry, time, event, cause) cells"
                + (group != null ? " (does --group " + group + " have that many values?)" : "")
                + "; use --distributed to estimate with Spark jobs, or raise --max-cells"));
        return fromCells(out, warehouse, spark, cells, options);
      }
      if (competing) {
        Dataset<Row> cif = CumulativeIncidence.estimate(subjects, options.confLevel()).orderBy("group", "time", "cause");
        OutputTable.write(warehouse, outputTable, cif);
        print(out, cif);
        return 0;
      }
      // Cached because it is written, printed and summarised; the cache is the shared session's,
      // so it must go on every path out (the in-process callers, tests and notebooks, keep running).
      Dataset<Row> curve = KaplanMeier.estimate(subjects, options).orderBy("group", "time").cache();
      try {
        OutputTable.write(warehouse, outputTable, curve);
        if (!summary) {
          print(out, curve);
          return 0;
        }
        // The summary adds to the curve where a person reads it; csv and json stay one kind of row per block.
        if (format == OutputFormat.TABLE) {
          print(out, curve);
          out.println();
        }
        double horizon = rmstHorizon != null ? rmstHorizon
            : curve.agg(functions.max("time")).head().getDouble(0);
        print(out, io.regsurv.stats.SurvivalSummary.of(curve, horizon).orderBy("group"));
        if (group != null) {
          printTest(out, LogRank.test(subjects));
        }
        return 0;
      } finally {
        curve.unpersist();
      }
    } finally {
      subjects.unpersist();
    }
  }

  /** The same outputs as the distributed path, from the collected cells ({@link CellEstimates}). */
  private int fromCells(PrintWriter out, Warehouse warehouse, SparkSession spark, RiskCells cells, KmOptions options) {
    if (competing) {
      List<Row> cif = CellEstimates.cumulativeIncidence(cells, options.confLevel());
      write(warehouse, spark, cif, CellEstimates.CIF_SCHEMA);
      format.print(out, Arrays.asList(CellEstimates.CIF_SCHEMA.fieldNames()), cif);
      return 0;
    }
    List<Row> curve = CellEstimates.kaplanMeier(cells, options);
    write(warehouse, spark, curve, CellEstimates.KM_SCHEMA);
    if (!summary || format == OutputFormat.TABLE) {
      format.print(out, Arrays.asList(CellEstimates.KM_SCHEMA.fieldNames()), curve);
      if (!summary) {
        return 0;
      }
      out.println();
    }
    double horizon = rmstHorizon != null ? rmstHorizon : curve.stream().mapToDouble(r -> r.getDouble(1)).max().orElse(0.0);
    format.print(out, Arrays.asList(CellEstimates.SUMMARY_SCHEMA.fieldNames()), CellEstimates.summary(curve, horizon));
    if (group != null) {
      LogRankResult test = CellEstimates.logRank(cells, g -> "").getOrDefault("", new LogRankResult(List.of(), 0.0, 0, 1.0));
      printTest(out, test);
    }
    return 0;
  }

  private void write(Warehouse warehouse, SparkSession spark, List<Row> rows, org.apache.spark.sql.types.StructType schema) {
    if (outputTable != null) {
      DriverRows.write(spark, rows, schema, frame -> {
        OutputTable.write(warehouse, outputTable, frame);
        return null;
      });
    }
  }

  private void printTest(PrintWriter out, LogRankResult test) {
    out.println();
    List<Row> rows = new ArrayList<>();
    for (LogRankResult.Group g : test.groups()) {
      rows.add(RowFactory.create(g.group(), g.n(), g.observed(), g.expected(), test.chiSquare(), test.degreesOfFreedom(), test.pValue()));
    }
    format.print(out, List.of("group", "n", "observed", "expected", "chisq", "df", "p_value"), rows);
  }

  private void print(PrintWriter out, Dataset<Row> result) {
    // The result has one row per group and distinct time: small by construction.
    format.print(out, Arrays.asList(result.columns()), result.collectAsList());
  }

}
