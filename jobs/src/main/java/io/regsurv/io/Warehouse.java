package io.regsurv.io;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import scala.Option;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.types.StructField;

/**
 * The Delta warehouse: table locations ({@code <root>/<layer>/<table>}), creation from the table
 * definitions, and catalog registration so analysts can write {@code SELECT … FROM gold.x}.
 *
 * <p>The embedded default uses Spark's in-memory catalog; {@link #registerExisting()} re-registers
 * every table found under the root at start-up, so the registrations live with the warehouse
 * itself. With a Hive metastore configured the same statements are no-ops after the first run.
 */
public final class Warehouse {
  private final SparkSession spark;
  private final String root;

  public Warehouse(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.root = SparkSessions.warehouseUri(warehouse);
  }

  /** The warehouse root as a URI. */
  public String root() {
    return root;
  }

  public SparkSession spark() {
    return spark;
  }

  /** Where a table's files live. */
  public String location(String table) {
    TableDefinition def = Tables.get(table);
    return root + "/" + def.database() + "/" + def.table();
  }

  /** True when the table has been created (its Delta log exists). */
  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  public DeltaTable delta(String table) {
    return DeltaTable.forPath(spark, location(table));
  }

  /** The table's current contents (its latest version, as {@link #readVersion} reads it). */
  public Dataset<Row> read(String table) {
    if (!exists(table)) {
      return spark.read().format("delta").load(location(table)); // Delta's read says it does not exist
    }
    org.apache.spark.sql.delta.Snapshot latest = snapshot(table);
    return readAt(latest, table, latest.version());
  }

  /**
   * The table as of a Delta version (time travel). Where the commit files say exactly which data
   * files hold its rows ({@link #filesWithRows}), Delta reads just those files (its own file index
   * over given files: deletion vectors applied, partitions pruned by their values) without first
   * reconstructing the table's state with Spark jobs: on small tables that reconstruction, a few
   * jobs and their planning per table and version, was the larger part of a read (the demo's
   * classify spent about 2 s on it for bronze alone). Files are not skipped by their column
   * statistics this way, only by partition. Otherwise, Delta's own time travel.
   */
  public Dataset<Row> readVersion(String table, long version) {
    // Beyond the commits the driver replays, Delta's read, without updating the log first.
    return version > MAX_LISTED_COMMITS ? deltaRead(table, version) : readAt(snapshot(table), table, version);
  }

  /** {@link #readVersion}'s read, given the table's latest snapshot (its log updated once by the caller). */
  private Dataset<Row> readAt(org.apache.spark.sql.delta.Snapshot latest, String table, long version) {
    return listedFiles(latest, table, version).map(files -> {
      org.apache.spark.sql.delta.DeltaLog log = latest.deltaLog();
      org.apache.spark.sql.delta.Snapshot at = latest.version() == version ? latest : log.getSnapshotAt(version, Option.empty(), Option.empty(), false);
      return log.createDataFrame(at, scala.jdk.javaapi.CollectionConverters.asScala(files).toList(), false, Option.empty());
    }).orElseGet(() -> deltaRead(table, version));
  }

  /**
   * The data files holding {@code table}'s rows at {@code version} ({@link #filesWithRows}),
   * remembered per version of the table whose latest snapshot is {@code latest}; empty beyond
   * {@link #MAX_LISTED_COMMITS} or when the log cannot say.
   */
  private java.util.Optional<java.util.Collection<org.apache.spark.sql.delta.actions.AddFile>> listedFiles(
      org.apache.spark.sql.delta.Snapshot latest, String table, long version) {
    if (version > MAX_LISTED_COMMITS) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.ofNullable(
        FILES_BY_VERSION.computeIfAbsent(identity(latest, table, version), () -> filesWithRows(table, version).orElse(null)));
  }

  /** Delta's own read of a version: the table's state reconstructed, files skipped by statistics. */
  private Dataset<Row> deltaRead(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(location(table));
  }

  /** Beyond this many commits since version 0, reading them one by one costs more than Delta's read from its checkpoint. */
  private static final long MAX_LISTED_COMMITS = 100;

  private static final VersionMemo<java.util.Collection<org.apache.spark.sql.delta.actions.AddFile>> FILES_BY_VERSION = new VersionMemo<>(32);

  /** The latest committed Delta version of a table, or -1 when it does not exist yet. */
  public long version(String table) {
    if (!exists(table)) {
      return -1;
    }
    return snapshot(table).version();
  }

  /** The table's delta.deletedFileRetentionDuration (Delta's default: 7 days) in milliseconds, from its log on the driver. */
  public long deletedFileRetentionMillis(String table) {
    return org.apache.spark.sql.delta.DeltaLog.tombstoneRetentionMillis(snapshot(table).metadata());
  }

  /**
   * The table's Delta id (made when it was created), location and latest version: equal only for
   * the same contents, even when a table is deleted and made again at the same place. Read from
   * the log on the driver, no query.
   */
  public String commitIdentity(String table) {
    org.apache.spark.sql.delta.Snapshot latest = snapshot(table);
    return identity(latest, table, latest.version());
  }

