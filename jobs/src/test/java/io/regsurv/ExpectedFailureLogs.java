package io.regsurv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Silences the loggers that report a failed Spark task while a test provokes the failure on
 * purpose, so that a passing test leaves no ERROR and stack trace in the build log.
 */
public final class ExpectedFailureLogs {
  /** Who logs a failing write task: the executor, the scheduler and Delta's writer (logger names as Spark's Logging gives them). */
  static final List<String> TASK_FAILURE_LOGGERS = List.of(
      "org.apache.spark.executor.Executor",
      "org.apache.spark.scheduler.TaskSetManager",
      "org.apache.spark.sql.delta.files.DeltaFileFormatWriter",
      "org.apache.spark.sql.execution.datasources.FileFormatWriter");

  private ExpectedFailureLogs() {}

  /** Runs {@code action} with the task-failure loggers off, then restores their levels. */
  public static void silenced(Runnable action) {
    Map<String, Level> before = new LinkedHashMap<>();
    for (String name : TASK_FAILURE_LOGGERS) {
      before.put(name, LogManager.getLogger(name).getLevel());
      Configurator.setLevel(name, Level.OFF);
    }
    try {
      action.run();
    } finally {
      Configurator.setLevel(before);
    }
  }
}
