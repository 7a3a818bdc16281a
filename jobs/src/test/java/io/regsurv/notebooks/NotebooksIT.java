package io.regsurv.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.regsurv.ItWarehouse;
import io.regsurv.cli.Cli;
import io.regsurv.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the three notebooks headless ({@code jupyter nbconvert --execute}) against a copy of the
 * integration tests' small warehouse ({@link ItWarehouse}), reported with the published figures
 * scaled to it: each must run without error and draw its figures. The
 * notebooks start their own JVM (JPype) with target/regsurv.jar and target/classpath.txt, hence an
 * integration test (failsafe, after packaging).
 */
class NotebooksIT {
  static final Path JUPYTER = Path.of("/usr/bin/jupyter");
  /** Notebook → the figures it draws at least. */
  static final Map<String, Integer> NOTEBOOKS = Map.of("survival_curves", 2, "exit_causes", 1, "registry_overview", 3);
  /** The figures the notebooks save for the README when REGSURV_FIGURES names a folder (bin/docs-figures). */
  static final List<String> README_FIGURES = List.of("km_by_establishment_year", "cumulative_incidence_by_era", "headline_vs_published");

  @Test
  void everyNotebookRunsHeadlessAndDrawsItsFigures(@TempDir Path dir) throws Exception {
    io.regsurv.Prerequisite.require(Files.isExecutable(JUPYTER), "/usr/bin/jupyter is absent: run bin/setup (Debian's jupyter-nbconvert) to test the notebooks");
    Path project = ItWarehouse.project();
    assertThat(project.resolve("target/regsurv.jar")).as("the thin jar the notebooks load").exists();

    // The integration tests' shared warehouse (ItWarehouse), copied: the report below writes to it.
    ItWarehouse.Made made = ItWarehouse.get();
    long t1 = System.nanoTime();
    String wh = dir.resolve("wh").toString();
    ItWarehouse.copyWarehouse(Path.of(wh));
    // Beside the published figures, counts scaled to these 3,000 firms, as bin/regsurv demo stores them (the README's chart).
    ok(Cli.run("report", "--warehouse", wh, "--force", "--compare", "always", "--published-scale",
        String.valueOf(Integer.parseInt(ItWarehouse.FIRMS) / 2_287_100.0)));

    long t2 = System.nanoTime();
    Path out = dir.resolve("executed");
    List<String> command = new ArrayList<>(List.of(JUPYTER.toString(), "nbconvert", "--to", "notebook", "--execute",
        "--ExecutePreprocessor.timeout=600", "--output-dir", out.toString()));
    for (String name : NOTEBOOKS.keySet()) {
      command.add(project.resolve("notebooks/" + name + ".ipynb").toString());
    }
    Path log = dir.resolve("nbconvert.log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("REGSURV_WAREHOUSE", wh);
    // Each notebook's kernel starts a JVM for a few small queries.
    pb.environment().put("REGSURV_JAVA_OPTS", io.regsurv.ChildJvms.SHORT_RUN_JIT);
    Path readme = dir.resolve("readme-figures");
    pb.environment().put("REGSURV_FIGURES", readme.toString());
    Process p = pb.start();
    boolean finished = p.waitFor(20, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    System.out.printf(java.util.Locale.ROOT, "notebooks: the shared warehouse's run --backfill %.1f s (once per JVM), copied and reported in %.1f s, %d notebooks executed in %.1f s%n",
        made.seconds(), (t2 - t1) / 1e9, NOTEBOOKS.size(), (System.nanoTime() - t2) / 1e9);
    assertThat(finished).as("nbconvert finished within 20 minutes: %s", output).isTrue();
    assertThat(p.exitValue()).as("nbconvert's exit code; its output:\n%s", output).isZero();

    Path figures = Path.of(System.getProperty("regsurv.notebook.figures", project.resolve("target/notebook-figures").toString()));
    Files.createDirectories(figures);
    for (Map.Entry<String, Integer> nb : NOTEBOOKS.entrySet()) {
      JsonNode executed = Json.MAPPER.readTree(out.resolve(nb.getKey() + ".ipynb").toFile());
      List<String> pngs = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      for (JsonNode cell : executed.get("cells")) {
        for (JsonNode o : cell.path("outputs")) {
          if (o.path("data").has("image/png")) {
            pngs.add(o.get("data").get("image/png").asText());
          }
          if ("error".equals(o.path("output_type").asText()) || "stderr".equals(o.path("name").asText()) && o.path("text").asText().contains("Traceback")) {
            errors.add(o.toString());
          }
        }
      }
      assertThat(errors).as("errors in %s", nb.getKey()).isEmpty();
      assertThat(pngs).as("figures drawn by %s", nb.getKey()).hasSizeGreaterThanOrEqualTo(nb.getValue());
      // Kept for a person to look at (target/notebook-figures/<notebook>-<n>.png).
      for (int i = 0; i < pngs.size(); i++) {
        byte[] png = Base64.getMimeDecoder().decode(pngs.get(i));
        assertThat(png).as("a PNG").startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.write(figures.resolve(nb.getKey() + "-" + (i + 1) + ".png"), png);
      }
    }
    for (String name : README_FIGURES) {
      Path png = readme.resolve(name + ".png");
      assertThat(png).as("the README's figure saved by the notebooks").exists();
      assertThat(Files.readAllBytes(png)).as("a PNG").startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }
  }

  private static void ok(Cli r) throws IOException {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }
}
