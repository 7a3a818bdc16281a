package io.regsurv.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real child JVMs running {@code io.regsurv.cli.Main}: killed with SIGKILL in the middle of a
 * Delta write (ingest, then classify), and run side by side on one warehouse. Each child costs
 * a Spark start-up, so the data are small and the children few.
 */
class CrashAndConcurrencyTest {
  static final List<String> SNAPSHOTS = List.of("2024-03-31", "2024-04-30", "2024-05-31");

  @Test
  void sigkillMidWriteThenRerunEqualsAnUninterruptedRunAndConcurrentIngestsDoNotCorrupt(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("registry");
    Laps laps = new Laps();
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "4000", "--snapshots", String.join(",", SNAPSHOTS), "--no-truth");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    String crashed = dir.resolve("crashed").toString();
    String reference = dir.resolve("reference").toString();
    Warehouse crashedWh = new Warehouse(SharedSpark.spark(), crashed);
    Warehouse referenceWh = new Warehouse(SharedSpark.spark(), reference);
    // Many small files (4 of 1,000 rows, written one after another on one core) make the write long
    // enough to be caught in the middle. One explicit salt for
    // both warehouses: otherwise each hashes names with its own, and their rows differ by design.
    String[] small = {"--set", "ingest.targetFileRows=1000", "--set", "privacy.salt=crash-test-salt"};
    String first = SNAPSHOTS.get(0);
    String firstDir = data.resolve("dt=" + first).toString();
    laps.lap("generate");

    // 1. Ingest killed once its first data file of bronze.registry_snapshot is on disk, before its commit.
    boolean midWrite = killWhenDataFileAppears(dir, crashedWh, Tables.REGISTRY_SNAPSHOT,
        concat(new String[] {"ingest", "--warehouse", crashed, "--snapshot-date", first, firstDir}, small), SLOW_WRITE);
    assertThat(midWrite).as("the child was killed before bronze.registry_snapshot committed").isTrue();
    assertReadable(crashedWh);
    // Killed before it could record anything: no succeeded run, so the rerun must not skip.
    assertThat(crashedWh.exists(Tables.JOB_RUN) ? crashedWh.read(Tables.JOB_RUN).filter("stage = 'ingest' AND status = 'succeeded'").count() : 0L).isZero();
    laps.lap("ingest killed");

    Cli rerun = Cli.run(concat(new String[] {"ingest", "--warehouse", crashed, "--snapshot-date", first, firstDir}, small));
    assertThat(rerun.exitCode()).as(rerun.err()).isZero();
    assertThat(rerun.out()).doesNotContain("skipped");
    Cli ref = Cli.run(concat(new String[] {"ingest", "--warehouse", reference, "--snapshot-date", first, firstDir}, small));
    assertThat(ref.exitCode()).as(ref.err()).isZero();
    assertSameRows(crashedWh, referenceWh, Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE);
    laps.lap("ingest rerun and reference");

    // 2. Classify killed while writing silver.firm; the rerun recomputes (the watermark does not match).
    // The child shuffles into many partitions on one core, so that silver.firm's overwrite writes many
    // small files one after another: the kill lands after the first file and before the commit.
    boolean classifyMidWrite = killWhenDataFileAppears(dir, crashedWh, Tables.FIRM, new String[] {"classify", "--warehouse", crashed},
        SLOW_WRITE);
    assertThat(classifyMidWrite).as("classify was killed after its first silver.firm data file, before silver.firm committed").isTrue();
    assertThat(dataFiles(Path.of(java.net.URI.create(crashedWh.location(Tables.FIRM))))).as("uncommitted silver.firm files left by the kill")
        .isNotEmpty();
    assertThat(crashedWh.exists(Tables.CLASSIFY_WATERMARK) ? crashedWh.read(Tables.CLASSIFY_WATERMARK).count() : 0L)
        .as("no classify watermark recorded by the killed run").isZero();
    assertReadable(crashedWh);
    laps.lap("classify killed");
    Cli classify = Cli.run("classify", "--warehouse", crashed);
    assertThat(classify.exitCode()).as(classify.err()).isZero();
    assertThat(Cli.run("classify", "--warehouse", reference).exitCode()).isZero();
    assertSameRows(crashedWh, referenceWh, Tables.FIRM, Tables.STATUS_HISTORY, Tables.STATUS_EVENT);
    laps.lap("classify rerun and reference");

