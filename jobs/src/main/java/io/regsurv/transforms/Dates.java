package io.regsurv.transforms;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.try_to_date;

import java.util.List;
import org.apache.spark.sql.Column;

/** Date strings of registry dumps (2024-07-31, 2024/7/31, 20240731, 2024年7月31日, full-width digits) to dates. */
public final class Dates {
  private Dates() {}

  /**
   * The first format that parses wins; impossible dates (2023-02-30) and anything else become
   * NULL rather than an error, because Spark 4 is ANSI and {@code to_date} would fail the job.
   * A trailing time of day ("2002-01-10 00:00:00") is dropped.
   */
  public static Column parse(Column text, List<String> formats) {
    Column t = regexp_replace(regexp_replace(Text.clean(text), "[ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$", ""), " ", "");
    Column[] attempts = new Column[formats.size() + 1];
    for (int i = 0; i < formats.size(); i++) {
      attempts[i] = try_to_date(t, formats.get(i));
    }
    attempts[formats.size()] = lit(null).cast("date");
    return coalesce(attempts);
  }
}
