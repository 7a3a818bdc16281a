package io.regsurv.io;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Delta table as data ({@code schemas/tables/<layer>.<name>.json}): columns with comments,
 * partitioning, CHECK constraints and table properties, applied when the table is created.
 */
public record TableDefinition(
    String name,
    String comment,
    List<String> partitionedBy,
    List<ColumnDefinition> columns,
    Map<String, String> constraints,
    Map<String, String> properties) {

  public TableDefinition {
    Objects.requireNonNull(name, "table name");
    if (!name.matches("[a-z]+\\.[a-z_]+")) {
      throw new IllegalArgumentException("table name must be layer.noun, was " + name);
    }
    partitionedBy = partitionedBy == null ? List.of() : List.copyOf(partitionedBy);
    columns = List.copyOf(columns);
    constraints = constraints == null ? Map.of() : Map.copyOf(constraints);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** The database (layer): bronze, silver, gold or ops. */
  public String database() {
    return name.substring(0, name.indexOf('.'));
  }

  /** The table name without its database. */
  public String table() {
    return name.substring(name.indexOf('.') + 1);
  }

  /** The Spark schema, with each column's comment in its metadata. */
  public StructType schema() {
    StructField[] fields = new StructField[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      ColumnDefinition c = columns.get(i);
      Metadata meta = new MetadataBuilder().putString("comment", c.comment()).build();
      fields[i] = new StructField(c.name(), DataType.fromDDL(c.type()), c.nullable(), meta);
    }
    return new StructType(fields);
  }

  /** Column names in table order. */
  public List<String> columnNames() {
    return columns.stream().map(ColumnDefinition::name).toList();
  }
}
