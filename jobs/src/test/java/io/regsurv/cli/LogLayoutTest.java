package io.regsurv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/**
 * The CLI's log layout (regsurv/log4j2.properties, which the test JVMs load too) prints one line per
 * Spark or Delta event: a failed write (a full disk) made Spark print about 60 lines of stack trace
 * before regsurv's own one-line error, most of it inside a lost task's WARN message.
 */
class LogLayoutTest {
  private static Layout<?> stderrLayout() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    return context.getConfiguration().getAppender("stderr").getLayout();
  }

  private static String format(LogEvent event) {
    return String.valueOf(stderrLayout().toSerializable(event));
  }

  @Test
  void aStackTraceInsideAMessageIsCutAfterItsFirstLine() {
    String lostTask = "Lost task 0.0 in stage 15.0 (TID 30): org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed\n"
        + "\tat org.apache.spark.sql.errors.QueryExecutionErrors$.taskFailedWhileWritingRowsError(QueryExecutionErrors.scala:814)\n"
        + "Caused by: java.io.IOException: No space left on device\n\tat java.base/java.io.FileOutputStream.writeBytes(Native Method)";
    String line = format(Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.scheduler.TaskSetManager").setLevel(Level.WARN)
        .setMessage(new SimpleMessage(lostTask)).build());

    assertThat(line.lines()).hasSize(1);
    assertThat(line).contains("WARN  TaskSetManager: Lost task 0.0 in stage 15.0 (TID 30): org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed ...")
        .doesNotContain("\tat ");
  }

  @Test
  void aThrowableAddsItsMessageNotItsStackTrace() {
    Exception failure = new IllegalStateException("[TASK_WRITE_FAILED] Task failed while writing rows",
        new java.io.IOException("No space left on device"));
    String line = format(Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.executor.Executor").setLevel(Level.ERROR)
        .setMessage(new SimpleMessage("Exception in task 0.0 in stage 15.0 (TID 30)")).setThrown(failure).build());

    assertThat(line.lines()).hasSize(1);
    assertThat(line).contains("ERROR Executor: Exception in task 0.0 in stage 15.0 (TID 30) - [TASK_WRITE_FAILED] Task failed while writing rows")
        .doesNotContain("\tat ").doesNotContain("IllegalStateException");
  }

  @Test
  void aOneLineEventIsPrintedWhole() {
    String line = format(Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.SparkContext").setLevel(Level.WARN)
        .setMessage(new SimpleMessage("Spark is running on 2 cores")).build());

    assertThat(line).endsWith("WARN  SparkContext: Spark is running on 2 cores" + System.lineSeparator());
  }
}
