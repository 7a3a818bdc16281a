package io.regsurv.cli;

import io.regsurv.config.ConfigLoader;
import io.regsurv.config.RunConfig;
import io.regsurv.io.SparkSessions;
import io.regsurv.pipeline.Pipeline;
import io.regsurv.io.Warehouse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every job command shares: configuration file, overrides, warehouse, verbosity. */
final class CommonOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "JSON configuration file; overrides the built-in defaults (see docs/reference.md).")
  Path configFile;

  @Option(names = "--warehouse", paramLabel = "DIR|URI", description = "Delta warehouse root (default: ./warehouse, or the config's 'warehouse').")
  String warehouse;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any configuration value, e.g. --set survival.minCohortSize=50 (lists comma-separated). Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = {"-v", "--verbose"}, description = "Show stack traces of failures.")
  boolean verbose;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The progress line on a terminal; NULL when output is not a terminal (cron, CI, tests) or before {@link #pipeline()}. */
  private TerminalProgress progress;

  /** The effective configuration: defaults, then --config, then --set, then --warehouse. */
  RunConfig config() {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (warehouse != null) {
      all.put("warehouse", warehouse);
    }
    return ConfigLoader.load(configFile, all);
  }

  /** A session on the configured warehouse with the existing tables registered in the catalog. */
  static Warehouse openWarehouse(String appName, RunConfig config) {
    return openWarehouse(appName, config, true);
  }

  /**
   * As {@link #openWarehouse(String, RunConfig)}; {@code byName} false leaves the catalog alone, for
   * a command that reads a file or a table by location: registering every table of the warehouse
   * is a SQL statement each (about 2 s on a demo warehouse) that only name lookups need.
   */
  static Warehouse openWarehouse(String appName, RunConfig config, boolean byName) {
    SparkSession spark = SparkSessions.create(appName, config.warehouse());
    Warehouse warehouse = new Warehouse(spark, config.warehouse());
    if (byName) {
      warehouse.registerExisting();
    }
    return warehouse;
  }

  /** The pipeline on the effective configuration's warehouse; on a terminal, its stages show a progress line. */
  Pipeline pipeline() {
    Pipeline pipeline = Pipeline.open(config());
    if (TerminalProgress.wanted()) {
      progress = TerminalProgress.attach(pipeline.warehouse().spark(), command.commandLine().getErr());
      pipeline.withListener(progress);
    }
    return pipeline;
  }

  /** {@code listener} with the terminal's progress line around each stage ({@code listener} itself when there is none). */
  Pipeline.Listener withProgress(Pipeline.Listener listener) {
    return progress == null ? listener : progress.around(listener);
  }
}
