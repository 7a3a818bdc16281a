package io.regsurv.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import io.regsurv.core.BadInputException;
import io.regsurv.core.JobRun;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage runner's bookkeeping, on a real warehouse with a small stage of the test's own (it
 * writes silver.classify_watermark as a whole): records, the one skip rule, force, failures.
 */
class StageRunnerTest {
  private static final String TABLE = Tables.CLASSIFY_WATERMARK;

  /** A stage that appends one row to its table per run; what it depends on is its fingerprint. */
  private static final class AppendJob implements StageJob<String> {
    final Warehouse warehouse;
    String fingerprint = "settings-1";
    RuntimeException failure;
    boolean nothingToDo;
    int runs;
    int alreadyDone;

    AppendJob(Warehouse warehouse) {
      this.warehouse = warehouse;
    }

    @Override
    public Stage stage() {
      return Stage.CLASSIFY;
    }

    @Override
    public Inputs resolve() {
      Map<String, String> writes = new LinkedHashMap<>();
      writes.put(TABLE, null);
      return new Inputs(null, List.of("in.csv"), Map.of(), fingerprint, writes, true);
    }

    @Override
    public String run(String runId, Inputs inputs) {
      runs++;
      if (failure != null) {
        throw failure;
      }
      if (!nothingToDo) {
        append(warehouse, runId);
      }
      return runId;
    }

    @Override
    public String alreadyDone(String runId, Inputs inputs, JobRun done) {
      alreadyDone++;
      return "done by " + done.runId();
    }

    @Override
    public Outcome outcome(String result) {
      return new Outcome(Date.valueOf("2024-07-31").toLocalDate(), 3L, 1L, null, Map.of(TABLE, warehouse.version(TABLE)), "ran " + result,
          nothingToDo);
    }
  }

  private static void append(Warehouse warehouse, String runId) {
    warehouse.ensure(TABLE);
    Row row = RowFactory.create(Date.valueOf("2024-07-31"), 0L, "fp", 0L, 0L, 0L, runId, Timestamp.from(Instant.now()));
    warehouse.spark().createDataFrame(List.of(row), Tables.get(TABLE).schema()).write().format("delta").mode("append")
        .save(warehouse.location(TABLE));
  }

  private static List<Row> runs(Warehouse warehouse) {
    return warehouse.read(Tables.JOB_RUN).orderBy("started_at").collectAsList();
  }

  @Test
  void aRunIsRecordedThenTheSameWorkIsSkippedUntilItsInputsChange(@TempDir Path dir) {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), dir.toString());
    StageRunner runner = new StageRunner(warehouse);
    AppendJob job = new AppendJob(warehouse);

    String first = runner.run(job, false);
    Row recorded = runs(warehouse).get(0);
    assertThat(recorded.<String>getAs("run_id")).isEqualTo(first).startsWith("classify-");
    assertThat(recorded.<String>getAs("stage")).isEqualTo("classify");
    assertThat(recorded.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(recorded.<Date>getAs("snapshot_date")).isEqualTo(Date.valueOf("2024-07-31"));
    assertThat(recorded.<String>getAs("input_fingerprint")).isEqualTo("settings-1");
    assertThat(recorded.<String>getAs("message")).isEqualTo("ran " + first);
    assertThat(recorded.getList(recorded.fieldIndex("input_files"))).containsExactly("in.csv");
    assertThat(recorded.<Long>getAs("rows_read")).isEqualTo(3L);
    assertThat(recorded.getJavaMap(recorded.fieldIndex("versions_written"))).containsEntry(TABLE, warehouse.version(TABLE));
    assertThat(recorded.<Timestamp>getAs("ended_at")).isAfterOrEqualTo(recorded.<Timestamp>getAs("started_at"));

    assertThat(runner.run(job, false)).isEqualTo("done by " + first);
    assertThat(job.runs).isEqualTo(1);
    assertThat(runs(warehouse).get(1).<String>getAs("status")).isEqualTo("skipped");

    job.fingerprint = "settings-2"; // a changed setting: the same work is no longer done
    runner.run(job, false);
    assertThat(job.runs).isEqualTo(2);

    append(warehouse, "someone else"); // a data commit to the table it wrote
    runner.run(job, false);
    assertThat(job.runs).isEqualTo(3);

    runner.run(job, true); // force
    assertThat(job.runs).isEqualTo(4);
    assertThat(job.alreadyDone).isEqualTo(1);
    assertThat(runs(warehouse)).extracting(r -> r.<String>getAs("status"))
        .containsExactly("succeeded", "skipped", "succeeded", "succeeded", "succeeded");
  }

  @Test
  void aFailedRunIsRecordedWithItsMessageAndRethrown(@TempDir Path dir) {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), dir.toString());
    AppendJob job = new AppendJob(warehouse);
    job.failure = new BadInputException("Cannot classify: the dump is broken");

    assertThatThrownBy(() -> new StageRunner(warehouse).run(job, false)).isSameAs(job.failure);
    Row failed = runs(warehouse).get(0);
    assertThat(failed.<String>getAs("status")).isEqualTo("failed");
    assertThat(failed.<String>getAs("message")).isEqualTo("Cannot classify: the dump is broken");
    assertThat(failed.<String>getAs("input_fingerprint")).isEqualTo("settings-1");

    job.failure = new IllegalStateException("executor lost");
    assertThatThrownBy(() -> new StageRunner(warehouse).run(job, false)).isSameAs(job.failure);
    assertThat(runs(warehouse).get(1).<String>getAs("message")).isEqualTo("IllegalStateException: executor lost");
  }

  @Test
  void workThatFindsNothingToDoIsRecordedAsSkipped(@TempDir Path dir) {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), dir.toString());
    warehouse.ensure(TABLE);
    AppendJob job = new AppendJob(warehouse);
    job.nothingToDo = true;
    new StageRunner(warehouse).run(job, false);
    assertThat(job.runs).isEqualTo(1);
    assertThat(runs(warehouse).get(0).<String>getAs("status")).isEqualTo("skipped");
  }
}
