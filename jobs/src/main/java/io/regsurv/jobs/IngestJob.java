package io.regsurv.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.AiKeywords;
import io.regsurv.config.Dialect;
import io.regsurv.config.RunConfig;
import io.regsurv.errors.BadInputException;
import io.regsurv.errors.JobFailedException;
import io.regsurv.errors.RegsurvException;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.SnapshotReader;
import io.regsurv.io.Warehouse;
import io.regsurv.schemas.Tables;
import io.regsurv.transforms.Normalise;
import io.regsurv.transforms.Quarantine;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The ingest stage: reads one registry snapshot (files of one dialect), normalises it, splits
 * accepted from quarantined rows, replaces the snapshot's partition of bronze.registry_snapshot
 * and bronze.quarantine, reconciles the counts against what was written, and logs the run.
 */
public final class IngestJob {
  public static final String STAGE = "ingest";

  private final Warehouse warehouse;
  private final RunConfig config;
  private final Request request;

  /** What to ingest: the snapshot date, the dialect (name or file; NULL = config's), an optional encoding override, the paths. */
  public record Request(LocalDate snapshotDate, String dialect, String encoding, List<String> paths) {
    public Request {
      paths = List.copyOf(paths);
    }
  }

  public IngestJob(Warehouse warehouse, RunConfig config, Request request) {
    this.warehouse = warehouse;
    this.config = config;
    this.request = request;
  }

  public IngestResult run() {
    String runId = UUID.randomUUID().toString();
    Instant started = Instant.now();
    LocalDate date = request.snapshotDate();
    String what = "Cannot ingest snapshot " + date;
    List<String> files = List.of();
    try {
      if (date.isAfter(LocalDate.now(ZoneOffset.UTC))) {
        throw new BadInputException(what + ": the snapshot date is in the future");
      }
      String dialectName = request.dialect() != null ? request.dialect() : config.ingest().dialect();
      Dialect dialect = Dialect.load(dialectName);
      if (request.encoding() != null) {
        dialect = dialect.withEncoding(request.encoding());
      }
      AiKeywords keywords = AiKeywords.load(config.ingest().aiKeywords());
      files = SnapshotReader.listFiles(warehouse.spark(), dialect, request.paths(), what);
      List<String> warnings = new ArrayList<>();
      Dataset<Row> raw = SnapshotReader.read(warehouse.spark(), dialect, files, what, warnings);
      Normalise.Context ctx = new Normalise.Context(dialect, date, config.privacy().salt(), keywords.keywords(), runId);
      // Persisted: the counts, both writes and the file check all use these rows; the files are read once.
      Dataset<Row> flagged = Quarantine.flag(Normalise.registryColumns(raw, ctx), date).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        SnapshotReader.fileErrors(flagged, what);
        IngestResult result = write(flagged, runId, dialectName, date, files, warnings);
        new JobRunLog(warehouse)
            .record(
                new JobRun(runId, STAGE, date, started, Instant.now(), JobRun.SUCCEEDED, result.rowsRead(), result.rowsAccepted(),
                    result.rowsQuarantined(), files, Map.of(),
                    Map.of(Tables.REGISTRY_SNAPSHOT, result.snapshotVersion(), Tables.QUARANTINE, result.quarantineVersion()),
                    summary(result)));
        return result;
      } finally {
        flagged.unpersist();
      }
    } catch (RegsurvException e) {
      recordFailure(runId, date, started, files, e.getMessage());
      throw e;
    }
  }

  private IngestResult write(Dataset<Row> flagged, String runId, String dialectName, LocalDate date, List<String> files, List<String> warnings) {
    Dataset<Row> rows = flagged.filter(col("source_line").geq(0));
    Column accepted = Quarantine.accepted();
    Row totals =
        rows.agg(
                count(lit(1)),
                sum(when(accepted, 1).otherwise(0)),
                sum(when(not(accepted), 1).otherwise(0)),
                sum(when(accepted.and(not(col("uscc_valid"))), 1).otherwise(0)),
                sum(when(accepted.and(col("status_raw").isNull()), 1).otherwise(0)),
                sum(when(accepted.and(col("registered_capital_raw").isNotNull()), 1).otherwise(0)),
                sum(when(accepted.and(col("registered_capital_amount").isNotNull()), 1).otherwise(0)))
            .head();
    long read = totals.getLong(0);
    long nAccepted = read == 0 ? 0 : totals.getLong(1);
    long nQuarantined = read == 0 ? 0 : totals.getLong(2);
    Map<String, Long> byReason = new LinkedHashMap<>();
    // One row per distinct reason: small by construction.
    for (Row r : rows.select(explode(col("reasons")).alias("reason")).groupBy("reason").count().orderBy("reason").collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }

    int fileCount = (int) Math.max(1, (nAccepted + config.ingest().targetFileRows() - 1) / config.ingest().targetFileRows());
    long quarantineVersion = warehouse.replaceDate(Tables.QUARANTINE, "snapshot_date", date, rows.filter(not(accepted)), 1);
    long snapshotVersion = warehouse.replaceDate(Tables.REGISTRY_SNAPSHOT, "snapshot_date", date, rows.filter(accepted), fileCount);

    long written = warehouse.readVersion(Tables.REGISTRY_SNAPSHOT, snapshotVersion).filter(col("snapshot_date").equalTo(lit(java.sql.Date.valueOf(date)))).count();
    long quarantined = warehouse.readVersion(Tables.QUARANTINE, quarantineVersion).filter(col("snapshot_date").equalTo(lit(java.sql.Date.valueOf(date)))).count();
    if (written != nAccepted || quarantined != nQuarantined || read != written + quarantined) {
      throw new JobFailedException(
          "Ingest of snapshot " + date + " does not reconcile: read " + read + ", accepted " + nAccepted + " (table holds " + written
              + "), quarantined " + nQuarantined + " (table holds " + quarantined + ")");
    }
    return new IngestResult(runId, date, dialectName, files, read, nAccepted, nQuarantined, byReason,
        totals.isNullAt(3) ? 0 : totals.getLong(3), totals.isNullAt(4) ? 0 : totals.getLong(4),
        totals.isNullAt(5) ? 0 : totals.getLong(5), totals.isNullAt(6) ? 0 : totals.getLong(6),
        snapshotVersion, quarantineVersion, warnings);
  }

  private void recordFailure(String runId, LocalDate date, Instant started, List<String> files, String message) {
    try {
      new JobRunLog(warehouse).record(new JobRun(runId, STAGE, date, started, Instant.now(), JobRun.FAILED, null, null, null, files, Map.of(), Map.of(), message));
    } catch (RuntimeException e) {
      // The original failure is what the user must see; a failing log write must not mask it.
      System.err.println("regsurv ingest: could not record the failed run in ops.job_run: " + e.getMessage());
    }
  }

  /** One line for ops.job_run.message. */
  static String summary(IngestResult r) {
    return "read " + r.rowsRead() + ", accepted " + r.rowsAccepted() + ", quarantined " + r.rowsQuarantined() + " " + r.quarantinedByReason()
        + ", uscc_valid=false " + r.usccInvalid() + ", capital parsed " + r.capitalParsed() + "/" + r.capitalPresent();
  }
}
