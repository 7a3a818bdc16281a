package io.regsurv.cli;

import io.regsurv.core.BadInputException;
import io.regsurv.io.Tables;
import io.regsurv.io.Warehouse;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The {@code --output-table db.name} of the commands that analyse an arbitrary table ({@code km}, {@code cox}). */
final class OutputTable {
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");

  private OutputTable() {}

  /** Refuses a name that is not db.name, names a pipeline table, or a database the warehouse does not have (before any work is done). */
  static void check(String outputTable) {
    if (outputTable == null) {
      return;
    }
    if (!TABLE_NAME.matcher(outputTable).matches()) {
      throw new BadInputException("Cannot write --output-table '" + outputTable + "': expected db.name (letters, digits, _)");
    }
    if (Tables.ALL.contains(outputTable)) {
      throw new BadInputException("Cannot write --output-table " + outputTable + ": it is a pipeline table; choose another name");
    }
    String database = outputTable.substring(0, outputTable.indexOf('.'));
    if (!Tables.DATABASES.contains(database)) {
      throw new BadInputException("Cannot write --output-table " + outputTable + ": database '" + database
          + "' does not exist (use one of the warehouse's: bronze, silver, gold, ops)");
    }
  }

  /**
   * Replaces the table with {@code rows} (when one was asked for). Written under the warehouse root
   * ({@code <root>/<db>/<name>}), not as a managed table under spark.sql.warehouse.dir:
   * registerExisting finds it there at the next start.
   */
  static void write(Warehouse warehouse, String outputTable, Dataset<Row> rows) {
    if (outputTable == null) {
      return;
    }
    String database = outputTable.substring(0, outputTable.indexOf('.'));
    String name = outputTable.substring(outputTable.indexOf('.') + 1);
    rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(warehouse.otherLocation(database, name));
    warehouse.registerOther(database, name);
  }
}
