package io.regsurv;

import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Hand-made bronze.registry_snapshot partitions, written the way ingest writes them (replaceWhere per snapshot). */
public final class BronzeFixture {
  private final Warehouse warehouse;

  public BronzeFixture(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** One firm's row in a snapshot; dates as ISO strings or null. */
  public record Firm(String uscc, String statusRaw, String established, String statusDate, String cancellation, String revocation) {
    public static Firm of(String uscc, String statusRaw, String established) {
      return new Firm(uscc, statusRaw, established, null, null, null);
    }

    public Firm cancelled(String date) {
      return new Firm(uscc, statusRaw, established, date, date, revocation);
    }

    public Firm revoked(String date) {
      return new Firm(uscc, statusRaw, established, date, cancellation, date);
    }
  }

  /** Writes (or replaces) the snapshot's partition. */
  public void snapshot(String snapshotDate, Firm... firms) {
    warehouse.ensure(Tables.REGISTRY_SNAPSHOT);
    List<Row> rows = new ArrayList<>();
    long line = 2;
    for (Firm f : firms) {
      rows.add(
          RowFactory.create(
              Date.valueOf(snapshotDate), f.uscc(), true, "企业" + f.uscc(), f.statusRaw(), Date.valueOf(f.established()),
              null, date(f.statusDate()), date(f.cancellation()), date(f.revocation()), "广东省", "深圳市", "有限责任公司",
              "100万元", new BigDecimal("100.0000"), "CNY", "软件开发", "h" + f.uscc(), false,
              "registry-" + snapshotDate + ".csv", line++, "ingest-test"));
    }
    warehouse
        .spark()
        .createDataFrame(rows, Tables.get(Tables.REGISTRY_SNAPSHOT).schema())
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", "snapshot_date = '" + snapshotDate + "'")
        .save(warehouse.location(Tables.REGISTRY_SNAPSHOT));
  }

  private static Date date(String iso) {
    return iso == null ? null : Date.valueOf(iso);
  }
}
