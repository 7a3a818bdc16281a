package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code regsurv status}: the table cuts long messages with an ellipsis; csv and json show them whole. */
class StatusCommandTest {

  @Test
  void tableCutsLongMessagesWithAnEllipsisCsvAndJsonShowThemWhole(@TempDir Path dir) {
    String wh = dir.resolve("wh").toString();
    new Warehouse(SharedSpark.spark(), wh).ensure(Tables.JOB_RUN);
    String longMessage = "snapshot 2024-07-31: unknown statuses " + "停业整顿中 (12 rows); ".repeat(10) + "END";
    String shortMessage = "snapshot 2024-06-30: 3 files";
    SharedSpark.spark().sql("INSERT INTO ops.job_run (run_id, stage, snapshot_date, started_at, status, message) VALUES"
        + " ('r1', 'ingest', DATE'2024-07-31', TIMESTAMP'2024-08-01 10:00:00', 'succeeded', '" + longMessage + "'),"
        + " ('r2', 'ingest', DATE'2024-06-30', TIMESTAMP'2024-08-01 09:00:00', 'succeeded', '" + shortMessage + "')");
    assertThat(longMessage.length()).isGreaterThan(StatusCommand.TABLE_MESSAGE_CHARS);

    Cli table = Cli.run("status", "--warehouse", wh);
    assertThat(table.exitCode()).as(table.err()).isZero();
    String cut = longMessage.substring(0, StatusCommand.TABLE_MESSAGE_CHARS - 1) + "…";
    assertThat(table.out()).contains(cut + "\n", shortMessage + "\n").doesNotContain("END");

    Cli csv = Cli.run("status", "--warehouse", wh, "--format", "csv");
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).contains("," + longMessage + "\n", "," + shortMessage + "\n").doesNotContain("…");

    Cli json = Cli.run("status", "--warehouse", wh, "--format", "json");
    assertThat(json.out()).contains("\"message\":\"" + longMessage + "\"").doesNotContain("…");
  }

  @Test
  void shortenCountsCharactersNotBytesAndMarksTheCut() {
    assertThat(StatusCommand.shorten("abcdef", 6)).isEqualTo("abcdef");
    assertThat(StatusCommand.shorten("abcdefg", 6)).isEqualTo("abcde…");
    assertThat(StatusCommand.shorten("注销吊销撤销迁出", 4)).isEqualTo("注销吊…");
    assertThat(StatusCommand.shorten("a𠀀b𠀀cd", 4)).isEqualTo("a𠀀b…");
    assertThat(StatusCommand.shorten(null, 4)).isNull();
  }
}
