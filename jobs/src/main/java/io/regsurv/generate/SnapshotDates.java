package io.regsurv.generate;

import io.regsurv.core.BadInputException;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Snapshot date series: the demo and full presets, and period ends between two dates. */
public final class SnapshotDates {
  /** Six snapshots that still show every published figure (F1 on 2024-08-07, F2 bounded by 2024-07-31). */
  public static final List<LocalDate> DEMO = List.of(
      LocalDate.of(2023, 6, 30), LocalDate.of(2023, 12, 31), LocalDate.of(2024, 3, 31),
      LocalDate.of(2024, 6, 30), LocalDate.of(2024, 7, 31), LocalDate.of(2024, 8, 7));

  /** Month-ends 2023-01-31..2024-07-31 plus 2024-08-07, the day the published figures describe. */
  public static final List<LocalDate> FULL = series(LocalDate.of(2023, 1, 31), LocalDate.of(2024, 8, 7), "monthly");

  private SnapshotDates() {}

  /** Period ends from {@code from}'s month to {@code to}, plus {@code to} itself. */
  public static List<LocalDate> series(LocalDate from, LocalDate to, String cadence) {
    if (from.isAfter(to)) {
      throw new BadInputException("Cannot generate: --from " + from + " is after --to " + to);
    }
    int months = switch (cadence.toLowerCase(Locale.ROOT)) {
      case "monthly" -> 1;
      case "quarterly" -> 3;
      case "yearly" -> 12;
      default -> throw new BadInputException("Cannot generate: --cadence must be monthly, quarterly or yearly, got '" + cadence + "'");
    };
    List<LocalDate> out = new ArrayList<>();
    LocalDate d = from.with(TemporalAdjusters.lastDayOfMonth());
    while (!d.isAfter(to)) {
      out.add(d);
      d = d.plusMonths(months).with(TemporalAdjusters.lastDayOfMonth());
    }
    if (out.isEmpty() || !out.get(out.size() - 1).equals(to)) {
      out.add(to);
    }
    return List.copyOf(out);
  }
}
