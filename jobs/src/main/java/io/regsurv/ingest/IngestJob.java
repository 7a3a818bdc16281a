package io.regsurv.ingest;

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
import io.regsurv.core.BadInputException;
import io.regsurv.core.JobFailedException;
import io.regsurv.core.JobRun;
import io.regsurv.core.Stage;
import io.regsurv.core.StageJob;
import io.regsurv.io.JobRunLog;
import io.regsurv.io.SnapshotReader;
import io.regsurv.io.WarehouseSalt;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The ingest stage: reads one registry snapshot (files of one dialect), normalises it, splits
 * accepted from quarantined rows, replaces the snapshot's partition of bronze.registry_snapshot
 * and bronze.quarantine, and reconciles the counts against what was written.
 */
public final class IngestJob implements StageJob<IngestResult> {

  private final Warehouse warehouse;
  private final RunConfig config;
  private final Request request;
  private Source source;

  /**
   * What to ingest: the snapshot date, the dialect (name or file; NULL = config's), an optional
   * encoding override, the paths, and whether to redo a snapshot already ingested from the same files.
   */
  public record Request(LocalDate snapshotDate, String dialect, String encoding, List<String> paths, boolean force) {
    public Request {
      paths = List.copyOf(paths);
    }

    public Request(LocalDate snapshotDate, String dialect, String encoding, List<String> paths) {
      this(snapshotDate, dialect, encoding, paths, false);
    }
  }

  /** The tables ingest writes, with the date column each is replaced by. */
  static final Map<String, String> WRITES = Map.of(Tables.REGISTRY_SNAPSHOT, "snapshot_date", Tables.QUARANTINE, "snapshot_date");

  public IngestJob(Warehouse warehouse, RunConfig config, Request request) {
    this.warehouse = warehouse;
    this.config = config;
    this.request = request;
  }

  @Override
  public LocalDate knownDate() {
    return request.snapshotDate();
  }

  @Override
  public Stage stage() {
    return Stage.INGEST;
  }

  /** The dialect, keywords and files of the snapshot, checked before anything is read. */
  private record Source(String dialectName, Dialect dialect, AiKeywords keywords, List<String> files, String salt) {}

  private String what() {
    return "Cannot ingest snapshot " + request.snapshotDate();
  }

  private Source source() {
    if (source == null) {
      LocalDate date = request.snapshotDate();
      if (date.isAfter(LocalDate.now(ZoneOffset.UTC))) {
        throw new BadInputException(what() + ": the snapshot date is in the future");
      }
      String dialectName = request.dialect() != null ? request.dialect() : config.ingest().dialect();
      Dialect dialect = Dialect.load(dialectName);
      if (request.encoding() != null) {
        dialect = dialect.withEncoding(request.encoding());
      }
      AiKeywords keywords = AiKeywords.load(config.ingest().aiKeywords());
      source = new Source(dialectName, dialect, keywords, SnapshotReader.listFiles(warehouse.spark(), dialect, request.paths(), what()),
          WarehouseSalt.resolve(warehouse, config.privacy()));
    }
    return source;
  }

  @Override
  public Inputs resolve() {
    Source src = source();
    return new Inputs(request.snapshotDate(), src.files(), Map.of(), fingerprint(src, what()), WRITES, true);
  }

