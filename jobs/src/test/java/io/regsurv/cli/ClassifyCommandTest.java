package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code regsurv classify} from the command line: exit codes and one-line errors. */
class ClassifyCommandTest {
  @Test
  void classifyWithoutBronzeIsBadInput(@TempDir Path dir) {
    Cli r = Cli.run("classify", "--warehouse", dir.resolve("wh").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.lastErrLine()).contains("bronze.registry_snapshot does not exist").contains("regsurv ingest");
  }

  @Test
  void unknownExitStatusIsBadInput(@TempDir Path dir) {
    Cli r = Cli.run("classify", "--warehouse", dir.resolve("wh").toString(), "--set", "classify.exitStatuses=CANCELLED,GONE");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.lastErrLine()).contains("GONE is not a canonical status");
  }
}