  /** As {@link #commitIdentity} for one {@code version} of the table (read by time travel). */
  public String versionIdentity(String table, long version) {
    return identity(snapshot(table), table, version);
  }

  /** {@code version}'s identity, given the table's latest snapshot (its Delta id), read once by the caller. */
  private String identity(org.apache.spark.sql.delta.Snapshot latest, String table, long version) {
    return latest.metadata().id() + "@" + location(table) + "@" + version;
  }

  /**
   * The table's latest Delta snapshot (version, schema, properties), read from its log on the
   * driver. Every stage asks these questions many times; DeltaTable.history() and detail() answer
   * them with a Spark query each (analysis, planning, a job), which on small tables was the larger
   * part of a stage's time.
   */
  private org.apache.spark.sql.delta.Snapshot snapshot(String table) {
    return org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table)).update(false, Option.empty(), Option.empty());
  }

  /**
   * Rows added by one commit of a table partitioned by {@code partitionColumn}, per partition value
   * (ISO text for dates), from the commit's own file records (Delta's per-file record counts):
   * no query. Empty when a file of the commit has no record count (statistics not collected), so
   * the caller counts with a query instead. After a replaceWhere on the partition column, this is
   * what the table holds for each partition the commit replaced.
   */
  public java.util.Optional<Map<String, Long>> rowsAddedByPartition(String table, long version, String partitionColumn) {
    Map<String, Long> rows = new java.util.HashMap<>();
    scala.collection.Iterator<scala.Tuple2<Object, scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.Action>>> commits =
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table)).getChanges(version, version, Option.empty(), true);
    while (commits.hasNext()) {
      scala.collection.Iterator<org.apache.spark.sql.delta.actions.Action> actions = commits.next()._2().iterator();
      while (actions.hasNext()) {
        if (actions.next() instanceof org.apache.spark.sql.delta.actions.AddFile add) {
          Option<Object> n = add.numLogicalRecords();
          Option<String> value = add.partitionValues().get(partitionColumn);
          if (n.isEmpty() || value.isEmpty()) {
            return java.util.Optional.empty();
          }
          rows.merge(value.get(), (Long) n.get(), Long::sum);
        }
      }
    }
    return java.util.Optional.of(rows);
  }

  /**
   * The rows at {@code version} per value of partition column {@code column} (ISO text for dates),
   * from the per-file record counts in the table's commit files ({@link #filesWithRows}; deleted rows
   * of a file's deletion vector not counted): no query. Only values that hold rows are listed. Empty
   * when the log cannot answer exactly: the caller then asks Spark.
   */
  public java.util.Optional<java.util.TreeMap<String, Long>> rowsByPartition(String table, long version, String column) {
    return filesWithRows(table, version).flatMap(files -> {
      java.util.TreeMap<String, Long> rows = new java.util.TreeMap<>();
      for (org.apache.spark.sql.delta.actions.AddFile add : files) {
        Option<String> value = add.partitionValues().get(column);
        if (value.isEmpty() || value.get() == null) {
          return java.util.Optional.empty();
        }
        rows.merge(value.get(), (Long) add.numLogicalRecords().get(), Long::sum);
      }
      return java.util.Optional.of(rows);
    });
  }

  /**
   * The largest value of date column {@code column} at {@code version}, from the per-file
   * statistics in the table's commit files ({@link #filesWithRows}): no query. Empty when they cannot
   * answer exactly (no file holds rows, a file without statistics for the column or with deleted
   * rows): the caller then asks Spark.
   */
  public java.util.Optional<LocalDate> maxDate(String table, long version, String column) {
    return filesWithRows(table, version).flatMap(files -> {
      LocalDate max = null;
      for (org.apache.spark.sql.delta.actions.AddFile add : files) {
        if (add.deletionVector() != null || add.stats() == null) {
          return java.util.Optional.empty();
        }
        com.fasterxml.jackson.databind.JsonNode value;
        try {
          value = STATS.readTree(add.stats()).path("maxValues").path(column);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          return java.util.Optional.empty();
        }
        if (!value.isTextual()) {
          return java.util.Optional.empty();
        }
        LocalDate d = LocalDate.parse(value.asText());
        max = max == null || d.isAfter(max) ? d : max;
      }
      return java.util.Optional.ofNullable(max);
    });
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper STATS = new com.fasterxml.jackson.databind.ObjectMapper();

  /** The data files holding rows at {@code version} ({@link #replayedFiles}). */
  private java.util.Optional<java.util.Collection<org.apache.spark.sql.delta.actions.AddFile>> filesWithRows(String table, long version) {
    return replayedFiles(table, version, true);
  }

  /**
   * The data files of {@code table} at {@code version}, those holding rows only when
   * {@code withRowsOnly}: every add and remove of the commit files since version 0, replayed on the
   * driver. Empty when the log cannot say exactly: an early commit cleaned up after a checkpoint, a
   * file without a record count (where rows matter), or more than {@code MAX_REPLAYED_COMMITS}
   * commits (reading them one by one would cost more than a query).
   */
  private java.util.Optional<java.util.Collection<org.apache.spark.sql.delta.actions.AddFile>> replayedFiles(
      String table, long version, boolean withRowsOnly) {
    if (version < 0 || version > MAX_REPLAYED_COMMITS) {
      return java.util.Optional.empty();
    }
    Map<String, org.apache.spark.sql.delta.actions.AddFile> byPath = new java.util.HashMap<>();
    try {
      scala.collection.Iterator<scala.Tuple2<Object, scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.Action>>> commits =
          org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table)).getChanges(0, version, Option.empty(), true);
      long expected = 0;
      while (commits.hasNext()) {
        scala.Tuple2<Object, scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.Action>> commit = commits.next();
        if ((Long) commit._1() != expected++) {
          return java.util.Optional.empty();
        }
        scala.collection.Iterator<org.apache.spark.sql.delta.actions.Action> actions = commit._2().iterator();
        while (actions.hasNext()) {
          org.apache.spark.sql.delta.actions.Action action = actions.next();
          // As Delta's replay, a file is known by its path and deletion vector: a commit that adds a
          // file's new vector removes the file with its old one, in either order.
          if (action instanceof org.apache.spark.sql.delta.actions.AddFile add) {
            Option<Object> n = add.numLogicalRecords();
            if (withRowsOnly && n.isEmpty()) {
              return java.util.Optional.empty();
            }
            if (!withRowsOnly || (Long) n.get() > 0) {
              byPath.put(fileKey(add.path(), add.deletionVector()), add);
            } else {
              byPath.remove(fileKey(add.path(), add.deletionVector()));
            }
          } else if (action instanceof org.apache.spark.sql.delta.actions.RemoveFile remove) {
            byPath.remove(fileKey(remove.path(), remove.deletionVector()));
          }
        }
      }
      if (expected != version + 1) {
        return java.util.Optional.empty();
      }
    } catch (RuntimeException e) {
      return java.util.Optional.empty(); // e.g. a commit file cleaned up: Spark answers instead
    }
    return java.util.Optional.of(byPath.values());
  }

  private static String fileKey(String path, org.apache.spark.sql.delta.actions.DeletionVectorDescriptor vector) {
    return vector == null ? path : path + "\u0000" + vector.uniqueId();
  }

  /** Beyond this many commits reading them one by one on the driver costs more than a query. */
  private static final long MAX_REPLAYED_COMMITS = 500;

  /** The table's properties (Delta metadata configuration: constraints, features, comments' companions). */
  private Map<String, String> properties(String table) {
    return scala.jdk.javaapi.CollectionConverters.asJava(snapshot(table).metadata().configuration());
  }

  /**
   * Atomically replaces the rows of one date (a snapshot or an as-of date) with {@code rows}
   * (Delta replaceWhere, one commit): a rerun for the same date replaces, never duplicates, and
   * other dates are untouched. Rows are cast to the table's column order and types; their
   * partitions are the files written (a caller that wants fewer coalesces first). Returns the Delta
   * version written.
   */
  public long replaceDate(String table, String dateColumn, LocalDate date, Dataset<Row> rows) {
    // The date is a LocalDate rendered ISO, never user text.
    return replaceWhere(table, typed(table, rows), dateColumn + " = DATE'" + date + "'");
  }

  /**
   * Replaces the rows of {@code table} that match {@code condition} with {@code rows} (one commit),
   * or makes the table with them when it does not exist. Returns the version written.
   */
  private long replaceWhere(String table, Dataset<Row> rows, String condition) {
    if (createWithRows(table, rows, condition)) {
      return 0;
    }
    ensure(table);
    java.util.OptionalLong replaced = replaceWholeFiles(table, rows, condition);
    if (replaced.isPresent()) {
      return replaced.getAsLong();
    }
    rows.write().format("delta").mode("overwrite").option("replaceWhere", condition).save(location(table));
    return version(table);
  }

  /**
   * replaceWhere in one transaction of our own when every file that may hold rows of the condition
   * holds nothing else (Delta's file statistics or partition values say no other row can be in it):
   * those files are removed whole and the rows written, in one commit, as Delta's WRITE with the
   * predicate. Why: Delta's replaceWhere on a column that is not a partition column (the gold
   * tables') deletes through its DELETE command, which scans the matching files and rewrites what
   * remains of them, more Spark jobs; a rerun for a date already written paid about a second per
   * table on small data. The files are found by the transaction's own file filter with the resolved
   * condition, so a concurrent write to the same dates conflicts as with replaceWhere, and one to
   * other dates does not. Empty (nothing committed) when a file may also hold other rows (another
   * date, a NULL, no statistics): the caller then uses replaceWhere.
   */
  java.util.OptionalLong replaceWholeFiles(String table, Dataset<Row> rows, String condition) {
    org.apache.spark.sql.delta.DeltaLog log = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table));
    org.apache.spark.sql.delta.OptimisticTransaction txn = log.startTransaction();
    org.apache.spark.sql.catalyst.plans.logical.LogicalPlan analyzed =
        spark.read().format("delta").load(location(table)).where(condition).queryExecution().analyzed();
    if (!(analyzed instanceof org.apache.spark.sql.catalyst.plans.logical.Filter filter)) {
      return java.util.OptionalLong.empty();
    }
    org.apache.spark.sql.catalyst.expressions.Expression matches = filter.condition();
    List<org.apache.spark.sql.delta.actions.AddFile> replaced =
        scala.jdk.javaapi.CollectionConverters.asJava(txn.filterFiles(scala.jdk.javaapi.CollectionConverters.asScala(List.of(matches)).toList(), false));
    if (!replaced.isEmpty()) {
      // Files that may hold a row the condition does not match (false or NULL), by the same data
      // skipping, on the transaction's snapshot but outside its reads: other dates are not read.
      org.apache.spark.sql.catalyst.expressions.Expression other = new org.apache.spark.sql.catalyst.expressions.Not(matches);
      scala.collection.Iterator<org.apache.spark.sql.catalyst.expressions.Attribute> columns = matches.references().iterator();
      while (columns.hasNext()) {
        other = new org.apache.spark.sql.catalyst.expressions.Or(other, new org.apache.spark.sql.catalyst.expressions.IsNull(columns.next()));
      }
      java.util.Set<String> mixed = new java.util.HashSet<>();
      scala.jdk.javaapi.CollectionConverters.asJava(
          txn.snapshot().filesForScan(scala.jdk.javaapi.CollectionConverters.asScala(List.of(other)).toList(), false).files())
          .forEach(f -> mixed.add(f.path()));
      if (replaced.stream().anyMatch(f -> mixed.contains(f.path()))) {
        return java.util.OptionalLong.empty();
      }
    }
    return java.util.OptionalLong.of(commitOverwrite(txn, replaced, rows, rowChecks(condition), Option.apply(condition)));
  }

  /**
   * Commits {@code txn} as Delta's WRITE in overwrite mode with {@code predicate}: {@code removed}
   * removed, {@code rows} written as new files checked against the table's constraints and
   * {@code checks}. Returns the version committed.
   */
  private static long commitOverwrite(org.apache.spark.sql.delta.OptimisticTransaction txn,
      java.util.Collection<org.apache.spark.sql.delta.actions.AddFile> removed, Dataset<Row> rows,
      List<org.apache.spark.sql.delta.constraints.Constraint> checks, Option<String> predicate) {
    long now = System.currentTimeMillis();
    List<org.apache.spark.sql.delta.actions.Action> actions = new ArrayList<>();
    removed.forEach(f -> actions.add(f.removeWithTimestamp(now, true)));
    actions.addAll(scala.jdk.javaapi.CollectionConverters.asJava(writeFiles(txn, rows, checks)));
    return txn.commit(scala.jdk.javaapi.CollectionConverters.asScala(actions).toList(),
        writeOperation(org.apache.spark.sql.SaveMode.Overwrite, predicate));
  }

  /**
   * Appends {@code rows} (in the table's column order and types) in one commit through Delta's
   * transaction API, the table's CHECK constraints enforced as in any write. Returns the version the
   * transaction read and the version it committed: one more when no other commit came between, which
   * lets a caller that knew the table's rows at the first know them at the second.
   */
  long[] appendRows(String table, Dataset<Row> rows) {
    org.apache.spark.sql.delta.OptimisticTransaction txn =
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table)).startTransaction();
    long read = txn.readVersion();
    return new long[] {read, txn.commit(writeFiles(txn, rows, List.of()), writeOperation(org.apache.spark.sql.SaveMode.Append, Option.empty()))};
  }

  /**
   * Replaces every row of {@code table} with {@code rows} (in the table's column order and types) in
   * one commit, as Delta's overwrite does, the table's CHECK constraints enforced. The files removed
   * come from the commit log when it lists them ({@link #replayedFiles}): Delta's own overwrite first
   * reconstructs the table's state, two Spark jobs a table (0.3-1 s each for silver at full scale).
   * The whole table is registered as read, as Delta's overwrite does, so a concurrent change of it
   * fails the commit. Returns the version committed.
   */
  public long overwrite(String table, Dataset<Row> rows) {
    org.apache.spark.sql.delta.OptimisticTransaction txn =
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table)).startTransaction();
    // Every file, those without rows too (an empty write's): each is removed.
    java.util.Optional<java.util.Collection<org.apache.spark.sql.delta.actions.AddFile>> listed =
        txn.readVersion() > MAX_LISTED_COMMITS ? java.util.Optional.empty() : replayedFiles(table, txn.readVersion(), false);
    if (listed.isEmpty()) {
      rows.write().format("delta").mode("overwrite").save(location(table));
      return version(table);
    }
    readWholeTable(txn, listed.get());
    return commitOverwrite(txn, listed.get(), rows, List.of(), Option.empty());
  }

  /**
   * Registers {@code files}, every file of the table, as read by {@code txn}, as Delta's
   * {@code filterFiles()} does when it reads a whole table: a concurrent change of the table then
   * fails the commit. For files taken from the commit log instead of Delta's state.
   */
  private static void readWholeTable(org.apache.spark.sql.delta.OptimisticTransaction txn,
      java.util.Collection<org.apache.spark.sql.delta.actions.AddFile> files) {
    txn.readWholeTable();
    txn.trackFilesRead(scala.jdk.javaapi.CollectionConverters.asScala(files).toList());
  }

  /** Columns of {@link #replaceRows}'s {@code replaced}: where a row lives, as Delta's {@code _metadata} names it. */
  public static final String FILE_PATH = "file_path";
  public static final String ROW_INDEX = "row_index";

  /**
   * {@code table}'s rows at {@code readVersion} with {@code columns} and where each lives
   * ({@link #FILE_PATH}, {@link #ROW_INDEX}), for {@link #replaceRows}.
   */
  public Dataset<Row> readLocated(String table, long readVersion, Column... columns) {
    List<Column> all = new ArrayList<>(List.of(columns));
    all.add(col("_metadata.file_path").as(FILE_PATH));
    all.add(col("_metadata.row_index").as(ROW_INDEX));
    // The same files as replaceRows takes as its candidates (both from the commit log, or both
    // from Delta's state): it finds the rows' files among them by these paths.
    return readVersion(table, readVersion).select(all.toArray(Column[]::new));
  }

  /**
   * In one commit of {@code table} (deletion vectors on): the rows {@code replaced} locates
   * ({@link #readLocated} at {@code readVersion}) are marked deleted, and {@code rows} (in the
   * table's column order and types, checked against its constraints) are added. This is what a
   * MERGE that updates those rows and inserts the others commits, without its two joins of the
   * source with the whole table: the caller already knows which rows it replaces. Delta's own
   * DML code builds the deletion vectors (merged with a file's earlier ones) and the file actions.
   * The commit records the whole table as read, so a concurrent change of it fails the commit; a
   * table that moved past {@code readVersion} before it began is refused (nothing is written).
   * Returns the version committed.
   */
  public long replaceRows(String table, long readVersion, Dataset<Row> replaced, Dataset<Row> rows, String description) {
    org.apache.spark.sql.delta.DeltaLog log = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table));
    org.apache.spark.sql.delta.OptimisticTransaction txn = log.startTransaction();
    if (txn.readVersion() != readVersion) {
      throw new java.util.ConcurrentModificationException(
          table + " is at version " + txn.readVersion() + ", not " + readVersion + " as read: written by another run meanwhile");
    }
    if (!org.apache.spark.sql.delta.commands.DeletionVectorUtils$.MODULE$.deletionVectorsWritable(txn.protocol(), txn.metadata())) {
      throw new IllegalStateException(table + " does not have deletion vectors enabled (delta.enableDeletionVectors)");
    }
    // The files that hold rows, as readLocated read them: from the commit log when it lists them,
    // without the Spark jobs that reconstruct the table's state (about 2 s a table in an increment).
    java.util.Optional<java.util.Collection<org.apache.spark.sql.delta.actions.AddFile>> listed = listedFiles(txn.snapshot(), table, readVersion);
    scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.AddFile> files;
    if (listed.isPresent()) {
      files = scala.jdk.javaapi.CollectionConverters.asScala(listed.get()).toList();
      readWholeTable(txn, listed.get());
    } else {
      files = txn.filterFiles();
    }
    boolean hasDeletionVectors = scala.jdk.javaapi.CollectionConverters.asJava(files).stream().anyMatch(f -> f.deletionVector() != null);
    scala.collection.immutable.Seq<org.apache.spark.sql.delta.commands.DeletionVectorResult> vectors =
        org.apache.spark.sql.delta.commands.DeletionVectorBitmapGenerator$.MODULE$.buildRowIndexSetsForFilesMatchingCondition(
            spark, txn, hasDeletionVectors, replaced, files, org.apache.spark.sql.catalyst.expressions.Literal.TrueLiteral(),
            Option.apply(col(FILE_PATH)), Option.apply(col(ROW_INDEX)));
    org.apache.spark.sql.delta.commands.DMLWithDeletionVectorsHelper$ dml = org.apache.spark.sql.delta.commands.DMLWithDeletionVectorsHelper$.MODULE$;
    scala.collection.immutable.Seq<org.apache.spark.sql.delta.commands.TouchedFileWithDV> touched =
        dml.findFilesWithMatchingRows(txn, dml.generateCandidateFileMap(log.dataPath(), files), vectors);
    List<org.apache.spark.sql.delta.actions.Action> actions = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(
        dml.processUnmodifiedData(spark, touched, txn.snapshot(),
            org.apache.spark.sql.delta.stats.StatsCollectionUtils$.MODULE$.getDataSkippingStringPrefixLength(spark, txn.metadata()))._1()));
    List<org.apache.spark.sql.delta.actions.Action> added = scala.jdk.javaapi.CollectionConverters.asJava(writeFiles(txn, rows, List.of()));
    actions.addAll(added);
    // DESCRIBE HISTORY's MERGE metrics, as Delta's MERGE reports them: replaced rows count as updated.
    long replacedRows = scala.jdk.javaapi.CollectionConverters.asJava(vectors).stream().mapToLong(v -> v.matchedRowCount()).sum();
    long addedRows = added.stream().filter(a -> a instanceof org.apache.spark.sql.delta.actions.AddFile)
        .mapToLong(a -> (Long) ((org.apache.spark.sql.delta.actions.AddFile) a).numLogicalRecords().getOrElse(() -> 0L)).sum();
    Map<String, Long> metrics = Map.of("numSourceRows", addedRows, "operationNumSourceRows", addedRows, "numOutputRows", addedRows, "numTargetRowsUpdated", replacedRows,
        "numTargetRowsInserted", addedRows - replacedRows, "numTargetRowsCopied", 0L, "numTargetRowsDeleted", 0L);
    Map<String, org.apache.spark.sql.execution.metric.SQLMetric> sqlMetrics = new java.util.HashMap<>();
    metrics.forEach((name, value) -> {
      org.apache.spark.sql.execution.metric.SQLMetric m =
          org.apache.spark.sql.execution.metric.SQLMetrics$.MODULE$.createMetric(spark.sparkContext(), name);
      m.set(value);
      sqlMetrics.put(name, m);
    });
    txn.registerSQLMetrics(spark, scalaMap(sqlMetrics));
    scala.collection.immutable.Seq<org.apache.spark.sql.delta.DeltaOperations.MergePredicate> none = scala.collection.immutable.List$.MODULE$.empty();
    return txn.commit(scala.jdk.javaapi.CollectionConverters.asScala(actions).toList(),
        new org.apache.spark.sql.delta.DeltaOperations.Merge(Option.empty(), Option.apply(description), Option.empty(), Option.empty(), none, none, none));
  }

  /** A WRITE commit's operation (what DESCRIBE HISTORY shows) with {@code predicate} (replaceWhere's), as Delta's own writer records it. */
  private static org.apache.spark.sql.delta.DeltaOperations.Write writeOperation(org.apache.spark.sql.SaveMode mode, Option<String> predicate) {
    return new org.apache.spark.sql.delta.DeltaOperations.Write(mode, Option.empty(), predicate, Option.empty(), Option.empty(),
        Option.empty(), Option.empty(), Option.empty(), Option.empty());
  }

  /** {@code rows} written as data files of {@code txn}, checked against the table's constraints and {@code checks}: the commit's actions. */
  private static scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.Action> writeFiles(
      org.apache.spark.sql.delta.OptimisticTransaction txn, Dataset<Row> rows, List<org.apache.spark.sql.delta.constraints.Constraint> checks) {
    // Scala's immutable Seq is covariant: the written files are the commit's actions as they are.
    @SuppressWarnings("unchecked")
    scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.Action> actions = (scala.collection.immutable.Seq<org.apache.spark.sql.delta.actions.Action>)
        (scala.collection.immutable.Seq<?>) txn.writeFiles(rows, Option.empty(), scala.jdk.javaapi.CollectionConverters.asScala(checks).toList());
    return actions;
  }

  /** {@code rows} cast to the table's column order and types. */
  static Dataset<Row> typed(String table, Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>();
    for (StructField f : Tables.get(table).schema().fields()) {
      columns.add(col(f.name()).cast(f.dataType()).alias(f.name()));
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /**
   * Makes {@code table} from its definition with {@code rows} (in the table's column order and
   * types) in its first commit, as Delta's own CREATE TABLE AS SELECT does, but with the
   * definition's schema (NOT NULL columns and comments: CTAS would make every column nullable),
   * properties and CHECK constraints, which the rows are checked against as in any write. Returns
   * false, writing nothing, when the table exists. Why: an empty table made first and then written
   * costs two commits, and the write on the empty version reconstructs its state with Spark jobs
   * (replaceWhere deletes through Delta's DELETE, which counts the files): about a second per table
   * on small data, a quarter of a small pipeline run. Every row must satisfy {@code rowCondition}
   * (SQL, or null for none), as replaceWhere requires. Two processes creating the same table at
   * once: one commit wins, the other fails with Delta's concurrent-modification error and writes
   * nothing, as with any new Delta table.
   */
  boolean createWithRows(String table, Dataset<Row> rows, String rowCondition) {
    if (exists(table)) {
      return false;
    }
    TableDefinition def = Tables.get(table);
    createDatabases();
    org.apache.spark.sql.delta.DeltaLog log = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location(table));
    org.apache.spark.sql.delta.OptimisticTransaction txn = log.startTransaction();
    if (txn.readVersion() >= 0) {
      return false;
    }
    org.apache.spark.sql.delta.actions.Metadata metadata = new org.apache.spark.sql.delta.actions.Metadata(
        java.util.UUID.randomUUID().toString(), null, def.comment(),
        new org.apache.spark.sql.delta.actions.Format("parquet", scalaMap(Map.of())),
        def.schema().json(), scala.jdk.javaapi.CollectionConverters.asScala(def.partitionedBy()).toList(),
        scalaMap(configuration(def)), Option.apply((Object) System.currentTimeMillis()));
    txn.updateMetadataForNewTable(metadata);
    txn.commit(writeFiles(txn, rows, rowChecks(rowCondition)), new org.apache.spark.sql.delta.DeltaOperations.CreateTable(metadata, false, true, Option.empty()));
    register(table);
    return true;
  }

  /**
   * The check every written row must pass, as replaceWhere's: {@code rowCondition} (SQL, or null for
   * none) as the constraint {@code replace_where}, for a write through the transaction API.
   */
  private List<org.apache.spark.sql.delta.constraints.Constraint> rowChecks(String rowCondition) {
    if (rowCondition == null) {
      return List.of();
    }
    try {
      return List.of(new org.apache.spark.sql.delta.constraints.Constraints.Check("replace_where",
          spark.sessionState().sqlParser().parseExpression(rowCondition)));
    } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
      throw new IllegalArgumentException("Not a row condition: " + rowCondition, e); // built by regsurv, never user text
    }
  }

  private static <V> scala.collection.immutable.Map<String, V> scalaMap(Map<String, V> map) {
    return scala.collection.immutable.Map$.MODULE$.from(scala.jdk.javaapi.CollectionConverters.asScala(map));
  }

  /**
   * Replaces the rows of several dates in one commit ({@code replaceWhere} on an IN list of
   * dates): a backfill writes every snapshot at once. As {@link #replaceDate}, the rows'
   * partitions are the files written. Returns the version written.
   */
  public long replaceDates(String table, String dateColumn, java.util.Collection<LocalDate> dates, Dataset<Row> rows) {
    if (dates.isEmpty()) {
      throw new IllegalArgumentException("replaceDates needs at least one date");
    }
    // The dates are LocalDates rendered ISO, never user text.
    String in = dates.stream().sorted().distinct().map(d -> "DATE'" + d + "'").collect(java.util.stream.Collectors.joining(", "));
    return replaceWhere(table, typed(table, rows), dateColumn + " IN (" + in + ")");
  }

  /**
   * Creates the databases and registers every table that exists under the root: the pipeline's
   * tables and any other Delta table in a database folder ({@code <root>/<db>/<name>}, e.g. written
   * by {@code km --output-table}).
   */
  public void registerExisting() {
    createDatabases();
    for (String table : Tables.ALL) {
      if (exists(table)) {
        register(table);
      }
    }
    for (String db : Tables.DATABASES) {
      for (String name : otherTables(db)) {
        registerAt(db, name, otherLocation(db, name));
      }
    }
    registerViews();
  }

  /**
   * (Re)creates the view {@link SilverFirm#VIEW} (silver.firm with last_seen_snapshot) over the
   * registered silver.firm and silver.classify_watermark; nothing while silver.firm does not exist
   * or predates its current columns (classify rebuilds it).
   */
  public void registerViews() {
    if (!exists(Tables.FIRM) || !missingColumns(Tables.FIRM).isEmpty()) {
      return;
    }
    // The SQL is built from our own table and column names only.
    spark.sql("CREATE OR REPLACE VIEW " + SilverFirm.VIEW + " AS " + SilverFirm.viewSql(exists(Tables.CLASSIFY_WATERMARK)));
  }

  /** Where a table that is not one of the pipeline's lives: {@code <root>/<db>/<name>}. */
  public String otherLocation(String database, String name) {
    if (!Tables.DATABASES.contains(database) || !OTHER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Not a warehouse table name: " + database + "." + name);
    }
    return root + "/" + database + "/" + name;
  }

  /** Registers {@code database.name} at {@link #otherLocation} (after writing it there). */
  public void registerOther(String database, String name) {
    createDatabases();
    registerAt(database, name, otherLocation(database, name));
  }

  /** Delta tables in a database folder that are not pipeline tables. */
  private List<String> otherTables(String database) {
    List<String> names = new ArrayList<>();
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root + "/" + database);
      org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return names;
      }
      for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        if (st.isDirectory() && OTHER_NAME.matcher(name).matches() && !Tables.ALL.contains(database + "." + name)
            && fs.exists(new org.apache.hadoop.fs.Path(st.getPath(), "_delta_log"))) {
          names.add(name);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list the tables under " + root + "/" + database, e);
    }
    names.sort(null);
    return names;
  }

  private static final java.util.regex.Pattern OTHER_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Creates the table from its definition if it does not exist yet, and registers it. */
  public void ensure(String table) {
    TableDefinition def = Tables.get(table);
    createDatabases();
    if (!exists(table)) {
      fromDefinition(DeltaTable.createIfNotExists(spark), def).execute();
    }
    register(table);
    // A table made by an earlier regsurv may lack a column a constraint names: its stage rebuilds
    // it (replaceWithDefinition), which applies constraints and properties then.
    if (missingColumns(table).isEmpty()) {
      addMissingConstraints(def);
      addMissingProperties(def);
    }
  }

  /**
   * The definition's columns that an existing table lacks, in definition order (empty when the
   * table does not exist): a table created by an earlier version of regsurv.
   */
  public List<String> missingColumns(String table) {
    if (!exists(table)) {
      return List.of();
    }
    List<String> present = List.of(snapshot(table).schema().fieldNames());
    return Tables.get(table).columnNames().stream().filter(c -> !present.contains(c)).toList();
  }

  /**
   * Replaces a table with an empty one of its current definition (Delta REPLACE: one commit, the
   * old versions stay readable by time travel). Only for a derived table whose caller rewrites it
   * straight away: how classify brings a silver table made before a column was added up to date,
   * since a NOT NULL column cannot be added to a table that already has rows.
   */
  public void replaceWithDefinition(String table) {
    TableDefinition def = Tables.get(table);
    fromDefinition(DeltaTable.replace(spark), def).execute();
    register(table);
    addMissingConstraints(def);
    addMissingProperties(def);
  }

  private DeltaTableBuilder fromDefinition(DeltaTableBuilder builder, TableDefinition def) {
    builder = builder.location(location(def.name())).comment(def.comment());
    for (StructField f : def.schema().fields()) {
      builder = builder.addColumn(f);
    }
    if (!def.partitionedBy().isEmpty()) {
      builder = builder.partitionedBy(def.partitionedBy().toArray(String[]::new));
    }
    for (Map.Entry<String, String> p : configuration(def).entrySet()) {
      builder = builder.property(p.getKey(), p.getValue());
    }
    return builder;
  }

  /**
   * The table's Delta properties: the definition's, and its CHECK constraints where Delta keeps them
   * (delta.constraints.&lt;name&gt;), so they go in with the table: the same as ALTER TABLE ADD
   * CONSTRAINT, without a commit and a validating scan per constraint.
   */
  private static Map<String, String> configuration(TableDefinition def) {
    Map<String, String> configuration = new java.util.LinkedHashMap<>(def.properties());
    def.constraints().forEach((name, expression) -> configuration.put(CONSTRAINT_PREFIX + name.toLowerCase(java.util.Locale.ROOT), expression));
    return configuration;
  }

  private static final String CONSTRAINT_PREFIX = "delta.constraints.";

  private void createDatabases() {
    SessionCatalog catalog = spark.sessionState().catalog();
    for (String db : Tables.DATABASES) {
      // Asked of the catalog first: a CREATE statement per database per write is a query each.
      if (!catalog.databaseExists(db)) {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + db);
      }
    }
  }

  private void register(String table) {
    TableDefinition def = Tables.get(table);
    registerAt(def.database(), def.table(), location(table));
  }

  private void registerAt(String database, String name, String location) {
    String table = database + "." + name;
    // The session catalog directly: asking through Delta would read (possibly vanished) files.
    SessionCatalog catalog = spark.sessionState().catalog();
    TableIdentifier id = new TableIdentifier(name, Option.apply(database));
    if (catalog.tableExists(id)) {
      if (registeredLocation(catalog, id).equals(location)) {
        return;
      }
      // Registered for another warehouse earlier in this JVM (tests, notebooks): re-point it.
      // Dropping an external table's entry never touches its files.
      catalog.dropTable(id, true, false);
    }
    // Names come from our table definitions or match OTHER_NAME (letters, digits, _); the location
    // is quoted as a SQL string literal.
    spark.sql("CREATE TABLE IF NOT EXISTS " + table + " USING delta LOCATION " + sqlString(location));
  }

  private static String registeredLocation(SessionCatalog catalog, TableIdentifier id) {
    try {
      return SparkSessions.warehouseUri(catalog.getTableMetadata(id).location().toString());
    } catch (Exception e) { // NoSuchTable/NamespaceException: checked in Scala's signature
      return "";
    }
  }

  private void addMissingConstraints(TableDefinition def) {
    if (def.constraints().isEmpty()) {
      return;
    }
    Map<String, String> props = properties(def.name());
    for (Map.Entry<String, String> c : def.constraints().entrySet()) {
      if (!props.containsKey(CONSTRAINT_PREFIX + c.getKey().toLowerCase(java.util.Locale.ROOT))) {
        spark.sql("ALTER TABLE " + def.name() + " ADD CONSTRAINT " + c.getKey() + " CHECK (" + c.getValue() + ")");
      }
    }
  }

  /**
   * Sets the definition's table properties that an existing table lacks (one metadata commit, none
   * when all are set): e.g. deletion vectors on a silver table made before they were enabled.
   */
  private void addMissingProperties(TableDefinition def) {
    if (def.properties().isEmpty()) {
      return;
    }
    Map<String, String> props = properties(def.name());
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> p : new java.util.TreeMap<>(def.properties()).entrySet()) {
      if (!p.getValue().equals(props.get(p.getKey()))) {
        missing.add(sqlString(p.getKey()) + " = " + sqlString(p.getValue()));
      }
    }
    if (!missing.isEmpty()) {
      // Keys and values come from our table definitions, quoted as SQL string literals.
      spark.sql("ALTER TABLE " + def.name() + " SET TBLPROPERTIES (" + String.join(", ", missing) + ")");
    }
  }

  /** A SQL string literal for a value we produced ourselves (paths): quotes and backslashes escaped. */
  static String sqlString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
