package io.regsurv.pipeline;

import io.regsurv.classify.ClassifyJob;
import io.regsurv.classify.ClassifyResult;
import io.regsurv.config.RunConfig;
import io.regsurv.core.BadInputException;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.ingest.IngestJob;
import io.regsurv.ingest.IngestResult;
import io.regsurv.io.HadoopConf;
import io.regsurv.io.SparkSessions;
import io.regsurv.io.Warehouse;
import io.regsurv.ops.Maintenance;
import io.regsurv.report.ReportJob;
import io.regsurv.report.ReportJob.Comparison;
import io.regsurv.report.ReportJob.ReportResult;
import io.regsurv.survival.SurvivalJob;
import io.regsurv.survival.SurvivalJob.SurvivalResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * The pipeline as a Java API: each stage, a whole run and a backfill, on one warehouse and
 * configuration. The CLI, {@code demo}, the benchmark and the notebooks all call this; every
 * stage goes through the one {@link StageRunner}, so every run is recorded in ops.job_run.
 *
 * <pre>{@code
 * Pipeline p = Pipeline.open(RunConfig.defaults());
 * p.ingest(new IngestJob.Request(date, null, null, List.of("data/dt=2024-07-31")));
 * p.classify(false);
 * p.survival(null, false);
 * }</pre>
 */
public final class Pipeline {
  /** Told when a stage starts and ends (the CLI prints progress lines; others may ignore it). */
  public interface Listener {
    default void started(Stage stage, String detail) {}

    default void finished(Stage stage, Object result, double seconds) {}
  }

  private final Warehouse warehouse;
  private final RunConfig config;
  private final StageRunner runner;
  private Listener listener = new Listener() {};

  private Pipeline(Warehouse warehouse, RunConfig config) {
    this.warehouse = warehouse;
    this.config = config;
    this.runner = new StageRunner(warehouse);
  }

  /** A pipeline on the configured warehouse, in this JVM's SparkSession (made on first use), with the existing tables registered. */
  public static Pipeline open(RunConfig config) {
    SparkSession spark = SparkSessions.create("regsurv", config.warehouse());
    Warehouse warehouse = new Warehouse(spark, config.warehouse());
    warehouse.registerExisting();
    return new Pipeline(warehouse, config);
  }

  /** A pipeline on a warehouse already opened (tests, notebooks). */
  public static Pipeline on(Warehouse warehouse, RunConfig config) {
    return new Pipeline(warehouse, config);
  }

