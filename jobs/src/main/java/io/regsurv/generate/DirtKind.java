package io.regsurv.generate;

/** The kinds of dirty rows a snapshot carries (data contract); {@code dirt.csv} names them. */
public enum DirtKind {
  /** Wrong field count or a stray quote (CSV), a truncated object (JSON Lines). */
  MALFORMED(false, 0.12),
  /** Values moved one column to the left: the code column holds the name. */
  SHIFTED_COLUMNS(false, 0.10),
  /** A USCC whose check character is wrong. */
  INVALID_CHECK_DIGIT(false, 0.12),
  /** 2023-02-30, year 1800, or established after the snapshot. */
  IMPOSSIBLE_DATE(false, 0.14),
  /** The firm's row written a second time in the same snapshot (the later line is the dirty one). */
  DUPLICATE(true, 0.22),
  /** A status string no dictionary knows. */
  UNKNOWN_STATUS(false, 0.10),
  /** Full-width digits and spaces: normalising (Text.halfWidth) recovers the row. */
  FULL_WIDTH(true, 0.20);

  private final boolean recoverable;
  private final double share;

  DirtKind(boolean recoverable, double share) {
    this.recoverable = recoverable;
    this.share = share;
  }

  /** True when a correct ingest keeps the firm's information (normalises or de-duplicates). */
  public boolean recoverable() {
    return recoverable;
  }

  static DirtKind pick(double u) {
    double x = u;
    for (DirtKind k : values()) {
      x -= k.share;
      if (x < 0) {
        return k;
      }
    }
    return FULL_WIDTH;
  }
}
