package io.regsurv.io;

import java.util.Objects;

/** One column of a table definition: Spark DDL type, nullability and the comment analysts see. */
public record ColumnDefinition(String name, String type, boolean nullable, String comment) {
  public ColumnDefinition {
    Objects.requireNonNull(name, "column name");
    Objects.requireNonNull(type, "column type of " + name);
    if (comment == null || comment.isBlank()) {
      throw new IllegalArgumentException("column " + name + " needs a comment");
    }
  }
}
