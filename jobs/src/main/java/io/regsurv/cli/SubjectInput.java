package io.regsurv.cli;

import io.regsurv.core.BadInputException;
import io.regsurv.stats.CoxCsv;
import io.regsurv.stats.CoxFit;
import io.regsurv.stats.CoxSpec;
import io.regsurv.stats.CsvCells;
import io.regsurv.stats.RiskCells;
import io.regsurv.stats.SubjectSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * The input of the commands that analyse an arbitrary table ({@code km}, {@code cox}): exactly one
 * of a CSV file, a Delta table or a warehouse query.
 */
final class SubjectInput {
  @Option(names = "--csv", paramLabel = "FILE", description = "CSV file with a header row (UTF-8), read as text and parsed exactly.")
  String csv;

  @Option(names = "--delta", paramLabel = "PATH", description = "Delta table folder or URI.")
  String delta;

  @Option(names = "--query", paramLabel = "SQL", description = "Spark SQL query against the warehouse catalog, e.g. on silver.firm.")
  String query;

  /** Whether the input names warehouse tables (a query): only then must the catalog know them. */
  boolean byName() {
    return query != null;
  }

  /** How the user named the input, for messages. */
  String source() {
    if (csv != null) {
      return "CSV file " + csv;
    }
    return delta != null ? "Delta table " + delta : "query";
  }

  /**
   * The cells of a local CSV file read without Spark ({@link CsvCells}), or empty when the input is
   * not such a file or not one that reader takes: then {@link #read} and the Spark path.
   */
  Optional<RiskCells> localCells(SubjectSpec spec, long maxCells) {
    return local(file -> CsvCells.read(file, spec, maxCells));
  }

  /** A Cox model of a local CSV file fitted without Spark ({@link CoxCsv}), or empty: then {@link #read} and the Spark path. */
  Optional<CoxFit> localCoxFit(CoxSpec spec, long maxCells) {
    return local(file -> CoxCsv.fit(file, spec, source(), maxCells));
  }

  private interface LocalReader<T> {
    Optional<T> read(Path file) throws IOException;
  }

  private <T> Optional<T> local(LocalReader<T> reader) {
    if (csv == null || csv.contains(":") || !Files.isRegularFile(Path.of(csv))) {
      return Optional.empty();
    }
    try {
      return reader.read(Path.of(csv));
    } catch (IOException e) {
      return Optional.empty(); // the Spark path reads it again and reports what is wrong
    }
  }

  /**
   * The input table (lazy).
   *
   * @param what what could not be done if the file is missing, e.g. "Cannot fit a Cox model to"
   */
  Dataset<Row> read(SparkSession spark, String what) {
    if (csv != null) {
      if (!new java.io.File(csv).isFile() && !csv.contains("://")) {
        throw new BadInputException(what + " " + source() + ": file not found");
      }
      // Every column as text: the estimators parse numbers themselves and name the bad values.
      return spark.read().option("header", "true").option("encoding", "UTF-8").option("mode", "FAILFAST").csv(csv);
    }
    if (delta != null) {
      return spark.read().format("delta").load(delta);
    }
    return spark.sql(query);
  }
}
