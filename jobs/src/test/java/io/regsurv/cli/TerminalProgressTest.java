package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.cli.TerminalProgress.SparkState;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
  @Test
  void showsTasksDoneOfTheTotalWithABarAndTheElapsedTime() {
    String line = TerminalProgress.render("ingest --snapshot-date 2024-06-30", 83.9, new SparkState(1, 14, 30, 80, 2, 3), 100);
    assertThat(line).isEqualTo("ingest --snapshot-date 2024-06-30  1:23  [####--------] 30/80 tasks (stage 14)");
  }

  @Test
  void sumsTheTasksOfStagesRunningAtOnceAndNamesTheLatest() {
    String line = TerminalProgress.render("survival", 5, new SparkState(3, 22, 40, 40, 0, 9), 100);
    assertThat(line).isEqualTo("survival  0:05  [############] 40/40 tasks (stage 22+2)");
  }

  @Test
  void betweenSparkStagesCountsTheStagesThisStageHasRun() {
    assertThat(TerminalProgress.render("classify", 12, new SparkState(0, -1, 0, 0, 0, 7), 100)).isEqualTo("classify  0:12  7 Spark stages done");
    assertThat(TerminalProgress.render("classify", 3, new SparkState(0, -1, 0, 0, 0, 1), 100)).isEqualTo("classify  0:03  1 Spark stage done");
  }

  @Test
  void workOutsideSparkShowsItsOwnCountOfTheTotal() {
    assertThat(TerminalProgress.render("generate --out demo-data", 7.2, 3, 7, "files", 100))
        .isEqualTo("generate --out demo-data  0:07  [#####-------] 3/7 files");
    assertThat(TerminalProgress.render("generate --out demo-data", 0, 0, 0, "files", 100))
        .isEqualTo("generate --out demo-data  0:00  [------------] 0/0 files");
  }

  @Test
  void neverWrapsOnANarrowTerminal() {
    String line = TerminalProgress.render("ingest --snapshot-date 2024-06-30", 83, new SparkState(1, 14, 30, 80, 2, 3), 50);
    assertThat(line).hasSize(49).startsWith("ingest --snapshot-date 2024-06-30  1:23  [").endsWith("…");
  }

  @Test
  void isNotShownWhenOutputIsNotATerminal() {
    // Surefire's forked JVM talks to Maven through pipes, as cron and CI do: no console, so the CLI attaches no progress line
    // (the CLI tests' captured output is the same as before it existed).
    assertThat(System.console()).isNull();
    assertThat(TerminalProgress.wanted()).isFalse();
  }
}
