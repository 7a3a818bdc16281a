package io.regsurv.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.cli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

  @Test
  void helpDocumentsScaleCadenceFormatsDirtAndSeed() {
    Cli r = Cli.run("generate", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: regsurv generate", "--scale", "--firms", "--cadence", "--format", "--encoding",
        "--gzip", "--dirt-rate", "--seed", "--parts", "--[no-]truth", "demo  50,000 firms");
  }

  @Test
  void badArgumentsAreOneLineAndExitTwo(@TempDir Path dir) {
    String[][] cases = {
      {"--firms", "0"}, {"--dirt-rate", "0.9"}, {"--format", "xml"}, {"--encoding", "latin1"},
      {"--snapshots", "2024-02-30"}, {"--from", "2024-05-31", "--to", "2024-01-31"}, {"--scale", "huge"}
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 3];
      args[0] = "generate";
      args[1] = "--out";
      args[2] = dir.toString();
      System.arraycopy(c, 0, args, 3, c.length);
      Cli r = Cli.run(args);
      assertThat(r.exitCode()).as(String.join(" ", c)).isEqualTo(2);
      assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
      assertThat(r.lastErrLine()).startsWith("regsurv generate: error: Cannot generate:");
    }
    Cli missing = Cli.run("generate");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.lastErrLine()).contains("--out");
  }

  @Test
  void fromToCadenceGivesMonthEndsPlusTheFinalDay(@TempDir Path dir) {
    Cli r = Cli.run("generate", "--out", dir.toString(), "--firms", "200", "--from", "2024-01-31", "--to", "2024-04-15", "--no-truth");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("200 firms, 4 snapshots (2024-01-31 .. 2024-04-15)");
    assertThat(dir.resolve("dt=2024-02-29/part-00000.csv")).exists();
    assertThat(dir.resolve("dt=2024-04-15/part-00000.csv")).exists();
    assertThat(dir.resolve("truth")).doesNotExist();
  }

  @Test
  void fullPresetIsTwentySnapshotsOfAboutTwoPointThreeMillionFirms() {
    assertThat(FirmModel.FULL_SCALE_FIRMS).isBetween(2_250_000L, 2_350_000L);
    var dates = SnapshotDates.FULL;
    assertThat(dates).hasSize(20);
    assertThat(dates.get(0)).hasToString("2023-01-31");
    assertThat(dates.get(18)).hasToString("2024-07-31");
    assertThat(dates.get(19)).hasToString("2024-08-07");
  }
}
