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

  /** A USCC with a correct check character. */
  public static final String VALID_USCC = "91440300MA5F00001" + io.regsurv.core.Uscc.checkCharacter("91440300MA5F00001");

  /** Its twin with the check character mistyped: what a dirty dump row holds. */
  public static final String MISTYPED_USCC =
      VALID_USCC.substring(0, 17) + io.regsurv.core.Uscc.CHARSET.charAt((io.regsurv.core.Uscc.CHARSET.indexOf(VALID_USCC.charAt(17)) + 1) % 31);

  /** A 15-digit pre-2015 registration number (注册号): uscc_valid is false, yet it names a real firm. */
  public static final String REGISTRATION_NUMBER = "440301000123456";

  /**
   * A silver.firm row (as stored) with the columns survival and report use; the rest neutral.
   * {@code lastSeen} is stored as vanished_after_snapshot: with no watermark, readers take it as the
   * firm's last sighting (io.regsurv.io.SilverFirm).
   */
  public static Row firm(String uscc, String established, String status, String exitDate, String exitCause, String firstSeen, String lastSeen, String province) {
    return firm(uscc, established, status, exitDate, exitCause, firstSeen, lastSeen, province, true);
  }

  public static Row firm(String uscc, String established, String status, String exitDate, String exitCause, String firstSeen, String lastSeen, String province, boolean ai) {
    return firm(uscc, true, established, status, exitDate, exitCause, firstSeen, lastSeen, province, ai);
  }

  /** A firm row with its uscc_valid flag given (false with an 18-character code: a mistyped code). */
  public static Row firm(String uscc, boolean usccValid, String established, String status, String exitDate, String exitCause, String firstSeen, String lastSeen, String province, boolean ai) {
    LocalDate est = LocalDate.parse(established);
    LocalDate first = LocalDate.parse(firstSeen);
    boolean exited = exitDate != null;
    return RowFactory.create(
        uscc, usccValid, "n", Date.valueOf(est), province, null, null, BigDecimal.TEN, "CNY", "10-100", ai, null,
        status, null, null, Date.valueOf(first), Date.valueOf(LocalDate.parse(lastSeen)), exited,
        exited ? Date.valueOf(LocalDate.parse(exitDate)) : null, exitCause, exited ? "status_date" : null, null, null,
        (int) ChronoUnit.DAYS.between(est, first), 0L);
  }

  /** The rows as readers see silver.firm (with last_seen_snapshot, io.regsurv.io.SilverFirm): for transforms given firms in memory. */
  public static Dataset<Row> firmsAsRead(Row... rows) {
    return io.regsurv.io.SilverFirm.withLastSeen(firms(rows), null);
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
