package io.regsurv.stats;

import static io.regsurv.stats.Subjects.CAUSE;
import static io.regsurv.stats.Subjects.ENTRY;
import static io.regsurv.stats.Subjects.EVENT;
import static io.regsurv.stats.Subjects.GROUP;
import static io.regsurv.stats.Subjects.TIME;
import static io.regsurv.stats.Subjects.WEIGHT;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The weighted subjects of every group, collected to the driver: one cell per distinct (group,
 * entry, time, event, cause) with the number of subjects it stands for. Every estimator of
 * {@link CellEstimates} reads these cells only, so one Spark aggregation feeds all of them.
 *
 * <p>Bound: the driver holds at most groups × distinct entry times × distinct exit times × (causes + 1)
 * cells; without delayed entry (entry 0) that is groups × distinct times × (causes + 1), never the
 * number of subjects. A registry cohort has a few thousand distinct durations in days, so all
 * default cohorts of the full registry make a few hundred thousand cells. {@link #collect} refuses
 * (returns empty) beyond a caller's limit, checked while collecting: at most {@code maxCells + 1}
 * rows ever reach the driver.
 */
public final class RiskCells {
  /** Default limit of collected cells: about 250 bytes each on the driver, so 2 M cells ≈ 0.5 GiB of the 4 GiB heap. */
  public static final long DEFAULT_MAX_CELLS = 2_000_000L;

  /** Subjects with the same entry, exit time, event and cause ({@code cause} NULL when censored). */
  public record Cell(double entry, double time, int event, String cause, long weight) {}

  /** One order of a group's cells (they are distinct in these four). */
  private static final java.util.Comparator<Cell> ORDER = (a, b) -> {
    // Written out: the chained comparingDouble(...).thenComparing(...) was a fifth of the collect's driver time.
    int o = Double.compare(a.time(), b.time());
    if (o == 0) {
      o = Double.compare(a.entry(), b.entry());
    }
    if (o == 0) {
      o = Integer.compare(a.event(), b.event());
    }
    if (o == 0 && a.cause() != b.cause()) {
      o = a.cause() == null ? -1 : b.cause() == null ? 1 : a.cause().compareTo(b.cause());
    }
    return o;
  };

  private final Map<String, List<Cell>> byGroup;
  private final long size;

  private RiskCells(Map<String, List<Cell>> byGroup, long size) {
    this.byGroup = byGroup;
    this.size = size;
  }

  /**
   * The cells of {@code subjects} (columns of {@link Subjects}, weighted or not): one aggregation,
   * collected with a limit of {@code maxCells + 1} rows. Empty when there are more than
   * {@code maxCells} cells: the caller then uses the distributed estimators or names its option.
   */
  public static Optional<RiskCells> collect(Dataset<Row> subjects, long maxCells) {
    List<Row> rows = Subjects.aggregated(subjects)
        .select(col(GROUP), col(ENTRY), col(TIME), col(EVENT), col(CAUSE), col(WEIGHT))
        .limit((int) Math.min(Integer.MAX_VALUE - 1L, maxCells + 1))
        .collectAsList();
    if (rows.size() > maxCells) {
      return Optional.empty();
    }
    return Optional.of(of(rows));
  }

  /**
   * Cells from rows {@code group, entry, time, event, cause, weight}, in any order (rows of equal
   * cells are merged). Each group's
   * cells are put in one order (time, entry, event, cause): some estimators sum doubles cell by cell
   * (the jackknife errors of the cumulative incidence), and the order Spark returns cells in
   * depends on its partitioning (cores, shuffle partitions, plan); sorted, the same cells give
   * the same last bits on any machine.
   */
  public static RiskCells of(List<Row> rows) {
    Map<String, List<Cell>> byGroup = new TreeMap<>();
    for (Row r : rows) {
      Cell c = new Cell(((Number) r.get(1)).doubleValue(), ((Number) r.get(2)).doubleValue(), ((Number) r.get(3)).intValue(),
          r.getString(4), ((Number) r.get(5)).longValue());
      byGroup.computeIfAbsent(r.getString(0), g -> new ArrayList<>()).add(c);
    }
    long size = 0;
    for (List<Cell> cells : byGroup.values()) {
      cells.sort(ORDER);
      merge(cells);
      size += cells.size();
    }
    return new RiskCells(byGroup, size);
  }

  /** Equal cells (a task that counted some twice, or -0.0 and 0.0 apart) as one, their weights summed; {@code cells} sorted. */
  private static void merge(List<Cell> cells) {
    int kept = 0;
    for (Cell c : cells) {
      Cell last = kept == 0 ? null : cells.get(kept - 1);
      if (last != null && last.time() == c.time() && last.entry() == c.entry() && last.event() == c.event()
          && java.util.Objects.equals(last.cause(), c.cause())) {
        cells.set(kept - 1, new Cell(last.entry(), last.time(), last.event(), last.cause(), last.weight() + c.weight()));
      } else {
        cells.set(kept++, c);
      }
    }
    cells.subList(kept, cells.size()).clear();
  }

  /** Group names in ascending order. */
  public List<String> groups() {
    return List.copyOf(byGroup.keySet());
  }

  public List<Cell> cells(String group) {
    return Collections.unmodifiableList(byGroup.getOrDefault(group, List.of()));
  }

  /** The number of cells held. */
  public long size() {
    return size;
  }

  /** Only the listed groups (e.g. the published cohorts). */
  public RiskCells only(java.util.Collection<String> groups) {
    Map<String, List<Cell>> kept = new TreeMap<>();
    long n = 0;
    for (String g : groups) {
      List<Cell> c = byGroup.get(g);
      if (c != null) {
        kept.put(g, c);
        n += c.size();
      }
    }
    return new RiskCells(kept, n);
  }
}
