package io.regsurv.jobs;

import io.regsurv.io.Warehouse;
import io.regsurv.schemas.Tables;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Hand-made bronze.registry_snapshot partitions, written the way ingest writes them (replaceWhere per snapshot). */
final class BronzeFixture {
  private final Warehouse warehouse;

  BronzeFixture(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** One firm's row in a snapshot; dates as ISO strings or null. */
  record Firm(String uscc, String statusRaw, String established, String statusDate, String cancellation, String revocation) {
    static Firm of(String uscc, String statusRaw, String established) {
      return new Firm(uscc, statusRaw, established, null, null, null);
    }

    Firm cancelled(String date) {
      return new Firm(uscc, statusRaw, established, date, date, revocation);
    }

    Firm revoked(String date) {
      return new Firm(uscc, statusRaw, established, date, cancellation, date);
    }
  }

  /** Writes (or replaces) the snapshot's partition. */
  void snapshot(String snapshotDate, Firm... firms) {
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