  public Pipeline withListener(Listener listener) {
    this.listener = listener;
    return this;
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  public RunConfig config() {
    return config;
  }

  /** Ingests one snapshot into bronze (skipped when already ingested from the same files, unless {@code request.force()}). */
  public IngestResult ingest(IngestJob.Request request) {
    return stage(new IngestJob(warehouse, config, request), request.force(), "--snapshot-date " + request.snapshotDate());
  }

  /**
   * Ingests several snapshots in one Spark pass (a backfill): one commit to each bronze table for
   * all of them, each still reconciled and recorded in ops.job_run on its own; snapshots already
   * ingested from the same files are skipped (unless their request says force). Results in date order.
   */
  public List<IngestResult> ingestAll(List<IngestJob.Request> requests) {
    List<IngestJob.Request> sorted = requests.stream().sorted(java.util.Comparator.comparing(IngestJob.Request::snapshotDate)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).snapshotDate().equals(sorted.get(i - 1).snapshotDate())) {
        throw new BadInputException("Cannot ingest snapshot " + sorted.get(i).snapshotDate() + ": given twice; put all its files in one request");
      }
    }
    if (sorted.size() == 1) {
      return List.of(ingest(sorted.get(0)));
    }
    List<IngestJob> jobs = sorted.stream().map(r -> new IngestJob(warehouse, config, r)).toList();
    String detail = sorted.size() + " snapshots in one pass, " + sorted.get(0).snapshotDate() + " … " + sorted.get(sorted.size() - 1).snapshotDate();
    listener.started(Stage.INGEST, detail);
    long t0 = System.nanoTime();
    List<IngestResult> results = runner.runTogether(jobs, job -> job.request().force(), (batch, runIds, inputs) -> IngestJob.runTogether(batch, runIds));
    listener.finished(Stage.INGEST, results, (System.nanoTime() - t0) / 1e9);
    return results;
  }

  /** Classifies bronze into silver: the new snapshots only, or everything with {@code full}. */
  public ClassifyResult classify(boolean full) {
    return stage(new ClassifyJob(warehouse, config.classify(), full), full, full ? "--full" : "");
  }

  /** Survival as of {@code asOf} (NULL: survival.asOfDate, else the latest snapshot). */
  public SurvivalResult survival(LocalDate asOf, boolean force) {
    return stage(new SurvivalJob(warehouse, config, asOf(asOf)), force, force ? "--force" : "");
  }

  /** The headline figures as of {@code asOf} (NULL: survival.asOfDate, else the latest snapshot), beside the published ones when they compare. */
  public ReportResult report(LocalDate asOf, Comparison comparison, boolean force) {
    return report(asOf, comparison, 1.0, force);
  }

  /** As {@link #report(LocalDate, Comparison, boolean)}, comparing with the published counts times {@code publishedScale}. */
  public ReportResult report(LocalDate asOf, Comparison comparison, double publishedScale, boolean force) {
    return stage(new ReportJob(warehouse, config, asOf(asOf), comparison, publishedScale), force, force ? "--force" : "");
  }

  /** OPTIMIZE and VACUUM (see {@link Maintenance}). */
  public List<Maintenance.TableResult> maintain(int retentionHours, boolean optimizeAll) {
    return stage(new Maintenance(warehouse, retentionHours, optimizeAll), true, "");
  }

  /** What a whole run did, stage by stage. */
  public record RunResult(List<IngestResult> ingests, ClassifyResult classify, SurvivalResult survival, ReportResult report) {
    public RunResult {
      ingests = List.copyOf(ingests);
    }
  }

  /**
   * Ingest of the given snapshots (date → files; several in one pass, see {@link #ingestAll}), then one classify, survival and
   * report; stops at the first stage that fails. Each stage skips work already done unless {@code force}.
   */
  public RunResult run(Map<LocalDate, List<String>> snapshots, String dialect, LocalDate asOf, boolean force) {
    return run(snapshots, new RunOptions(dialect, asOf, force, 1.0));
  }

  /**
   * How a whole run behaves: the ingest dialect (NULL: ingest.dialect), the as-of date (NULL: the
   * default), whether to redo work already done, and the scale of the published figures (1: the full registry).
   */
  public record RunOptions(String dialect, LocalDate asOf, boolean force, double publishedScale) {}

  /** {@link #run(Map, String, LocalDate, boolean)} with every option. */
  public RunResult run(Map<LocalDate, List<String>> snapshots, RunOptions options) {
    String dialect = options.dialect();
    LocalDate asOf = options.asOf();
    boolean force = options.force();
    List<IngestJob.Request> requests = new ArrayList<>();
    for (Map.Entry<LocalDate, List<String>> e : new TreeMap<>(snapshots).entrySet()) {
      requests.add(new IngestJob.Request(e.getKey(), dialect, null, e.getValue(), force));
    }
    List<IngestResult> ingests = ingestAll(requests);
    ClassifyResult classified = classify(force);
    SurvivalResult survival = survival(asOf, force);
    ReportResult report = report(asOf, Comparison.AUTO, options.publishedScale(), force);
    return new RunResult(ingests, classified, survival, report);
  }

  /** {@link #run} over every dt=YYYY-MM-DD folder of {@code dir}. */
  public RunResult backfill(String dir, String dialect, LocalDate asOf, boolean force) {
    return backfill(dir, new RunOptions(dialect, asOf, force, 1.0));
  }

  /** {@link #run(Map, RunOptions)} over every dt=YYYY-MM-DD folder of {@code dir}. */
  public RunResult backfill(String dir, RunOptions options) {
    Map<LocalDate, List<String>> snapshots = new TreeMap<>();
    snapshotFolders(dir).forEach((date, folder) -> snapshots.put(date, List.of(folder)));
    return run(snapshots, options);
  }

  private LocalDate asOf(LocalDate asOf) {
    return asOf != null ? asOf : config.survival().asOfDate();
  }

  private <R> R stage(StageJob<R> job, boolean force, String detail) {
    listener.started(job.stage(), detail);
    long t0 = System.nanoTime();
    R result = runner.run(job, force);
    listener.finished(job.stage(), result, (System.nanoTime() - t0) / 1e9);
    return result;
  }

  /** The dt=YYYY-MM-DD folders of a directory (local path or Hadoop URI), by date. */
  public static TreeMap<LocalDate, String> snapshotFolders(String dir) {
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.contains(":") ? dir : Path.of(dir).toAbsolutePath().toString());
      FileSystem fs = root.getFileSystem(HadoopConf.fromSparkConf());
      if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
        throw new BadInputException("Cannot backfill: " + dir + " is not a directory");
      }
      TreeMap<LocalDate, String> folders = new TreeMap<>();
      for (FileStatus st : fs.listStatus(root)) {
        String name = st.getPath().getName();
        if (st.isDirectory() && name.startsWith("dt=")) {
          try {
            folders.put(LocalDate.parse(name.substring(3)), st.getPath().toString());
          } catch (DateTimeParseException e) {
            throw new BadInputException("Cannot backfill: folder " + name + " is not dt=YYYY-MM-DD");
          }
        }
      }
      if (folders.isEmpty()) {
        throw new BadInputException("Cannot backfill: no dt=YYYY-MM-DD folders in " + dir);
      }
      return folders;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
