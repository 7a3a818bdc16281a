package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  void helpListsEverySubcommandAndExitsZero() {
    Cli r = Cli.run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: regsurv", "sql", "Exit codes");
  }

  @Test
  void helpSummarisesEveryCommandInOneWholeSentence() {
    Cli r = Cli.run("--help");
    assertThat(r.exitCode()).isZero();
    // The command list: "  name   text", continuation lines indented further.
    String list = r.out().substring(r.out().indexOf("Commands:\n") + "Commands:\n".length());
    java.util.Map<String, String> summaries = new java.util.LinkedHashMap<>();
    String current = null;
    for (String line : list.split("\n")) {
      java.util.regex.Matcher entry = java.util.regex.Pattern.compile("^  (\\S+)\\s+(.*)$").matcher(line);
      if (entry.matches()) {
        current = entry.group(1);
        summaries.put(current, entry.group(2).strip());
      } else if (current != null && line.startsWith("    ")) {
        summaries.merge(current, line.strip(), (a, b) -> a + " " + b);
      }
    }
    java.util.List<String> visible = Main.commandLine().getSubcommands().entrySet().stream()
        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey).toList();
    assertThat(summaries.keySet()).containsExactlyElementsOf(visible);
    summaries.forEach((name, summary) -> {
      assertThat(summary).as(name).endsWith(".").doesNotContain(": .").hasSizeGreaterThan(30);
      assertThat(summary.substring(0, summary.length() - 1)).as(name + ": one sentence").doesNotContainPattern("[.!?] ");
    });
    assertThat(summaries.get("demo")).endsWith("ingest every snapshot, classify, survival, report.");
  }

  @Test
  void firstSentenceJoinsWrappedLinesAndStopsAtTheFirstFullStop() {
    assertThat(Main.firstSentence(new String[] {"Compute from silver.firm, per cohort (a.b):", "curves and tests. More here."}))
        .isEqualTo("Compute from silver.firm, per cohort (a.b): curves and tests.");
    assertThat(Main.firstSentence(new String[] {"No full stop at all"})).isEqualTo("No full stop at all");
  }

  @Test
  void eachSubcommandHasHelp() {
    for (String sub : Main.commandLine().getSubcommands().keySet()) {
      if (sub.equals("help")) {
        continue;
      }
      Cli r = Cli.run(sub, "--help");
      assertThat(r.exitCode()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage: regsurv " + sub);
    }
  }

  @Test
  void unknownOptionIsOneLineAndExitTwo() {
    Cli r = Cli.run("sql", "--bogus", "SELECT 1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.lastErrLine()).contains("regsurv sql: error:", "--bogus", "--help");
  }

  @Test
  void noSubcommandIsAUsageError() {
    Cli r = Cli.run();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.lastErrLine()).contains("Missing command");
  }

  @Test
  void versionComesFromTheBuild() {
    Cli r = Cli.run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("regsurv 0.1.0", "Spark 4.1", "Delta 4.3");
  }

  @Test
  void sqlQueriesTheCatalogInEveryFormat(@TempDir Path dir) {
    String wh = dir.resolve("wh").toString();
    new Warehouse(SharedSpark.spark(), wh).ensure(Tables.JOB_RUN);
    SharedSpark.spark()
        .sql("INSERT INTO ops.job_run (run_id, stage, started_at, status, message) VALUES"
            + " ('r1', 'ingest', TIMESTAMP'2024-08-01 10:00:00', 'succeeded', '注销, \"quoted\"')");

    Cli table = Cli.run("sql", "--warehouse", wh, "SELECT run_id, stage, message FROM ops.job_run");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("run_id | stage  | message", "r1     | ingest | 注销, \"quoted\"", "(1 row)");

    Cli csv = Cli.run("sql", "--warehouse", wh, "--format", "csv", "SELECT run_id, message FROM ops.job_run");
    assertThat(csv.out()).isEqualTo("run_id,message\nr1,\"注销, \"\"quoted\"\"\"\n");

    Cli json = Cli.run("sql", "--warehouse", wh, "--format", "json", "SELECT run_id, started_at FROM ops.job_run");
    assertThat(json.out().strip()).isEqualTo("{\"run_id\":\"r1\",\"started_at\":\"2024-08-01 10:00:00.0\"}");
  }

  @Test
  void badSqlIsOneLineAndExitTwo(@TempDir Path dir) {
    Cli r = Cli.run("sql", "--warehouse", dir.toString(), "SELEC nonsense");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.lastErrLine()).startsWith("regsurv sql: error:");
    assertThat(r.err()).doesNotContain("\tat ");
  }
}
