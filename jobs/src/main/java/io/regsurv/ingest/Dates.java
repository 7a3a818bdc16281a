package io.regsurv.ingest;

import io.regsurv.core.Text;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_to_date;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/** Date strings of registry dumps (2024-07-31, 2024/7/31, 20240731, 2024年7月31日, full-width digits) to dates. */
public final class Dates {
  private Dates() {}

  private static final Pattern TIME_OF_DAY = Pattern.compile("[ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$");

  /**
   * A date column from its {@link #dateText} (made in the reading task, {@code Normalise}'s shaper):
   * the first format that parses wins; impossible dates (2023-02-30) and anything else become
   * NULL rather than an error, because Spark 4 is ANSI and {@code to_date} would fail the job.
   */
  public static Column parse(Column dateText, List<String> formats) {
    Column[] attempts = new Column[formats.size() + 1];
    for (int i = 0; i < formats.size(); i++) {
      attempts[i] = try_to_date(dateText, formats.get(i));
    }
    attempts[formats.size()] = lit(null).cast("date");
    return coalesce(attempts);
  }

  /** What the formats are tried on: the cleaned text without a time of day and without spaces. */
  public static String dateText(String s) {
    String t = Text.clean(s);
    if (t == null) {
      return null;
    }
    if (t.indexOf(':') >= 0) {
      t = TIME_OF_DAY.matcher(t).replaceFirst("");
    }
    return t.indexOf(' ') >= 0 ? t.replace(" ", "") : t;
  }
}
