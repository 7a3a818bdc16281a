package io.regsurv;

import io.regsurv.io.Tables;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Hand-made silver rows for tests of the stages after classify. */
public final class SilverFixtures {
  private SilverFixtures() {}

  /** A silver.firm row with the columns survival and report use; the rest neutral. */
  public static Row firm(String uscc, String established, String status, String exitDate, String exitCause, String firstSeen, String lastSeen, String province) {
    return firm(uscc, established, status, exitDate, exitCause, firstSeen, lastSeen, province, true);
  }

  public static Row firm(String uscc, String established, String status, String exitDate, String exitCause, String firstSeen, String lastSeen, String province, boolean ai) {
    LocalDate est = LocalDate.parse(established);
    LocalDate first = LocalDate.parse(firstSeen);
    boolean exited = exitDate != null;
    return RowFactory.create(
        uscc, "n", Date.valueOf(est), province, null, null, BigDecimal.TEN, "CNY", "10-100", ai, null,
        status, null, null, Date.valueOf(first), Date.valueOf(LocalDate.parse(lastSeen)), exited,
        exited ? Date.valueOf(LocalDate.parse(exitDate)) : null, exitCause, exited ? "status_date" : null, null, null,
        (int) ChronoUnit.DAYS.between(est, first), 0L);
  }

  public static Dataset<Row> firms(Row... rows) {
    return SharedSpark.spark().createDataFrame(List.of(rows), Tables.get(Tables.FIRM).schema());
  }

  /** A silver.status_history row; validTo NULL = current. */
  public static Row period(String uscc, String status, String validFrom, String validTo) {
    return RowFactory.create(uscc, status, null, Date.valueOf(LocalDate.parse(validFrom)),
        validTo == null ? null : Date.valueOf(LocalDate.parse(validTo)), validTo == null, Date.valueOf(LocalDate.parse(validFrom)));
  }

  public static Dataset<Row> history(Row... rows) {
    return SharedSpark.spark().createDataFrame(List.of(rows), Tables.get(Tables.STATUS_HISTORY).schema());
  }
}
