package io.regsurv.survival;

import static io.regsurv.SilverFixtures.firm;
import static io.regsurv.SilverFixtures.firms;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.config.ConfigLoader;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import io.regsurv.pipeline.Pipeline;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * survival.delayedEntry=auto (the default) switches delayed entry on by itself for survivor-only
 * dumps: no firm had exited before its first sighting, yet some firms are older than the dump
 * that first lists them. (SurvivalJobTest covers the other side: a dump listing exited firms.)
 */
class DelayedEntryAutoTest {
  static final LocalDate AS_OF = LocalDate.of(2024, 7, 31);

  @Test
  void survivorOnlyDumpsSwitchDelayedEntryOnAndOldFirmsEnterAtTheirAgeAtFirstSighting(@TempDir Path dir) {
    Warehouse warehouse = new Warehouse(SharedSpark.spark(), dir.resolve("wh").toString());
    warehouse.ensure(Tables.FIRM);
    // Every firm first seen alive on 2024-01-31. P is 395 days old by then; Q, R and S 30 days.
    firms(
            firm("P", "2023-01-01", "ACTIVE", null, null, "2024-01-31", "2024-07-31", "广东"),
            firm("Q", "2024-01-01", "CANCELLED", "2024-03-01", "CANCELLED", "2024-01-31", "2024-07-31", "广东"),
            firm("R", "2024-01-01", "ACTIVE", null, null, "2024-01-31", "2024-07-31", "广东"),
            firm("S", "2024-01-01", "REVOKED", "2024-05-01", "REVOKED", "2024-01-31", "2024-07-31", "广东"))
        .write().format("delta").mode("append").save(warehouse.location(Tables.FIRM));

    SurvivalJob.SurvivalResult r = Pipeline.on(warehouse,
        ConfigLoader.load(null, Map.of("survival.minCohortSize", "2", "survival.cohortDimensions", "all"))).survival(AS_OF, false);

    assertThat(r.delayedEntry()).as("auto on survivor-only dumps").isTrue();
    // Q exits at age 60 and S at 121, both before P enters (395): P is not at risk then. Without
    // delayed entry P would count from age 0 and the risk sets would be 4 and 3.
    List<Row> curve = warehouse.read(Tables.SURVIVAL_CURVE).filter(col("dimension").equalTo("all").and(col("n_events").gt(0)))
        .orderBy("time_days").select("time_days", "n_at_risk").collectAsList();
    assertThat(curve).extracting(x -> x.getDouble(0) + ":" + x.getLong(1)).containsExactly("60.0:3", "121.0:2");
    Row run = warehouse.read(Tables.JOB_RUN).where(col("run_id").equalTo(r.runId())).select("message").head();
    assertThat(run.getString(0)).contains("delayed entry");
  }
}