    // 3. Three ingests at once: two dates, one of them twice (the same-stage same-date case).
    String second = SNAPSHOTS.get(1);
    String third = SNAPSHOTS.get(2);
    List<Process> children = new ArrayList<>();
    List<String> dates = List.of(second, third, third);
    for (String d : dates) {
      children.add(child(dir, concat(new String[] {"ingest", "--warehouse", crashed, "--snapshot-date", d, data.resolve("dt=" + d).toString()}, small)));
    }
    long[] accepted = new long[dates.size()];
    boolean[] succeeded = new boolean[dates.size()];
    for (int i = 0; i < children.size(); i++) {
      Process p = children.get(i);
      // Generous: three JVMs at once on a shared 2-core machine took over 10 minutes under a load of 30.
      assertThat(p.waitFor(30, TimeUnit.MINUTES)).as("concurrent ingest %s finished", dates.get(i)).isTrue();
      String out = Files.readString(outputs(p)[0]);
      String err = Files.readString(outputs(p)[1]);
      String last = err.isBlank() ? "" : err.strip().lines().reduce((a, b) -> b).orElse("");
      System.out.println("concurrent ingest " + dates.get(i) + ": exit " + p.exitValue() + (p.exitValue() == 0 ? "" : ": " + last));
      if (p.exitValue() == 0) {
        succeeded[i] = true;
        Matcher m = Pattern.compile("accepted (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        accepted[i] = Long.parseLong(m.group(1));
      } else {
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(last).startsWith("regsurv ingest: failed: ").contains("retry");
      }
    }
    assertReadable(crashedWh);
    assertThat(succeeded[0] || succeeded[1] || succeeded[2]).isTrue();
    for (int i = 0; i < dates.size(); i++) {
      long held = crashedWh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'" + dates.get(i) + "'").count();
      if (succeeded[i]) {
        // Exactly one copy of the date, whichever of its runs committed last.
        assertThat(held).as(dates.get(i)).isEqualTo(accepted[i]);
      } else if (!succeeded[1] && !succeeded[2] && i > 0) {
        assertThat(held).as(dates.get(i) + " (no run succeeded)").isZero();
      }
    }
    assertThat(crashedWh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'" + first + "'").count())
        .isEqualTo(referenceWh.read(Tables.REGISTRY_SNAPSHOT).count());
    laps.lap("concurrent ingests");
  }

  /** Prints each step's seconds: where this test's minutes go. */
  private static final class Laps {
    private long last = System.nanoTime();

    void lap(String step) {
      long now = System.nanoTime();
      System.out.printf(java.util.Locale.ROOT, "crash test: %s %.1f s%n", step, (now - last) / 1e9);
      last = now;
    }
  }

  /**
   * Starts the command in a child JVM, waits for the first data file of {@code table} (a Parquet
   * file outside _delta_log), SIGKILLs the child, and says whether the table's committed rows are
   * still those from before (the kill came before the commit).
   */
  private static boolean killWhenDataFileAppears(Path dir, Warehouse wh, String table, String[] args) throws Exception {
    return killWhenDataFileAppears(dir, wh, table, args, List.of());
  }

  /**
   * Spark settings (as the child's system properties) that stretch a write over many small files
   * written one after another: 64 shuffle partitions kept as they are (no adaptive coalescing), and
   * one core for local[*] (spark.master itself is left alone: giving it would drop the local defaults).
   */
  static final List<String> SLOW_WRITE =
      List.of("-XX:ActiveProcessorCount=1", "-Dspark.sql.shuffle.partitions=64", "-Dspark.sql.adaptive.enabled=false");

  private static boolean killWhenDataFileAppears(Path dir, Warehouse wh, String table, String[] args, List<String> jvmOptions) throws Exception {
    long before = wh.exists(table) ? wh.read(table).count() : 0;
    Path tableDir = Path.of(java.net.URI.create(wh.location(table)));
    List<Path> existing = dataFiles(tableDir);
    Process p = child(dir, args, jvmOptions);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (p.isAlive() && System.nanoTime() < deadline && dataFiles(tableDir).size() <= existing.size()) {
      Thread.sleep(10);
    }
    if (!p.isAlive()) {
      throw new AssertionError("the child ended (exit " + p.exitValue() + ") before a data file appeared: " + Files.readString(outputs(p)[1]));
    }
    p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no cleanup
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    // The child may have created the (empty) table before writing: what counts is the rows committed.
    return (wh.exists(table) ? wh.read(table).count() : 0) == before;
  }

  private static List<Path> dataFiles(Path tableDir) throws IOException {
    if (!Files.isDirectory(tableDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(tableDir)) {
      return files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log")).toList();
    }
  }

  /** {@code java <Spark's JVM flags> -cp <this JVM's class path> io.regsurv.cli.Main args}; output in {@link #outputs}. */
  private static Process child(Path dir, String[] args) throws IOException {
    return child(dir, args, List.of());
  }

  private static Process child(Path dir, String[] args, List<String> jvmOptions) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(io.regsurv.ChildJvms.SHORT_RUN_JIT_FLAGS);
    cmd.addAll(io.regsurv.ChildJvms.NO_CODEGEN);
    try (InputStream in = CrashAndConcurrencyTest.class.getClassLoader().getResourceAsStream("regsurv/jvm-options.txt")) {
      assertThat(in).as("target/classes/regsurv/jvm-options.txt (written by the build)").isNotNull();
      cmd.addAll(Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")));
    }
    cmd.add("-Dlog4j2.configurationFile=regsurv/log4j2.properties");
    cmd.add("-Duser.timezone=UTC");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.regsurv.cli.Main");
    cmd.addAll(Arrays.asList(args));
    // To files, not pipes: Spark's warnings could fill a pipe nobody drains and stall the child.
    Path out = Files.createTempFile(dir, "child", ".out");
    Path err = Files.createTempFile(dir, "child", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    OUTPUTS.put(p, new Path[] {out, err});
    return p;
  }

  private static final java.util.Map<Process, Path[]> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

  /** stdout and stderr files of a child. */
  private static Path[] outputs(Process p) {
    return OUTPUTS.get(p);
  }

  private static void assertReadable(Warehouse wh) {
    for (String t : Tables.ALL) {
      if (wh.exists(t)) {
        assertThat(wh.read(t).count()).as(t + " readable").isGreaterThanOrEqualTo(0);
      }
    }
  }

  /** Row-for-row equality both ways (EXCEPT ALL), leaving out the run ids that differ by design. */
  private static void assertSameRows(Warehouse a, Warehouse b, String... tables) {
    for (String t : tables) {
      Dataset<Row> x = withoutRunIds(a.read(t));
      Dataset<Row> y = withoutRunIds(b.read(t));
      assertThat(x.count()).as(t).isEqualTo(y.count()).isPositive();
      assertThat(x.exceptAll(y).count()).as(t + " rows only in the killed-and-rerun warehouse").isZero();
      assertThat(y.exceptAll(x).count()).as(t + " rows only in the uninterrupted warehouse").isZero();
    }
  }

  private static Dataset<Row> withoutRunIds(Dataset<Row> rows) {
    String[] drop = Arrays.stream(rows.columns()).filter(c -> c.endsWith("run_id") || c.endsWith("_version")).toArray(String[]::new);
    return rows.drop(drop);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
