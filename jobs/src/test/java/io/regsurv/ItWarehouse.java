package io.regsurv;

import io.regsurv.cli.Cli;
import io.regsurv.io.LocalTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The integration tests' one generated registry (3,000 firms, 3 snapshots, 1 % dirty rows) and the
 * warehouse that {@code bin/regsurv run --backfill} makes of it in a JVM of its own (Spark
 * {@code local[*]} with code generation: the production path). Made once per JVM and shared:
 * LoopbackClusterIT compares the cluster's gold tables with it, NotebooksIT runs the notebooks on a
 * copy. Failsafe runs the {@code *IT} classes in one JVM (pom {@code it.forks}), so the pipeline
 * runs once for both; it was the largest piece of work either test did on its own.
 *
 * <p>Kept under {@code target/it-warehouse/} (made afresh by each JVM) for a person to look at.
 */
public final class ItWarehouse {
  public static final List<String> SNAPSHOTS = List.of("2023-06-30", "2023-12-31", "2024-06-30");
  public static final String FIRMS = "3000";
  public static final String DIRT_RATE = "0.01";
  static final long TIMEOUT_MINUTES = 40;

  /**
   * @param registry the generated snapshot folders ({@code dt=YYYY-MM-DD/})
   * @param warehouse the warehouse {@code run --backfill} made of them
   * @param seconds how long that run took
   */
  public record Made(Path registry, Path warehouse, double seconds) {}

  private static Made made;
  /** A failed make, given to every later caller: a second run would overwrite the first's log, and fail alike. */
  private static AssertionError failed;

  private ItWarehouse() {}

  /** The project root (Surefire and Failsafe set regsurv.project.dir). */
  public static Path project() {
    return Path.of(System.getProperty("regsurv.project.dir", ".")).toAbsolutePath();
  }

  /** The generate arguments after {@code --out DIR}: the same seed and options give byte-identical files. */
  public static List<String> generateOptions() {
    return List.of("--firms", FIRMS, "--snapshots", String.join(",", SNAPSHOTS), "--dirt-rate", DIRT_RATE);
  }

  public static synchronized Made get() throws IOException, InterruptedException {
    if (failed != null) {
      throw failed;
    }
    if (made == null) {
      try {
        made = make(project().resolve("target/it-warehouse"));
      } catch (AssertionError e) {
        failed = e;
        throw e;
      }
    }
    return made;
  }

  private static Made make(Path root) throws IOException, InterruptedException {
    LocalTrees.delete(root);
    Path registry = root.resolve("registry");
    Path warehouse = root.resolve("warehouse");
    Files.createDirectories(root);
    List<String> generate = new java.util.ArrayList<>(List.of("generate", "--out", registry.toString()));
    generate.addAll(generateOptions());
    Cli gen = Cli.run(generate.toArray(String[]::new));
    if (gen.exitCode() != 0) {
      throw new AssertionError("generate failed: " + gen.err());
    }
    Path log = root.resolve("local-run.log");
    ProcessBuilder pb = new ProcessBuilder(project().resolve("bin/regsurv").toString(), "run", "--warehouse", warehouse.toString(),
        "--backfill", registry.toString()).directory(project().toFile());
    pb.environment().put("REGSURV_JAVA_OPTS", "-Xmx2g " + ChildJvms.SHORT_RUN_JIT);
    long t0 = System.nanoTime();
    Process p = ChildJvms.runToLog(pb, log, TIMEOUT_MINUTES);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new AssertionError("bin/regsurv run --backfill exited " + p.exitValue() + "; from " + log + ":\n"
          + ChildJvms.failure(Files.readString(log, StandardCharsets.UTF_8)));
    }
    return new Made(registry, warehouse, seconds);
  }

  /** A copy of the warehouse for a test that writes to it (the shared one stays as the run left it). */
  public static void copyWarehouse(Path to) throws IOException, InterruptedException {
    LocalTrees.copy(get().warehouse(), to);
  }
}
