package io.regsurv.generate;

import java.nio.charset.Charset;
import java.time.LocalDate;
import java.util.List;

/**
 * What {@code regsurv generate} writes: where, how many firms, which snapshot dates, in which format.
 *
 * @param out output root (local path or Hadoop URI: file:, hdfs://, s3a://)
 * @param firms firms ever registered (full scale: {@link FirmModel#FULL_SCALE_FIRMS})
 * @param snapshots snapshot dates, ascending
 * @param format csv or jsonl
 * @param encoding charset of the snapshot files (truth files are always UTF-8)
 * @param gzip compress snapshot files
 * @param dirtRate share of rows that are dirty, 0..0.5
 * @param seed the registry's seed
 * @param parts files per snapshot
 * @param truth also write the ground truth under {@code <out>/truth/}
 * @param threads snapshot files written at once
 */
public record GeneratorSettings(
    String out,
    long firms,
    List<LocalDate> snapshots,
    SnapshotFormat format,
    Charset encoding,
    boolean gzip,
    double dirtRate,
    long seed,
    int parts,
    boolean truth,
    int threads) {

  public GeneratorSettings {
    snapshots = List.copyOf(snapshots);
  }

  /** The calibration's scale: 1 at full size, 1/20 for a 1/20-size registry. */
  public double scale() {
    return (double) firms / FirmModel.FULL_SCALE_FIRMS;
  }

  /** Firms of the demo preset. */
  public static final long DEMO_FIRMS = 50_000L;

  /**
   * A preset as {@code regsurv generate --scale demo|full} makes it with every other option at its
   * default (CSV, UTF-8, dirt rate 0.005, seed 42, one file per snapshot, truth on, one thread a core).
   */
  public static GeneratorSettings preset(String out, boolean full, Long firms) {
    long n = firms != null ? firms : full ? FirmModel.FULL_SCALE_FIRMS : DEMO_FIRMS;
    return new GeneratorSettings(out, n, full ? SnapshotDates.FULL : SnapshotDates.DEMO, SnapshotFormat.CSV,
        java.nio.charset.StandardCharsets.UTF_8, false, 0.005, 42, 1, true, Runtime.getRuntime().availableProcessors());
  }
}
