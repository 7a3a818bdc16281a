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
}
