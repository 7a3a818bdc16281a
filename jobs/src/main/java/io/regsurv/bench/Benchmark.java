package io.regsurv.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.regsurv.config.ConfigLoader;
import io.regsurv.generate.Generator;
import io.regsurv.generate.GeneratorSettings;
import io.regsurv.ingest.IngestJob;
import io.regsurv.pipeline.Pipeline;
import io.regsurv.io.LocalTrees;
import io.regsurv.io.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The full-scale benchmark (bench/run): times each stage against a plain Spark CSV → Delta copy of
 * the same snapshot, measured in the same JVM and run, and prints the ratios the targets name.
 *
 * <p>Stages run through the same Pipeline API as the CLI commands (in-process, one SparkSession), so
 * the figures include the stages' own fixed costs (catalog registration, run log) as a scheduler sees them.
 * Started as {@code regsurv bench} (hidden; bench/run), so arguments and errors are handled as for every command.
 */
@Command(name = "bench", hidden = true, mixinStandardHelpOptions = true, description = "Benchmark regsurv's stages at registry scale.")
public final class Benchmark implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--firms", split = ",", description = "Firms ever registered, one full run per size (default: the full preset, 2,287,100).")
  List<Long> firms = new ArrayList<>(List.of(2_287_100L));

  @Option(names = "--snapshots", defaultValue = "19", description = "Month-end snapshots from 2023-01-31 (19 = ..2024-07-31). Default: ${DEFAULT-VALUE}.")
  int snapshots;

  @Option(names = "--history", description = "Use only the first N-1 generated snapshots and the last one (default: all), "
      + "for a shorter run on the same registry: (e) then runs the last snapshot on top of N-1.")
  Integer history;

  @Option(names = "--repeat", defaultValue = "1", description = "Measure each size this many times on the same generated data; "
      + "the table shows medians. Default: ${DEFAULT-VALUE}.")
  int repeat;

  @Option(names = "--data", defaultValue = "bench/data", description = "Generated registries are kept here and reused. Default: ${DEFAULT-VALUE}.")
  Path data;

  @Option(names = "--work", defaultValue = "bench/work", description = "Warehouses (replaced each run). Default: ${DEFAULT-VALUE}.")
  Path work;

  @Option(names = "--results", defaultValue = "bench/results", description = "JSON results go here. Default: ${DEFAULT-VALUE}.")
  Path results;

  @Option(names = "--stages", split = ",", defaultValue = "b,c,d,e,f,g", description = "Stages to measure besides the baseline (a), "
      + "e.g. d,e for survival and run only; f = full classify of every history snapshot (all but the last); "
      + "g = backfill, ingest of every snapshot in one pass + classify, against N baselines. Default: ${DEFAULT-VALUE}.")
  Set<String> stages;

  @Option(names = "--km-vs-r", paramLabel = "ROWS", description = "Also time, as whole processes, 'regsurv km --csv' on a CSV of ROWS rows"
      + " (time, event, group with 15 groups; made once under --data) against Rscript reading it with read.csv and fitting"
      + " survfit(Surv(time, event) ~ group); skipped with a message where Rscript is absent (bin/setup installs it with"
      + " REGSURV_SETUP_R=1). 0: not run. With --firms 0 only this runs. Default: ${DEFAULT-VALUE}.", defaultValue = "0")
  long kmVsR;

  @Option(names = "--cox-vs-r", paramLabel = "ROWS", description = "Also time, as whole processes, 'regsurv cox --csv' on a CSV of ROWS rows"
      + " (time, event and three categorical covariates a, b, c with 15, 5 and 4 levels; made once under --data) against Rscript"
      + " reading it with read.csv and fitting coxph(Surv(time, event) ~ a + b + c); skipped with a message where Rscript is"
      + " absent. 0: not run. With --firms 0 only the comparisons run. Default: ${DEFAULT-VALUE}.", defaultValue = "0")
  long coxVsR;

  private final Map<String, Object> report = new LinkedHashMap<>();
  private final Set<Long> historyBuilt = new HashSet<>();


  @Override
  public Integer call() throws IOException {
    if (!Set.of("b", "c", "d", "e", "f", "g").containsAll(stages)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stages takes letters among b,c,d,e,f,g, not " + stages);
    }
    report.put("started", Instant.now().toString());
    report.put("machine", Map.of(
        "cores", Runtime.getRuntime().availableProcessors(),
        "max_heap_bytes", Runtime.getRuntime().maxMemory(),
        "java", System.getProperty("java.version")));
    List<Map<String, Object>> runs = new ArrayList<>();
    report.put("runs", runs);
    for (long n : firms) {
      if (n > 0) {
        runs.add(runSize(n));
      }
    }
    if (kmVsR > 0) {
      report.put("km_vs_rscript", kmVersusR(kmVsR));
    }
    if (coxVsR > 0) {
      report.put("cox_vs_rscript", coxVersusR(coxVsR));
    }
    report.put("finished", Instant.now().toString());
    Files.createDirectories(results);
    Path file = results.resolve("bench-" + Instant.now().toString().replace(':', '-') + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
    System.out.println("bench: results written to " + file);
    return 0;
  }

  private Map<String, Object> runSize(long n) throws IOException {
    List<LocalDate> generated = new ArrayList<>();
    for (LocalDate d = LocalDate.of(2023, 1, 31); generated.size() < snapshots; d = d.plusMonths(1).withDayOfMonth(1).plusMonths(1).minusDays(1)) {
      generated.add(d);
    }
    List<LocalDate> dates = new ArrayList<>(generated);
    String registryName = "firms-" + n + "-snapshots-" + snapshots;
    if (history != null && history >= 2 && history < generated.size()) {
      dates.subList(history - 1, generated.size() - 1).clear();
      registryName += "-history-" + history;
    }
    // Each generated snapshot is a view of the same seeded firm model at its date, so generating
    // only the dates used gives the same files as the full series, in a fraction of the time.
    Path registry = data.resolve(registryName);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("firms_ever_registered", n);
    run.put("snapshots", dates.size());
    run.put("snapshot_dates", dates.stream().map(LocalDate::toString).toList());
    run.put("repeats", repeat);
    if (!Files.exists(registry.resolve("_GENERATED"))) {
      Map<String, Double> gen = new LinkedHashMap<>();
      GeneratorSettings demo = GeneratorSettings.preset(registry.toString(), false, n);
      GeneratorSettings settings = new GeneratorSettings(demo.out(), n, dates, demo.format(), demo.encoding(), demo.gzip(), demo.dirtRate(),
          demo.seed(), demo.parts(), demo.truth(), demo.threads());
      time("generate", gen, new LinkedHashMap<>(), () -> new Generator(settings).run());
      Files.writeString(registry.resolve("_GENERATED"), "ok\n");
      run.put("generate_seconds", gen.get("generate"));
    }
    LocalDate last = dates.get(dates.size() - 1);
    run.put("snapshot_lines", countLines(registry.resolve("dt=" + last)));

    List<Map<String, Double>> allSeconds = new ArrayList<>();
    List<Map<String, Long>> allHeap = new ArrayList<>();
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (int r = 1; r <= repeat; r++) {
      System.out.printf(Locale.ROOT, "bench: %,d firms, measurement %d of %d%n", n, r, repeat);
      Map<String, Double> seconds = new LinkedHashMap<>();
      Map<String, Long> heap = new LinkedHashMap<>();
      measure(n, registry, dates, seconds, heap, sizes);
      allSeconds.add(seconds);
      allHeap.add(heap);
    }
    Map<String, Double> seconds = new LinkedHashMap<>();
    // The history set-up is measured once; every other figure is the median of the measurements that have it.
    allSeconds.get(0).keySet().forEach(k -> seconds.put(k, median(present(allSeconds, k))));
    Map<String, Long> peakHeap = new LinkedHashMap<>();
    allHeap.get(0).keySet().forEach(k -> peakHeap.put(k, present(allHeap, k).stream().mapToLong(Long::longValue).max().orElse(0)));
    run.put("seconds", seconds);
    Map<String, Long> measurements = new LinkedHashMap<>();
    seconds.keySet().forEach(k -> measurements.put(k, (long) present(allSeconds, k).size()));
    run.put("measurements", measurements);
    run.put("seconds_each_measurement", allSeconds);
    run.put("peak_driver_heap_bytes", peakHeap);

    // Ratios within each measurement (stage and baseline of the same run), then their median.
    Map<String, Double> ratios = new LinkedHashMap<>();
    for (String k : seconds.keySet()) {
      if (k.matches("[b-f]\\d?_.*")) {
        ratios.put(k, median(allSeconds.stream().filter(m -> m.containsKey(k)).map(m -> m.get(k) / m.get("a_baseline_csv_to_delta")).toList()));
      }
    }
    // The backfill against one baseline copy per snapshot (issue 22: ≤ 2×).
    String g = "g_backfill_ingest_classify_all_snapshots";
    if (seconds.containsKey(g)) {
      ratios.put(g + "_per_snapshot_baseline",
          median(allSeconds.stream().filter(m -> m.containsKey(g)).map(m -> m.get(g) / (dates.size() * m.get("a_baseline_csv_to_delta"))).toList()));
    }
    run.put("ratio_to_baseline", ratios);
    run.put("table_bytes", sizes);
    print(run);
    return run;
  }

  /**
   * One measurement of the selected stages (the baseline always, as the ratios' denominator). The
   * history warehouse (every snapshot but the last, ingested and classified) is built in the first
   * measurement and, when more follow, kept as a copy; later measurements restore it, so (d) and (e) run on the same
   * state without rebuilding 18 snapshots each time.
   */
  private void measure(long n, Path registry, List<LocalDate> dates, Map<String, Double> seconds, Map<String, Long> peakHeap,
      Map<String, Long> sizes) throws IOException {
    Path wh = work.resolve("wh-" + n);
    Path history = work.resolve("history-" + n);
    Path scratch = work.resolve("scratch-" + n);
    Path baselineDir = work.resolve("baseline-" + n);
    LocalTrees.delete(baselineDir);
    LocalTrees.delete(scratch);
    LocalDate last = dates.get(dates.size() - 1);
    String lastDir = registry.resolve("dt=" + last).toString();

    SparkSession spark = SparkSessions.create("regsurv-bench", wh.toString());
    String baseline = baselineDir.toAbsolutePath().toString();
    time("a_baseline_csv_to_delta", seconds, peakHeap, () -> {
      spark.read().option("header", "true").csv(lastDir).write().format("delta").mode("overwrite").save(baseline);
    });
    if (stages.contains("b")) {
      time("b_ingest_one_snapshot", seconds, peakHeap, () -> ingest(registry, scratch.toString(), last));
      LocalTrees.delete(scratch);
    }

    if (stages.contains("g")) {
      String w = scratch.toString();
      List<IngestJob.Request> all = dates.stream().map(d -> new IngestJob.Request(d, null, null, List.of(registry.resolve("dt=" + d).toString()))).toList();
      time("g_backfill_ingest_classify_all_snapshots", seconds, peakHeap, () -> {
        Pipeline p = pipeline(w);
        p.ingestAll(all);
        p.classify(false);
      });
      LocalTrees.delete(scratch);
    }

    // The history (every snapshot but the last) is only needed by c, d, e and f.
    boolean build = !historyBuilt.contains(n)
        && (stages.contains("c") || stages.contains("d") || stages.contains("e") || stages.contains("f"));
    if (build || stages.contains("c")) {
      Path cWarehouse = build ? wh : scratch;
      if (build) {
        LocalTrees.delete(wh);
        LocalTrees.delete(history);
      }
      String w = cWarehouse.toString();
      // Without stage c selected these only build the history, and are counted in its set-up.
      Map<String, Double> cSeconds = stages.contains("c") ? seconds : new LinkedHashMap<>();
      Map<String, Long> cHeap = stages.contains("c") ? peakHeap : new LinkedHashMap<>();
      time("ingest_first_snapshot", cSeconds, cHeap, () -> ingest(registry, w, dates.get(0)));
      time("c1_classify_first_snapshot", cSeconds, cHeap, () -> pipeline(w).classify(false));
      if (dates.size() > 2) {
        time("ingest_second_snapshot", cSeconds, cHeap, () -> ingest(registry, w, dates.get(1)));
        time("c2_classify_one_further_snapshot", cSeconds, cHeap, () -> pipeline(w).classify(false));
      }
      LocalTrees.delete(scratch);
    }
    if (build) {
      String w = wh.toString();
      long t0 = System.nanoTime();
      for (LocalDate d : dates.subList(Math.min(2, dates.size() - 1), dates.size() - 1)) {
        ingest(registry, w, d);
      }
      pipeline(w).classify(false);
      seconds.put("setup_remaining_history", (System.nanoTime() - t0) / 1e9);
      // Kept only for later measurements to restore: at full scale the copy is gigabytes.
      if (repeat > 1) {
        LocalTrees.copy(wh, history);
        historyBuilt.add(n);
      }
    } else if (historyBuilt.contains(n)) {
      LocalTrees.delete(wh);
      LocalTrees.copy(history, wh);
      // The restored tables are new files at old paths: drop the JVM's cached Delta logs and plans.
      DeltaLog.clearCache();
      spark.catalog().clearCache();
    }
    if (stages.contains("f")) {
      // Every history snapshot from scratch (what a first run, --full or a late snapshot costs).
      time("f_classify_full_" + (dates.size() - 1) + "_snapshots", seconds, peakHeap, () -> pipeline(wh.toString()).classify(true));
    }
    if (stages.contains("d")) {
      LocalDate previous = dates.get(dates.size() - 2);
      double[] cox = new double[1];
      time("d_survival_all_cohorts", seconds, peakHeap, () -> cox[0] = pipeline(wh.toString()).survival(previous, false).coxSeconds());
      // Issue 24's target is the default Cox model inside (d): the stage times it (fit and both gold writes).
      seconds.put("d_of_which_cox_model", cox[0]);
    }
    if (stages.contains("e")) {
      time("e_run_one_new_snapshot", seconds, peakHeap,
          () -> pipeline(wh.toString()).run(Map.of(last, List.of(lastDir)), null, null, false));
    }

    sizes.clear();
    sizes.put("baseline", treeSize(baselineDir));
    try (Stream<Path> dbs = Files.isDirectory(wh) ? Files.list(wh) : Stream.empty()) {
      for (Path db : dbs.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> tables = Files.list(db)) {
          for (Path t : tables.filter(Files::isDirectory).sorted().toList()) {
            sizes.put(db.getFileName() + "." + t.getFileName(), treeSize(t));
          }
        }
      }
    }
  }

  /** The figure {@code key} of each measurement that has it. */
  private static <V> List<V> present(List<Map<String, V>> measurements, String key) {
    return measurements.stream().filter(m -> m.containsKey(key)).map(m -> m.get(key)).toList();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  private void print(Map<String, Object> run) {
    System.out.printf(Locale.ROOT, "%n== %,d firms ever registered, %d snapshots, %,d lines in the last snapshot; median of %d ==%n",
        run.get("firms_ever_registered"), run.get("snapshots"), run.get("snapshot_lines"), run.get("repeats"));
    @SuppressWarnings("unchecked") Map<String, Double> seconds = (Map<String, Double>) run.get("seconds");
    @SuppressWarnings("unchecked") Map<String, Double> ratios = (Map<String, Double>) run.get("ratio_to_baseline");
    @SuppressWarnings("unchecked") Map<String, Long> heap = (Map<String, Long>) run.get("peak_driver_heap_bytes");
    @SuppressWarnings("unchecked") Map<String, Long> measurements = (Map<String, Long>) run.get("measurements");
    System.out.printf(Locale.ROOT, "%-36s %10s %6s %10s %14s%n", "stage", "seconds", "runs", "x baseline", "peak heap MiB");
    seconds.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-36s %10.1f %6d %10s %14s%n", k, v, measurements.get(k),
        ratios.containsKey(k) ? String.format(Locale.ROOT, "%.2f", ratios.get(k)) : "",
        heap.containsKey(k) ? Long.toString(heap.get(k) >> 20) : ""));
    @SuppressWarnings("unchecked") Map<String, Long> sizes = (Map<String, Long>) run.get("table_bytes");
    System.out.println("table sizes on disk (MiB):");
    sizes.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-36s %10.1f%n", k, v / 1048576.0));
    System.out.flush();
  }

  /**
   * {@code regsurv km --csv} against R's survfit on the same CSV, each a whole process (JVM or R
   * start-up included), {@code repeat} times, medians. The CSV: integer times 1..3650, about 60%
   * events, 15 groups; seeded, so the same rows every time.
   */
  private Map<String, Object> kmVersusR(long rows) throws IOException {
    Path csv = seededCsv("km", rows, 42, "time,event,group", random -> {
      int g = random.nextInt(15);
      // Groups differ in hazard, so the curves and the log-rank test are not trivial.
      int time = 1 + (int) Math.min(3649, -Math.log(1 - random.nextDouble()) * (600 + 60 * g));
      return time + "," + (random.nextDouble() < 0.6 ? 1 : 0) + ",g" + (g < 10 ? "0" : "") + g;
    });
    String file = csv.toAbsolutePath().toString();
    return versusR("km", rows, csv, String.format(Locale.ROOT, "regsurv km --csv, %,d rows, 15 groups", rows),
        List.of(Path.of("bin/regsurv").toAbsolutePath().toString(), "km", "--csv", file, "--time", "time", "--event", "event",
            "--group", "group", "--format", "csv"),
        "read.csv + survfit", "fit <- survfit(Surv(time, event) ~ group, data = d); invisible(summary(fit, censored = TRUE))");
  }

  /**
   * {@code regsurv cox --csv} against R's coxph on the same CSV, each a whole process, {@code repeat}
   * times, medians: 3 categorical covariates (15, 5 and 4 levels, 21 terms), integer times 1..3650
   * with ties, about 60% events; seeded, so the same rows every time.
   */
  private Map<String, Object> coxVersusR(long rows) throws IOException {
    Path csv = seededCsv("cox", rows, 24, "time,event,a,b,c", random -> {
      int a = random.nextInt(15);
      int b = random.nextInt(5);
      int c = random.nextInt(4);
      // Hazards differ by every covariate, so each has a coefficient to find.
      double scale = 900.0 / ((1 + a / 14.0) * (1 + b / 8.0) * (1 + c / 6.0));
      int time = 1 + (int) Math.min(3649, -Math.log(1 - random.nextDouble()) * scale);
      return time + "," + (random.nextDouble() < 0.6 ? 1 : 0) + ",a" + (a < 10 ? "0" : "") + a + ",b" + b + ",c" + c;
    });
    String file = csv.toAbsolutePath().toString();
    return versusR("cox", rows, csv, String.format(Locale.ROOT, "regsurv cox --csv, %,d rows, 3 categorical covariates (21 terms)", rows),
        List.of(Path.of("bin/regsurv").toAbsolutePath().toString(), "cox", "--csv", file, "--time", "time", "--event", "event",
            "--covariates", "a,b,c", "--format", "csv"),
        "read.csv + coxph", "fit <- coxph(Surv(time, event) ~ a + b + c, data = d); invisible(summary(fit))");
  }

  /**
   * {@code <name>-<rows>.csv} in the bench data folder, written once (through a .tmp file, so an
   * interrupted run leaves no half file) from a Random seeded with {@code seed}: the same rows every time.
   */
  private Path seededCsv(String name, long rows, long seed, String header, java.util.function.Function<java.util.Random, String> row)
      throws IOException {
    Path csv = data.resolve(name + "-" + rows + ".csv");
    if (!Files.exists(csv)) {
      Files.createDirectories(data);
      java.util.Random random = new java.util.Random(seed);
      Path tmp = data.resolve(name + "-" + rows + ".csv.tmp");
      try (java.io.BufferedWriter w = Files.newBufferedWriter(tmp)) {
        w.write(header + "\n");
        for (long i = 0; i < rows; i++) {
          w.write(row.apply(random) + "\n");
        }
      }
      Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING);
    }
    return csv;
  }

  /**
   * regsurv's command and Rscript on the same CSV, each a whole process (JVM or R start-up
   * included), {@code repeat} times, medians; R skipped with a message where Rscript is absent.
   * Figures under {@code <name>_seconds}, {@code rscript_seconds} and {@code <name>_to_rscript}.
   */
  private Map<String, Object> versusR(String name, long rows, Path csv, String what, List<String> ours, String rWhat, String rFit)
      throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("csv", csv.toString());
    List<Double> mine = new ArrayList<>();
    List<Double> r = new ArrayList<>();
    boolean haveR = onPath("Rscript");
    for (int i = 0; i < repeat; i++) {
      mine.add(process(ours));
      if (haveR) {
        // The script is fixed text; the file name is passed as an argument, never pasted into code.
        r.add(process(List.of("Rscript", "-e", "suppressMessages(library(survival)); d <- read.csv(commandArgs(TRUE)[1]); " + rFit,
            csv.toAbsolutePath().toString())));
      }
    }
    out.put(name + "_seconds", median(mine));
    System.out.printf(Locale.ROOT, "%nbench: %s: %.1f s (median of %d)%n", what, median(mine), mine.size());
    if (haveR) {
      out.put("rscript_seconds", median(r));
      out.put(name + "_to_rscript", median(mine) / median(r));
      System.out.printf(Locale.ROOT, "bench: Rscript %s: %.1f s (median of %d); %s / R = %.2f%n", rWhat, median(r), r.size(), name,
          median(mine) / median(r));
    } else {
      out.put("rscript_seconds", null);
      System.out.println("bench: Rscript not found: R comparison skipped (REGSURV_SETUP_R=1 bin/setup installs r-cran-survival)");
    }
    return out;
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Wall seconds of a child process (output discarded); a failure stops the benchmark. */
  private static double process(List<String> command) throws IOException {
    System.out.println("bench: " + String.join(" ", command.subList(0, Math.min(3, command.size()))) + " ...");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IllegalStateException("bench: " + command.get(0) + " exited with " + rc);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("bench: interrupted", e);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private interface Stage {
    void run() throws Exception;
  }

  /** Times one stage and records the driver's peak heap during it; a failed stage stops the benchmark. */
  private static void time(String name, Map<String, Double> seconds, Map<String, Long> peakHeap, Stage stage) {
    List<MemoryPoolMXBean> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    System.out.println("bench: " + name + " ...");
    long t0 = System.nanoTime();
    try {
      stage.run();
    } catch (Exception e) {
      throw new IllegalStateException("bench: " + name + " failed: " + e.getMessage(), e);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    seconds.put(name, s);
    // Sum of per-pool peaks: an upper bound on the heap in use at any one moment.
    peakHeap.put(name, heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum());
    System.out.printf(Locale.ROOT, "bench: %s %.1f s%n", name, s);
  }

  private static void ingest(Path registry, String warehouse, LocalDate date) {
    pipeline(warehouse).ingest(new IngestJob.Request(date, null, null, List.of(registry.resolve("dt=" + date).toString())));
  }

  /** The pipeline on a benchmark warehouse, with every other setting at its default. */
  private static Pipeline pipeline(String warehouse) {
    return Pipeline.open(ConfigLoader.load(null, Map.of("warehouse", warehouse)));
  }

  private static long countLines(Path dir) throws IOException {
    long n = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        try (Stream<String> lines = Files.lines(f)) {
          n += lines.count() - 1;
        }
      }
    }
    return n;
  }

  private static long treeSize(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
