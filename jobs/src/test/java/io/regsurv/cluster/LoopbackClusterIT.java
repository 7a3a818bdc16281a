package io.regsurv.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.ChildJvms;
import io.regsurv.ItWarehouse;
import io.regsurv.SharedSpark;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar that runs on a laptop runs unchanged on a real cluster: a Spark standalone Master and two
 * Workers (each its own JVM on 127.0.0.1, started by {@code bin/regsurv-cluster}), the shaded jar
 * submitted with SparkSubmit in client mode, executors in JVMs of their own. The registry the
 * cluster generates is byte for byte the integration tests' registry ({@link ItWarehouse}), and the
 * gold tables of the cluster run equal those of its {@code local[*]} run, row for row (doubles to 9
 * decimals, see {@link #comparable}).
 *
 * <p>Every JVM the script started is stopped in {@code finally} and, should the test JVM itself be
 * killed, by a shutdown hook.
 */
class LoopbackClusterIT {
  static final long TIMEOUT_MINUTES = 40;

  /** "Started daemon with process name: 12345@host", logged by every executor JVM at start. */
  static final Pattern EXECUTOR_PID = Pattern.compile("Started daemon with process name: (\\d+)@");

  final Path project = ItWarehouse.project();
  final Path script = project.resolve("bin/regsurv-cluster");
  final Path state = project.resolve("target/cluster-it");
  final Path logs = project.resolve("target/cluster-it-logs");

  @Test
  void thePipelineOnALoopbackClusterWritesTheSameGoldTablesAsLocal(@TempDir Path dir) throws Exception {
    Path registry = dir.resolve("registry");
    String clusterWh = dir.resolve("wh-cluster").toString();
    Files.createDirectories(logs);
    Thread stopper = new Thread(this::stopCluster, "regsurv-cluster-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    List<Long> clusterPids = new ArrayList<>();
    try {
      Result start = script("start", "--workers", "2", "--cores", "1", "--memory", "1g");
      assertThat(start.code()).as(start.output()).isZero();
      assertThat(start.output().strip()).matches("(?s).*spark://127\\.0\\.0\\.1:\\d+");
      clusterPids.addAll(recordedPids());
      assertThat(clusterPids).hasSize(3);

      // The generator writes from the driver; ingest reads the files inside tasks on the executors.
      List<String> generate = new ArrayList<>(List.of("submit", "--", "generate", "--out", registry.toString()));
      generate.addAll(ItWarehouse.generateOptions());
      Result gen = script(generate.toArray(String[]::new));
      assertThat(gen.code()).as(gen.output()).isZero();
      // The same pipeline, same data, one JVM: Spark local[*] through the ordinary launcher (shared with NotebooksIT).
      ItWarehouse.Made local = ItWarehouse.get();
      assertSameFiles(registry, local.registry());

      long t0 = System.nanoTime();
      Result cluster = script("submit", "--", "run", "--warehouse", clusterWh, "--backfill", registry.toString());
      double clusterSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(cluster.code()).as(cluster.output()).isZero();

      // Executors ran the tasks, each in a JVM that is neither the driver (SparkSubmit) nor this one.
      Map<Path, Long> executors = executorsThatRanTasks();
      assertThat(executors).as("executor work dirs with finished tasks under %s", state.resolve("work")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(executors.values()).doesNotContain(cluster.pid(), gen.pid(), ProcessHandle.current().pid()).doesNotHaveDuplicates();
      clusterPids.addAll(executors.values());

      String timing = String.format(Locale.ROOT,
          "regsurv run --backfill (%s firms, %d snapshots): loopback cluster (2 workers x 1 core, SparkSubmit client mode) %.1f s, local[*] %.1f s%n",
          ItWarehouse.FIRMS, ItWarehouse.SNAPSHOTS.size(), clusterSeconds, local.seconds());
      System.out.print(timing);
      Files.writeString(logs.resolve("timing.txt"), timing, StandardCharsets.UTF_8);

      Warehouse a = new Warehouse(SharedSpark.spark(), clusterWh);
      Warehouse b = new Warehouse(SharedSpark.spark(), local.warehouse().toString());
      List<String> gold = Tables.ALL.stream().filter(t -> t.startsWith("gold.")).toList();
      assertThat(gold).hasSize(9);
      for (String table : gold) {
        if (COX_TABLES.contains(table)) {
          assertCloseRows(table, a.read(table).collectAsList(), b.read(table).collectAsList());
          continue;
        }
        Dataset<Row> fromCluster = comparable(a.read(table));
        Dataset<Row> fromLocal = comparable(b.read(table));
        long rows = fromLocal.count();
        assertThat(fromCluster.count()).as("%s rows", table).isEqualTo(rows);
        assertThat(fromCluster.exceptAll(fromLocal).limit(5).collectAsList()).as("%s rows only in the cluster run", table).isEmpty();
        assertThat(fromLocal.exceptAll(fromCluster).limit(5).collectAsList()).as("%s rows only in the local run", table).isEmpty();
      }
      // Not vacuous: the headline tables hold data.
      assertThat(b.read(Tables.SURVIVAL_CURVE).count()).isPositive();
      assertThat(b.read(Tables.REGISTRY_KPI).count()).isPositive();
    } finally {
      stopCluster();
      Runtime.getRuntime().removeShutdownHook(stopper);
    }
    // Every JVM the cluster started (Master, Workers, executors) is gone.
    for (long pid : clusterPids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("JVM %d still alive after stop", pid).isFalse();
    }
  }

  /**
   * Every column exactly, except doubles, rounded to 9 decimals: a sum of doubles depends on the
   * order Spark adds the partial sums in, which depends on the partitioning (4 shuffle partitions
   * on the cluster, 8 in local[*] on 2 cores). A run showed gold.cohort_comparison's log-rank
   * expected counts and chi-square differing between the two runs in the last bits, while the
   * survival curves, cumulative incidence and cohort summaries were equal bit for bit.
   */
  static Dataset<Row> comparable(Dataset<Row> table) {
    List<Column> columns = new ArrayList<>();
    for (StructField f : table.schema().fields()) {
      columns.add(f.dataType().equals(DataTypes.DoubleType) ? functions.round(functions.col(f.name()), 9).as(f.name()) : functions.col(f.name()));
    }
    return table.select(columns.toArray(Column[]::new));
  }

  /**
   * The Cox model's tables: Newton–Raphson sums over differently partitioned cells differ in the
   * last bits, and the log-likelihood (thousands) carries them into the 9th decimal, so these few
   * rows are compared with a relative tolerance instead of rounding.
   */
  static final List<String> COX_TABLES = List.of(Tables.HAZARD_RATIO, Tables.COX_FIT);

  static void assertCloseRows(String table, List<Row> cluster, List<Row> local) {
    assertThat(cluster).as("%s rows", table).hasSameSizeAs(local);
    List<Row> x = sortedByText(cluster);
    List<Row> y = sortedByText(local);
    for (int i = 0; i < x.size(); i++) {
      for (int j = 0; j < x.get(i).size(); j++) {
        Object u = x.get(i).get(j);
        Object v = y.get(i).get(j);
        String where = table + " row " + i + " column " + x.get(i).schema().fields()[j].name();
        if (u instanceof Double du && v instanceof Double dv && !du.equals(dv)) {
          assertThat(Math.abs(du - dv)).as(where + ": " + du + " vs " + dv).isLessThanOrEqualTo(1e-9 * Math.max(1e-3, Math.max(Math.abs(du), Math.abs(dv))));
        } else if (!(u instanceof Double)) {
          assertThat(u).as(where).isEqualTo(v);
        }
      }
    }
  }

  /** Rows in the order of their non-double fields (the keys: as-of date, term). */
  private static List<Row> sortedByText(List<Row> rows) {
    return rows.stream().sorted(java.util.Comparator.comparing((Row r) -> {
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        if (!(r.get(i) instanceof Double)) {
          key.append(r.get(i)).append('\u0001');
        }
      }
      return key.toString();
    })).toList();
  }

  /** The same relative paths, each file with the same bytes. */
  static void assertSameFiles(Path a, Path b) throws IOException {
    Map<String, byte[]> x = files(a);
    Map<String, byte[]> y = files(b);
    assertThat(x.keySet()).as("files generated on the cluster (%s) and locally (%s)", a, b).isNotEmpty().isEqualTo(y.keySet());
    for (String f : x.keySet()) {
      assertThat(x.get(f)).as("%s generated on the cluster and locally", f).isEqualTo(y.get(f));
    }
  }

  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return out;
  }

  record Result(int code, String output, long pid) {}

  private Result script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    // A submit's driver and executors run small tasks for a few minutes: C1 alone (ChildJvms).
    Map<String, String> env = "submit".equals(args[0]) ? Map.of("REGSURV_JAVA_OPTS", ChildJvms.SHORT_RUN_JIT) : Map.of();
    return run(command, env, "cluster-" + args[0] + ("submit".equals(args[0]) ? "-" + args[2] : ""));
  }

  private Result run(List<String> command, Map<String, String> env, String logName) throws IOException, InterruptedException {
    Path log = logs.resolve(logName + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile());
    pb.environment().put("REGSURV_CLUSTER_DIR", state.toString());
    pb.environment().putAll(env);
    Process p = ChildJvms.runToLog(pb, log, TIMEOUT_MINUTES);
    // submit execs java: the script's PID is the driver's.
    return new Result(p.exitValue(), ChildJvms.tail(Files.readString(log, StandardCharsets.UTF_8)), p.pid());
  }

  private List<Long> recordedPids() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> files = Files.list(state)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".pid")).toList()) {
        pids.add(Long.parseLong(Files.readString(f).strip()));
      }
    }
    return pids;
  }

  /** Executor work dirs (work/APP/N) whose executor finished at least one task, with the executor's PID. */
  private Map<Path, Long> executorsThatRanTasks() throws IOException {
    Map<Path, Long> found = new TreeMap<>();
    try (Stream<Path> files = Files.walk(state.resolve("work"), 3)) {
      for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        String log = Files.readString(stderr, StandardCharsets.UTF_8);
        Matcher m = EXECUTOR_PID.matcher(log);
        if (m.find() && log.contains("Finished task")) {
          found.put(stderr.getParent(), Long.parseLong(m.group(1)));
        }
      }
    }
    return found;
  }

  private void stopCluster() {
    try {
      ProcessBuilder pb = new ProcessBuilder(script.toString(), "stop").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("REGSURV_CLUSTER_DIR", state.toString());
      pb.start().waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
