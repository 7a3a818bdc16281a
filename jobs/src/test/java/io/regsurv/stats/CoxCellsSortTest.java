package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link CoxCells#sortCells}: the packed-key sort gives the cells exactly the order of the stable
 * comparison sort it replaces (so the fit's sums, and their last bits, are unchanged), and values
 * it cannot pack take the comparison sort.
 */
class CoxCellsSortTest {

  /** Cells with repeats, several strata and patterns; {@code frac}: some times not whole days; {@code negZero}: a -0.0 entry. */
  private static CoxCells.Collapsed cells(long seed, int n, boolean frac, boolean negZero) {
    Random r = new Random(seed);
    CoxCells.Collapsed c = new CoxCells.Collapsed();
    List<String> strata = List.of("s2", "s1", "s3");
    for (int i = 0; i < n; i++) {
      double time = r.nextInt(400) + (frac && i % 7 == 0 ? 0.5 : 0.0);
      double entry = negZero && i == 4 ? -0.0 : r.nextInt(3) * 30;
      c.add(strata.get(r.nextInt(3)), entry, time, r.nextInt(2), List.of("p" + r.nextInt(9), "q" + r.nextInt(4)), 1 + r.nextInt(5));
    }
    return c;
  }

  private static int[] expected(CoxCells.Collapsed c, int[] stratumRank, int[] patternRank, int[] order) {
    Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, (a, b) -> CoxCells.compareCells(c, stratumRank, patternRank, a, b)); // stable
    return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
  }

  /**
   * Every other cell (the sort sees a subset of the indices, as the fit's complete cells): in
   * ascending index order, as the fit hands them, exactly the stable sort's order; shuffled, the
   * same cells in the same order (equal cells, which the fit merges, in any order among themselves).
   */
  private static void assertSameOrder(CoxCells.Collapsed c, int n, long seed) {
    Random r = new Random(seed);
    int[] stratumRank = {1, 0, 2};
    int[] patternRank = IntStream.range(0, c.patterns().size()).toArray();
    shuffle(patternRank, r);
    int[] ascending = IntStream.range(0, n).filter(i -> i % 2 == 0).toArray();
    int[] want = expected(c, stratumRank, patternRank, ascending);
    CoxCells.sortCells(ascending, c, stratumRank, patternRank);
    assertThat(ascending).containsExactly(want);

    int[] shuffled = IntStream.range(0, n).filter(i -> i % 2 == 0).toArray();
    shuffle(shuffled, r);
    CoxCells.sortCells(shuffled, c, stratumRank, patternRank);
    for (int q = 0; q < shuffled.length; q++) {
      assertThat(CoxCells.compareCells(c, stratumRank, patternRank, shuffled[q], want[q])).as("cell at %d", q).isZero();
    }
  }

  private static void shuffle(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  @Test
  void packedKeysGiveTheComparisonSortsOrder() {
    for (long seed = 1; seed <= 5; seed++) {
      assertSameOrder(cells(seed, 5_000, false, false), 5_000, seed);
    }
  }

  @Test
  void valuesThatDoNotPackTakeTheComparisonSort() {
    assertSameOrder(cells(7, 3_000, true, false), 3_000, 7);
    assertSameOrder(cells(8, 3_000, false, true), 3_000, 8);
  }
}