  @Override
  public IngestResult run(String runId, Inputs inputs) {
    Source src = source();
    LocalDate date = request.snapshotDate();
    List<String> warnings = new ArrayList<>();
    Dataset<Row> raw = SnapshotReader.read(warehouse.spark(), src.dialect(), src.files(), what(), warnings);
    Normalise.Context ctx = new Normalise.Context(src.dialect(), date, src.salt(), src.keywords().keywords(), runId);
    // Persisted: the counts, both writes and the file check all use these rows; the files are read once.
    // Only quarantined rows keep their raw line (bronze.registry_snapshot has none): a smaller cache.
    Dataset<Row> flagged = Quarantine.flag(Normalise.registryColumns(raw, ctx), date)
        .withColumn("raw_text", when(Quarantine.accepted(), lit(null).cast("string")).otherwise(col("raw_text")))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      SnapshotReader.fileErrors(flagged, what());
      return write(flagged, runId, src.dialectName(), date, src.files(), warnings);
    } finally {
      flagged.unpersist();
    }
  }

  /** The result of a run that found its work already done: the counts of the run that did it. */
  @Override
  public IngestResult alreadyDone(String runId, Inputs inputs, JobRun done) {
    Map<String, Long> versions = done.versionsWritten();
    return new IngestResult(runId, request.snapshotDate(), source().dialectName(), inputs.files(), done.rowsRead(), done.rowsWritten(),
        done.rowsQuarantined(), Map.of(), 0, 0, 0, 0, versions.get(Tables.REGISTRY_SNAPSHOT), versions.get(Tables.QUARANTINE),
        List.of(), done.runId());
  }

  @Override
  public Outcome outcome(IngestResult r) {
    if (r.skipped()) {
      return new Outcome(null, r.rowsRead(), 0L, 0L, Map.of(), "skipped: same files already ingested by run " + r.skippedBecauseOfRun(), false);
    }
    return new Outcome(null, r.rowsRead(), r.rowsAccepted(), r.rowsQuarantined(),
        Map.of(Tables.REGISTRY_SNAPSHOT, r.snapshotVersion(), Tables.QUARANTINE, r.quarantineVersion()), summary(r), false);
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
    if (read == 0) {
      // Replacing the date with nothing would delete a good snapshot because of a broken dump.
      throw new BadInputException("Cannot ingest snapshot " + date + ": the files hold a header but no data rows; nothing was written");
    }
    long nAccepted = totals.getLong(1);
    long nQuarantined = totals.getLong(2);
    Map<String, Long> byReason = new LinkedHashMap<>();
    // One row per distinct reason: small by construction.
    for (Row r : rows.select(explode(col("reasons")).alias("reason")).groupBy("reason").count().orderBy("reason").collectAsList()) {
      byReason.put(r.getString(0), r.getLong(1));
    }

    int fileCount = (int) Math.max(1, (nAccepted + config.ingest().targetFileRows() - 1) / config.ingest().targetFileRows());
    long quarantineVersion = warehouse.replaceDate(Tables.QUARANTINE, "snapshot_date", date, rows.filter(not(accepted)), 1, null);
    long snapshotVersion = warehouse.replaceDate(Tables.REGISTRY_SNAPSHOT, "snapshot_date", date, rows.filter(accepted), fileCount, "uscc");

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
        snapshotVersion, quarantineVersion, warnings, null);
  }

  /**
   * What the snapshot's rows are a function of besides the code: the dialect, the salt (it changes
   * every hash), the AI keyword list, the file layout setting and each file's path, size and time.
   */
  private String fingerprint(Source src, String what) {
    List<String> files = src.files();
    // The salt enters only through this SHA-256: ops.job_run never holds it.
    List<String> parts = new ArrayList<>(List.of(src.dialectName(), src.dialect().encoding(), src.salt(), String.valueOf(config.ingest().aiKeywords()),
        String.valueOf(config.ingest().targetFileRows())));
    Configuration conf = warehouse.spark().sparkContext().hadoopConfiguration();
    for (String f : files) {
      try {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(f);
        FileStatus st = p.getFileSystem(conf).getFileStatus(p);
        parts.add(f);
        parts.add(st.getLen() + "/" + st.getModificationTime());
      } catch (IOException e) {
        throw new BadInputException(what + ": cannot read " + f + " (" + e.getMessage() + ")", e);
      }
    }
    return JobRunLog.fingerprint(parts);
  }

  /** One line for ops.job_run.message. */
  static String summary(IngestResult r) {
    return "read " + r.rowsRead() + ", accepted " + r.rowsAccepted() + ", quarantined " + r.rowsQuarantined() + " " + r.quarantinedByReason()
        + ", uscc_valid=false " + r.usccInvalid() + ", capital parsed " + r.capitalParsed() + "/" + r.capitalPresent();
  }
}
